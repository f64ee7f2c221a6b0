package compliance

import (
	"net/url"
	"regexp"
	"strings"
)

// tlds are the endings a bare domain ("shop.example.de") is recognised by; a dotted word with any
// other ending (a file name, "e.g.") is not a link.
const tlds = `com|net|org|info|biz|io|co|shop|store|online|site|website|app|link|page|me|ly|gl|to|tv|eu|de|at|ch|uk|fr|it|es|nl|be|pl|se|dk|no|fi|ie|pt|ro|hu|cz|sk|gr|tr|jp|kr|cn|hk|tw|sg|in|au|nz|ca|us|mx|br|ar|ru|ua|xyz|top|club|live|email|one|ai`

var (
	linkRe = regexp.MustCompile(`(?i)\b(?:https?|ftp)://[^\s<>"'“”‘’]+|\bwww\d?\.[^\s<>"'“”‘’]+|\b[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)*\.(?:` + tlds + `)\b(?:/[^\s<>"'“”‘’]*)?`)
	// spelledLink is a domain with its dot written out: "myshop dot com", "myshop (dot) de".
	spelledDot  = regexp.MustCompile(`\s*[\(\[]?\s*dot\s*[\)\]]?\s*`)
	spelledLink = regexp.MustCompile(`(?i)\b[a-z0-9\-]+(?:\s*[\(\[]\s*dot\s*[\)\]]\s*|\s+dot\s+)(?:` + tlds + `)\b`)
)

type link struct {
	span
	host string
}

// links finds links, written as URLs, as bare domains or with the dot spelled out, leaving out
// e-mail addresses (their own rule).
func links(s string, mails []span) []link {
	var out []link
	for _, loc := range linkRe.FindAllStringIndex(s, -1) {
		start, end := loc[0], loc[1]
		for end > start && strings.ContainsRune(".,;:!?)]}'\"»", rune(s[end-1])) {
			end--
		}
		if inside(start, end, mails) || (start > 0 && (s[start-1] == '@' || s[start-1] == '.')) {
			continue
		}
		out = append(out, link{span{start, end}, hostOf(s[start:end])})
	}
	for _, loc := range spelledLink.FindAllStringIndex(s, -1) {
		if inside(loc[0], loc[1], mails) {
			continue
		}
		m := strings.ToLower(s[loc[0]:loc[1]])
		host := spelledDot.ReplaceAllString(m, ".")
		out = append(out, link{span{loc[0], loc[1]}, host})
	}
	return out
}

func inside(start, end int, spans []span) bool {
	for _, sp := range spans {
		if start < sp.end && end > sp.start {
			return true
		}
	}
	return false
}

func hostOf(m string) string {
	raw := m
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		h, _, _ := strings.Cut(strings.TrimPrefix(strings.ToLower(m), "www."), "/")
		return h
	}
	return strings.ToLower(u.Hostname())
}

// allowedHost says whether host is one of the domains or a subdomain of one.
func allowedHost(host string, domains ...[]string) bool {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	for _, list := range domains {
		for _, d := range list {
			d = strings.ToLower(strings.TrimSpace(d))
			if d != "" && (host == d || strings.HasSuffix(host, "."+d)) {
				return true
			}
		}
	}
	return false
}
