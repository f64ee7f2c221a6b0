package relaymail

import (
	"github.com/shopdesk/shopdesk/internal/language"
)

// Kind is what a marketplace mail is, which decides how the ticket treats it.
type Kind string

// The kinds of marketplace mail. Only buyer messages and pre-sale questions (and Walmart's
// escalations and complaints, which want an answer) are customer messages; the rest are notices.
const (
	BuyerMessage    Kind = "buyer_message"
	PresaleQuestion Kind = "presale_question"
	SellerCopy      Kind = "seller_copy"
	DeliveryFailure Kind = "delivery_failure"
	OptOut          Kind = "opt_out"
	AtoZClaim       Kind = "atoz_claim"
	ReturnRequest   Kind = "return_request"
	Feedback        Kind = "feedback"
	CareEscalation  Kind = "care_escalation"
	Complaint       Kind = "complaint"
)

// Message is what a marketplace parser extracts from one relay or notice mail.
type Message struct {
	Marketplace   string // amazon, walmart
	Site          string // amazon.de, walmart.ca
	Kind          Kind
	OrderID       string
	PurchaseOrder string // Walmart
	ASIN          string
	Product       string
	BuyerName     string
	// BuyerAlias is the buyer's identity: the relay address without any +suffix.
	BuyerAlias string
	// ReplyTo is where a reply goes: the exact relay address, suffix included (Walmart's care
	// address for escalations and complaints); "" when the mail is not to be answered.
	ReplyTo       string
	BuyerText     string // the buyer's own words (or comment on a claim, return or feedback)
	SellerText    string // the seller's words in Amazon's copy of a reply
	NoticeText    string // a Walmart care agent's notes or the complaint
	CommMgrTok    string
	NoResponseURL string // the mail's own "no response needed" link
	Language      string // BCP 47 tag of the carried text
	// FailedReplyMessageID is the Message-ID of our reply Amazon refused (delivery failure,
	// opt-out), without angle brackets.
	FailedReplyMessageID string
	Reason               string
	Rating               int
	CaseID               string
	Urgent               bool // Walmart BBB and Attorney-General complaints: answer within 1 h
}

// Customer reports whether the message is a customer's (buyer's or care's) words wanting an
// answer, as opposed to a notice about the conversation.
func (m Message) Customer() bool {
	switch m.Kind {
	case BuyerMessage, PresaleQuestion, CareEscalation, Complaint:
		return true
	}
	return false
}

// Text is the words the ticket shows for the message.
func (m Message) Text() string {
	switch {
	case m.Kind == SellerCopy:
		return m.SellerText
	case m.NoticeText != "":
		return m.NoticeText
	case m.BuyerText != "":
		return m.BuyerText
	}
	return m.Reason
}

// ThreadKey is the channel key a ticket is found by (channels.md 1.5): the buyer's alias plus
// the order, and for a pre-sale question (no order) the alias plus the ASIN; Walmart cases by
// their case number. "" when the mail names no alias: it joins its order's ticket (OrderKey).
func (m Message) ThreadKey() string {
	switch {
	case m.Marketplace == "walmart" && m.CaseID != "" && (m.Kind == CareEscalation || m.Kind == Complaint):
		return "walmart:case:" + m.CaseID
	case m.BuyerAlias == "":
		return ""
	case m.OrderID != "":
		return m.Marketplace + ":" + m.BuyerAlias + ":order:" + m.OrderID
	case m.ASIN != "":
		return m.Marketplace + ":" + m.BuyerAlias + ":asin:" + m.ASIN
	}
	return ""
}

// OrderKey names the order's ticket for mail that carries an order but no alias (Amazon's copies
// of replies sent in Seller Central, claims, returns, feedback).
func (m Message) OrderKey() string {
	if m.OrderID == "" {
		return ""
	}
	return m.Marketplace + ":order:" + m.OrderID
}

// DedupeKey identifies the same relay mail arriving by two routes (gateway and IMAP): Amazon's
// Communication Manager token. "" when the mail has none.
func (m Message) DedupeKey() string {
	if m.CommMgrTok == "" {
		return ""
	}
	return m.Marketplace + ":commmgr:" + m.CommMgrTok
}

// Language names the language of text: the script or frequent words decide, and where they
// cannot the site's language stands. Buyers on a Canadian site get the Canadian tag for English
// and French, since replies to them follow Canadian rules (Walmart.ca wants English).
func Language(text, siteLang, country string) string {
	l := language.Detect(text)
	switch {
	case nonLatin[l]:
	case siteLang != "" && !latinDetectable[siteLang]:
		// language.Detect knows few Latin languages; on a site whose language it cannot name
		// (Polish, Swedish, Turkish…) a Latin text is taken to be in the site's language.
		l = siteLang
	case l == "":
		l = siteLang
	}
	if country == "CA" && (l == "en" || l == "fr") {
		return l + "-CA"
	}
	return l
}

var (
	nonLatin        = map[string]bool{"ko": true, "ja": true, "zh": true, "ru": true, "el": true}
	latinDetectable = map[string]bool{"en": true, "ro": true, "de": true, "fr": true, "es": true, "nl": true, "it": true}
)
