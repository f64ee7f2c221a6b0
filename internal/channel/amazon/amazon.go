// Package amazon reads Amazon's Buyer-Seller Messaging relay mail and Amazon's notices about it
// (copies of replies sent in Seller Central, delivery failures, buyer opt-outs, A-to-z claims,
// returns, feedback). Buyer messages are recognised by structure, in any template language: the
// old template's dashed marker lines around the buyer's words, or the newer template's single
// <pre> block. The parser is pure; whether a mail may be treated as Amazon's at all is decided
// before it (internal/channel/relay, on the DKIM verdict).
package amazon

import (
	"regexp"
	"strings"

	"github.com/shopdesk/shopdesk/internal/channel/marketplace"
	"github.com/shopdesk/shopdesk/internal/channel/relaymail"
)

var (
	orderRE  = regexp.MustCompile(`\b\d{3}-\d{7}-\d{7}\b`)
	asinRE   = regexp.MustCompile(`ASIN\s*:\s*([A-Z0-9]{10})\b`)
	tokRE    = regexp.MustCompile(`\[commMgrTok:\s*([A-Za-z0-9]+)\s*\]`)
	markerRE = regexp.MustCompile(`^-{5,}\s*\S.*?-{5,}$`)
	preRE    = regexp.MustCompile(`(?is)<pre\b[^>]*>(.*?)</pre\s*>`)
	noRespRE = regexp.MustCompile(`https://[^\s"'<>]*/no-response-needed\.html\?[^\s"'<>]*`)
	aliasRE  = regexp.MustCompile(`(?i)\b([a-z0-9]{8,32})(\+[a-z0-9-]+)?@(marketplace\.amazon\.[a-z.]+[a-z])\b`)
	localRE  = regexp.MustCompile(`^[a-z0-9]{8,32}$`)
	qtyRE    = regexp.MustCompile(`^\d+\s*\S+\s+`)
	labelRE  = regexp.MustCompile(`^[^:：]{1,40}[:：]\s*`)
)

// SiteOf maps a sender domain to its Amazon site: marketplace.amazon.de (buyer relay mail) and
// amazon.de (Amazon's own notices) both give amazon.de. ok is false for any other domain.
func SiteOf(domain string) (site string, relay, ok bool) {
	domain = strings.ToLower(strings.TrimSuffix(domain, "."))
	if d, found := strings.CutPrefix(domain, "marketplace."); found {
		domain, relay = d, true
	}
	if _, known := marketplace.SiteOf(marketplace.Amazon, domain); !known {
		return "", false, false
	}
	return domain, relay, true
}

// Claims reports whether the From domain is Amazon's (relay or notice), whatever the signature.
func Claims(m relaymail.Mail) bool {
	_, _, ok := SiteOf(m.FromDomain())
	return ok
}

// Parse reads one mail from an Amazon domain. ok is false when the mail is not Amazon's, or is an
// Amazon mail of no kind this package knows (it is then ordinary mail).
func Parse(m relaymail.Mail) (relaymail.Message, bool) {
	site, relay, ok := SiteOf(m.FromDomain())
	if !ok {
		return relaymail.Message{}, false
	}
	msg := relaymail.Message{Marketplace: marketplace.Amazon, Site: site}
	all := m.Text + "\n" + m.HTML
	if t := tokRE.FindStringSubmatch(all); t != nil {
		msg.CommMgrTok = t[1]
	}
	if u := noRespRE.FindString(relaymail.HTMLText(all)); u != "" {
		msg.NoResponseURL = u
	}
	if relay {
		ok = parseBuyer(m, &msg)
	} else {
		ok = parseNotice(m, &msg)
	}
	if !ok {
		return relaymail.Message{}, false
	}
	s, _ := marketplace.SiteOf(marketplace.Amazon, site)
	msg.Language = relaymail.Language(msg.Text(), s.Language, s.Country)
	return msg, true
}

// body is the mail's text with line structure: the HTML when there is one (Amazon's old HTML
// template keeps its lines as <br />), else the text part.
func body(m relaymail.Mail) string {
	if strings.TrimSpace(m.HTML) != "" {
		return relaymail.HTMLText(m.HTML)
	}
	return m.Text
}

// between splits text at the old template's two dashed marker lines: what precedes the first,
// the lines inside, and whether both markers were found. The markers' words are localised, so
// only their shape counts.
func between(text string) (before, inside []string, ok bool) {
	ls := relaymail.Lines(text)
	start := -1
	for i, l := range ls {
		if !markerRE.MatchString(l) {
			continue
		}
		if start < 0 {
			start = i
			continue
		}
		return ls[:start], ls[start+1 : i], true
	}
	return nil, nil, false
}

func parseBuyer(m relaymail.Mail, msg *relaymail.Message) bool {
	addr := strings.ToLower(strings.TrimSpace(m.From.Address))
	local, domain, _ := strings.Cut(addr, "@")
	base, _, _ := strings.Cut(local, "+")
	if !localRE.MatchString(base) {
		return false
	}
	msg.BuyerAlias = base + "@" + domain
	msg.ReplyTo = addr
	msg.BuyerName = displayName(m.From.Name)

	var template string
	if pre := preRE.FindStringSubmatch(m.HTML); pre != nil {
		msg.BuyerText = relaymail.Block(relaymail.Lines(relaymail.HTMLText(pre[1])))
		template = relaymail.HTMLText(strings.Replace(m.HTML, pre[0], "", 1))
		msg.Product = anchorProduct(m.HTML)
	} else if before, inside, ok := between(body(m)); ok {
		msg.BuyerText = relaymail.Block(inside)
		template = strings.Join(before, "\n")
	} else {
		return false
	}
	msg.OrderID = firstOrder(m.Subject, template, msg.BuyerText)
	if a := asinRE.FindStringSubmatch(template); a != nil {
		msg.ASIN = a[1]
		if msg.Product == "" {
			msg.Product = itemProduct(template)
		}
	}
	msg.Kind = relaymail.BuyerMessage
	if msg.OrderID == "" {
		msg.Kind = relaymail.PresaleQuestion
	}
	return true
}

// displayName drops Amazon's " - Amazon Marketplace" tail from the From name.
func displayName(n string) string {
	n = strings.TrimSpace(n)
	if i := strings.LastIndex(n, " - "); i > 0 {
		n = n[:i]
	}
	return strings.TrimSpace(n)
}

func firstOrder(texts ...string) string {
	for _, t := range texts {
		if o := orderRE.FindString(t); o != "" {
			return o
		}
	}
	return ""
}

var anchorRE = regexp.MustCompile(`(?is)<a\b[^>]*href="[^"]*/dp/[A-Z0-9]{10}[^"]*"[^>]*>(.*?)</a>`)

// anchorProduct is the product title the newer template links to its /dp/ page.
func anchorProduct(h string) string {
	if a := anchorRE.FindStringSubmatch(h); a != nil {
		return strings.TrimSpace(relaymail.HTMLText(a[1]))
	}
	return ""
}

// itemProduct reads the item line ("1 of <title> [ASIN: …]", "Item: <title> (ASIN: …)") in any
// language: the title sits between a quantity-and-word or a label and the ASIN bracket.
func itemProduct(text string) string {
	for _, l := range relaymail.Lines(text) {
		i := asinRE.FindStringIndex(l)
		if i == nil {
			continue
		}
		p := strings.TrimRight(strings.TrimSpace(l[:i[0]]), "[(（ ")
		if qtyRE.MatchString(p) {
			p = qtyRE.ReplaceAllString(p, "")
		} else {
			p = labelRE.ReplaceAllString(p, "")
		}
		return strings.TrimSpace(p)
	}
	return ""
}
