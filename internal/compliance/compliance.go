// Package compliance checks a reply against a marketplace's messaging rules before it is sent:
// links, e-mail addresses, phone numbers, marketing and review-manipulation wording, a second
// review request for one order, attachment limits and eBay's length limit. The rules are data
// (data/rules/<marketplace>.json, word lists in data/words/<list>/<language>.txt), each naming the
// policy it comes from, so a rule changes without touching the detectors.
//
// The check runs on the exact outgoing message: the text as it will be sent, the signature, any
// quoted history and the attachment names. It is pure: the caller supplies what the workspace
// knows (the allow-list, the order's earlier review requests, the buyer's language).
package compliance

import "unicode/utf8"

// Level says what a finding does to a send.
type Level string

// Levels: a block refuses the send; a warn is shown and the reply goes.
const (
	Block Level = "block"
	Warn  Level = "warn"
)

// Part is the piece of the outgoing message a finding is in; spans are offsets into that piece.
type Part string

// Parts of an outgoing message.
const (
	PartText       Part = "text"
	PartSignature  Part = "signature"
	PartQuoted     Part = "quoted"
	PartAttachment Part = "attachment"
	// PartMessage is the message as a whole (its length, its language, its order id).
	PartMessage Part = "message"
)

// Attachment is a file going with the reply.
type Attachment struct {
	Name        string
	ContentType string
	Size        int64
}

// Message is one outgoing reply and what the workspace knows about its buyer and order.
type Message struct {
	// Marketplace is the ticket's channel: amazon, ebay or walmart. Other channels have no rules.
	Marketplace string
	Subject     string
	Text        string
	Signature   string
	Quoted      string
	Attachments []Attachment
	// OrderNumber is the ticket's order ("" before a sale).
	OrderNumber string
	// BuyerLanguage is the language the buyer writes in ("" when unknown).
	BuyerLanguage string
	// PriorRequests counts the feedback, review and survey requests the ledger holds for the order.
	PriorRequests int
	// OptedOut says the buyer asked the marketplace for no proactive messages.
	OptedOut bool
	// Allowed are the workspace's extra link domains, on top of each marketplace's own and the
	// carriers'.
	Allowed []string
}

// Finding is one rule the message breaks (block) or should be looked at for (warn).
type Finding struct {
	RuleID string `json:"rule"`
	Level  Level  `json:"level"`
	Kind   string `json:"kind"`
	Source string `json:"source"`
	Part   Part   `json:"part"`
	// Attachment is the attachment's index when Part is "attachment".
	Attachment int `json:"attachment"`
	// Start and End are byte offsets into the part; RuneStart/RuneEnd count code points and
	// U16Start/U16End UTF-16 units (what a browser's textarea selection counts).
	Start     int    `json:"start"`
	End       int    `json:"end"`
	RuneStart int    `json:"rune_start"`
	RuneEnd   int    `json:"rune_end"`
	U16Start  int    `json:"u16_start"`
	U16End    int    `json:"u16_end"`
	Match     string `json:"match"`
	// Reason is the message key saying why; Args fill it.
	Reason string `json:"reason"`
	Args   []any  `json:"args,omitempty"`
}

// Result is the outcome of one check.
type Result struct {
	Findings []Finding
	// Length is the outgoing text's length in the rule's unit and MaxLength the limit; both are
	// zero when the marketplace has no length rule.
	Length    int
	MaxLength int
	// Request says the message asks for feedback or a review: on send it goes in the order's
	// ledger, and a later one for the same order is refused.
	Request bool
}

// Blocked says whether any finding refuses the send.
func (r Result) Blocked() bool {
	for _, f := range r.Findings {
		if f.Level == Block {
			return true
		}
	}
	return false
}

// First is the first blocking finding, else the first finding.
func (r Result) First() (Finding, bool) {
	for _, f := range r.Findings {
		if f.Level == Block {
			return f, true
		}
	}
	if len(r.Findings) > 0 {
		return r.Findings[0], true
	}
	return Finding{}, false
}

// spanned fills a finding's rune and UTF-16 offsets from its byte offsets into s.
func spanned(f Finding, s string) Finding {
	f.RuneStart = utf8.RuneCountInString(s[:f.Start])
	f.RuneEnd = f.RuneStart + utf8.RuneCountInString(s[f.Start:f.End])
	f.U16Start = utf16Len(s[:f.Start])
	f.U16End = f.U16Start + utf16Len(s[f.Start:f.End])
	if f.Match == "" {
		f.Match = s[f.Start:f.End]
	}
	return f
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// Refusal is a send refused by at least one blocking finding; the composer shows them all.
type Refusal struct{ Result Result }

func (r *Refusal) Error() string {
	f, _ := r.Result.First()
	return "compliance: reply refused by rule " + f.RuleID
}
