package relay

import (
	"strings"

	"github.com/shopdesk/shopdesk/internal/channel/amazon"
	"github.com/shopdesk/shopdesk/internal/channel/marketplace"
	"github.com/shopdesk/shopdesk/internal/channel/relaymail"
	"github.com/shopdesk/shopdesk/internal/channel/walmart"
)

// Trust is the authentication verdict on one mail, made before parsing (internal/mailauth):
// the domains for which a DKIM signature verified and aligns with From under the domain's DMARC
// policy. An empty Trust authenticates nothing.
type Trust struct {
	AuthenticatedDomains []string
}

// Authenticates reports whether the mail authenticated for domain: an authenticated domain is
// the domain itself or a parent of it (relaxed alignment, as DMARC allows).
func (t Trust) Authenticates(domain string) bool {
	domain = strings.ToLower(strings.TrimSuffix(domain, "."))
	if domain == "" {
		return false
	}
	for _, d := range t.AuthenticatedDomains {
		d = strings.ToLower(strings.TrimSuffix(d, "."))
		if d != "" && (domain == d || strings.HasSuffix(domain, "."+d)) {
			return true
		}
	}
	return false
}

// Account is what classification needs of the marketplace account a mail arrived for.
type Account struct {
	Marketplace    string
	SenderPatterns []string // Walmart; empty means walmart.DefaultSenderPatterns
}

// AccountOf reads a stored marketplace account.
func AccountOf(a marketplace.Account) *Account {
	return &Account{Marketplace: a.Marketplace, SenderPatterns: a.SenderPatterns}
}

// Result is the classification of one mail.
type Result struct {
	// Message is set for marketplace mail (Message.Marketplace is then non-empty).
	Message relaymail.Message
	// Suspicious is a mail that claims a marketplace without authenticating for it: ordinary
	// mail, never threaded onto a buyer's conversation.
	Suspicious bool
	Claimed    string // the marketplace a suspicious mail pretends to be
}

// Marketplace reports whether the mail is to be treated as marketplace mail.
func (r Result) Marketplace() bool { return r.Message.Marketplace != "" }

// Classify decides what a mail is. account is the marketplace account whose forwarding address
// the mail came to, or nil (the workspace's plain address or a connected mailbox): then any
// marketplace's mail is recognised, Walmart's by its default senders.
func Classify(m relaymail.Mail, account *Account, trust Trust) Result {
	wantAmazon := account == nil || account.Marketplace == marketplace.Amazon
	wantWalmart := account == nil || account.Marketplace == marketplace.Walmart
	var patterns []string
	if account != nil {
		patterns = account.SenderPatterns
	}
	domain := m.FromDomain()
	switch {
	case wantAmazon && amazon.Claims(m):
		if !trust.Authenticates(domain) {
			return Result{Suspicious: true, Claimed: marketplace.Amazon}
		}
		if msg, ok := amazon.Parse(m); ok {
			return Result{Message: msg}
		}
	case wantWalmart && walmart.Claims(m, patterns):
		if !trust.Authenticates(domain) {
			return Result{Suspicious: true, Claimed: marketplace.Walmart}
		}
		if msg, ok := walmart.Parse(m, patterns); ok {
			return Result{Message: msg}
		}
	}
	return Result{}
}
