// Package relaymail holds what the marketplace relay parsers (internal/channel/amazon and
// internal/channel/walmart) read and produce: the parts of an already decoded mail, and the
// marketplace message extracted from it. It has no database and no network, so the parsers stay
// pure and the ingest pipeline can feed them from its own parse.
package relaymail

import (
	"html"
	"net/mail"
	"regexp"
	"strings"
)

// Mail is a decoded inbound mail: headers with encoded words decoded, bodies in UTF-8.
type Mail struct {
	MessageID   string
	InReplyTo   []string
	References  []string
	From        mail.Address
	Subject     string
	Text        string // the text/plain body (may be derived from HTML by the decoder)
	HTML        string
	Attachments []string // file names in order
	// Header returns a header's first decoded value ("" when absent); nil reads as no headers.
	Header func(name string) string
}

// HeaderValue is Header that tolerates a nil reader.
func (m Mail) HeaderValue(name string) string {
	if m.Header == nil {
		return ""
	}
	return m.Header(name)
}

// FromDomain is the lower-cased domain of the From address.
func (m Mail) FromDomain() string {
	_, d, _ := strings.Cut(strings.ToLower(m.From.Address), "@")
	return d
}

var (
	breaks   = regexp.MustCompile(`(?i)<\s*br\s*/?\s*>|<\s*/\s*(p|div|tr|li|h[1-6]|table|pre)\s*>|<\s*(p|div|tr|table|h[1-6])\b[^>]*>`)
	tags     = regexp.MustCompile(`(?s)<[^>]*>`)
	comments = regexp.MustCompile(`(?s)<!--.*?-->|<(?i:head|style|script)\b.*?</(?i:head|style|script)\s*>`)
)

// HTMLText turns HTML into text keeping line structure: line breaks and block ends become new
// lines, tags go, entities are decoded.
func HTMLText(h string) string {
	h = comments.ReplaceAllString(h, "")
	h = breaks.ReplaceAllString(h, "\n")
	h = tags.ReplaceAllString(h, "")
	return html.UnescapeString(strings.ReplaceAll(h, "\r\n", "\n"))
}

// Lines splits text into trimmed lines.
func Lines(s string) []string {
	ls := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range ls {
		ls[i] = strings.TrimSpace(strings.ReplaceAll(l, "\u00a0", " "))
	}
	return ls
}

// Block joins lines, dropping blank lines at both ends and keeping inner ones.
func Block(ls []string) string {
	for len(ls) > 0 && ls[0] == "" {
		ls = ls[1:]
	}
	for len(ls) > 0 && ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	}
	return strings.Join(ls, "\n")
}
