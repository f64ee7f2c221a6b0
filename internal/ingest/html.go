package ingest

import (
	"html"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
)

// sanitizer keeps the formatting of customer mail and nothing that runs or calls home: no script,
// no styles, no forms. Inline cid: images keep their src (the thread points them at the stored
// attachments); remote images (tracking pixels, say) keep their address only in data-remote-src,
// which loads nothing until an agent asks for the images.
var sanitizer = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowStandardURLs()
	p.AllowURLSchemes("mailto", "http", "https", "cid")
	p.AllowAttrs("href").OnElements("a")
	p.AllowElements("p", "br", "b", "i", "u", "s", "strong", "em", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
		"h1", "h2", "h3", "h4", "h5", "h6", "pre", "code", "hr", "span", "div", "center", "font", "sub", "sup", "small",
		"table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption")
	p.AllowAttrs("colspan", "rowspan", "align").OnElements("td", "th")
	p.AllowAttrs("alt", "width", "height").OnElements("img")
	p.AllowAttrs("src").Matching(regexp.MustCompile(`^cid:`)).OnElements("img")
	p.AllowAttrs("data-remote-src").Matching(regexp.MustCompile(`^https?://`)).OnElements("img")
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}()

// remoteImage finds an image's remote source, to park it in data-remote-src before sanitising (the
// sanitiser then checks the result like any other attribute).
var remoteImage = regexp.MustCompile(`(?i)(<img\b[^>]*?\s)src(\s*=\s*["']?\s*https?:)`)

// SanitizeHTML makes a mail's HTML safe to show.
func SanitizeHTML(s string) string {
	return sanitizer.Sanitize(remoteImage.ReplaceAllString(s, "${1}data-remote-src${2}"))
}

var (
	blockTags = regexp.MustCompile(`(?i)<\s*/?\s*(br|p|div|tr|li|h[1-6]|table|blockquote)\b[^>]*>`)
	cellEnds  = regexp.MustCompile(`(?i)<\s*/\s*t[dh]\s*>`)
	allTags   = bluemonday.StrictPolicy()
	spaces    = regexp.MustCompile(`[ \t\x{00a0}]+`)
	blankRuns = regexp.MustCompile(`\n{3,}`)
)

// TextFromHTML gives an HTML-only mail a plain text body for the thread, search and snippets.
func TextFromHTML(s string) string {
	s = blockTags.ReplaceAllString(s, "\n$0")
	s = cellEnds.ReplaceAllString(s, "$0 ")
	s = html.UnescapeString(allTags.Sanitize(s))
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(spaces.ReplaceAllString(l, " "))
	}
	return strings.TrimSpace(blankRuns.ReplaceAllString(strings.Join(lines, "\n"), "\n\n"))
}
