// Package walmart reads Walmart Marketplace relay mail: buyer messages through Walmart's relay
// addresses, Walmart Customer Care escalations and BBB / Attorney-General complaints (answer
// within 1 h). Walmart does not document these mails, so who sends them is configured per account
// (sender patterns) and the layout read here is what the corpus describes; the parser is pure and
// runs only after the mail authenticated for Walmart's domain (internal/channel/relay).
package walmart

import (
	"regexp"
	"strings"

	"github.com/shopdesk/shopdesk/internal/channel/marketplace"
	"github.com/shopdesk/shopdesk/internal/channel/relaymail"
)

// DefaultSenderPatterns are used for an account that names none: Walmart's buyer relay domains
// and its care and escalation senders.
var DefaultSenderPatterns = []string{
	"*@relay.walmart.com", "*@relay.walmart.ca", "marketplacecare@walmart.com", "marketplace-escalations@walmart.com",
}

// Patterns returns the account's sender patterns, or the defaults when it has none.
func Patterns(account []string) []string {
	if len(account) == 0 {
		return DefaultSenderPatterns
	}
	return account
}

// Claims reports whether the mail's sender is one of Walmart's per the patterns.
func Claims(m relaymail.Mail, patterns []string) bool {
	return marketplace.MatchesSender(Patterns(patterns), m.From.Address)
}

var (
	relayLocal = regexp.MustCompile(`^[0-9a-f]{16,40}$`)
	blockRE    = regexp.MustCompile(`(?is)<div\b[^>]*class="customer-message"[^>]*>(.*?)</div>`)
	digitsRE   = regexp.MustCompile(`\d{6,}`)
)

// Parse reads a Walmart mail whose sender matched the patterns. ok is false for a mail of no
// kind this package knows.
func Parse(m relaymail.Mail, patterns []string) (relaymail.Message, bool) {
	if !Claims(m, patterns) {
		return relaymail.Message{}, false
	}
	addr := strings.ToLower(strings.TrimSpace(m.From.Address))
	local, domain, _ := strings.Cut(addr, "@")
	site := "walmart.com"
	if strings.HasSuffix(domain, ".ca") {
		site = "walmart.ca"
	}
	msg := relaymail.Message{Marketplace: marketplace.Walmart, Site: site}
	text := m.Text
	if strings.TrimSpace(text) == "" {
		text = relaymail.HTMLText(m.HTML)
	}
	lines := relaymail.Lines(text)
	label := func(name string) string {
		for _, l := range lines {
			k, v, ok := strings.Cut(l, ":")
			if ok && strings.EqualFold(strings.TrimSpace(k), name) {
				return strings.TrimSpace(v)
			}
		}
		return ""
	}
	msg.OrderID = label("Customer order number")
	if msg.OrderID == "" {
		msg.OrderID = digitsRE.FindString(m.Subject)
	}
	msg.PurchaseOrder = label("Purchase order number")
	msg.CaseID = label("Case number")
	msg.BuyerName = label("Customer")
	if msg.BuyerName == "" {
		msg.BuyerName, _, _ = strings.Cut(m.From.Name, " via ")
	}
	words := block(m.HTML, lines)
	high := m.HeaderValue("X-Priority") == "1" || strings.EqualFold(m.HeaderValue("Importance"), "high")
	switch {
	case relayLocal.MatchString(local):
		msg.Kind = relaymail.BuyerMessage
		msg.BuyerAlias, msg.ReplyTo = addr, addr
		msg.BuyerText = words
		msg.Product = label("Item")
		msg.Reason = label("Topic")
	case high || label("Source") != "":
		msg.Kind = relaymail.Complaint
		msg.Urgent = true
		msg.ReplyTo = addr
		msg.NoticeText = words
	case msg.CaseID != "":
		msg.Kind = relaymail.CareEscalation
		msg.ReplyTo = addr
		msg.NoticeText = words
	default:
		return relaymail.Message{}, false
	}
	s, _ := marketplace.SiteOf(marketplace.Walmart, site)
	msg.Language = relaymail.Language(msg.Text(), s.Language, s.Country)
	return msg, true
}

// block is the quoted message (the buyer's words, the care agent's notes, the complaint): the
// HTML's customer-message block, or in text the paragraph after the first line that is only a
// label, up to the signature.
func block(h string, lines []string) string {
	if b := blockRE.FindStringSubmatch(h); b != nil {
		return relaymail.Block(relaymail.Lines(relaymail.HTMLText(b[1])))
	}
	for i, l := range lines {
		if !strings.HasSuffix(l, ":") || strings.Contains(l, " ") && len(strings.Fields(l)) > 5 {
			continue
		}
		var out []string
		for _, n := range lines[i+1:] {
			if n == "--" {
				break
			}
			out = append(out, n)
		}
		return relaymail.Block(out)
	}
	return ""
}
