package ingest

import (
	"regexp"
	"strings"
)

// Class says whether a message was written by a person. Automation (auto-replies, surveys,
// rules that answer) runs only for Person; everything else is stored and shown, never answered.
type Class struct {
	Automatic bool
	Kind      string // "", "bounce", "auto-reply", "list", "own"
	Reason    string // the header or pattern that decided it, for the ticket trail
}

// OwnMarker is the header our outgoing mail carries, so a copy of it coming back (a mailbox that
// forwards to itself, a CC to the shared inbox) is recognised as our own.
const OwnMarker = "X-Shopdesk-Message"

var (
	bounceSubject = regexp.MustCompile(`(?i)^((fwd?|fw|tr|wg):\s*)?(undeliver(ed|able)|delivery (status|failure|has failed|notification)|mail delivery (failed|failure|system)|returned mail|failure notice|non[- ]?delivery|message not delivered|warning: could not send|mail system error|undelivered mail returned|loop alert|complaint about message from|abuse report|メールエラー通知|配信不能|전송 실패)`)
	autoSubject   = regexp.MustCompile(`(?i)^(auto(matic)?[- ]?(reply|response|antwort|réponse)|out of (the )?office|abwesenheitsnotiz|i am (currently )?out of|absence|r[ée]ponse automatique|răspuns automat|자동 회신|자동응답)`)
	// Senders no person reads replies at: daemons, feedback loops, and no-reply addresses.
	daemonSender = regexp.MustCompile(`(?i)^(mailer-daemon|post_?master|mail-daemon|mailerdaemon|mdaemon|bounces?|no-?reply|do-?not-?reply|donotreply|feedback(loop)?|abuse|dmarc[a-z-]*)([+._-].*)?$|-admin$`)
)

// daemonWord is a mail system's name standing in for an address.
var daemonWord = regexp.MustCompile(`^(mailer-?daemon|mail-?daemon|post_?master|mdaemon)$`)

func daemonName(name string) bool {
	if n := strings.TrimSpace(name); n == "<>" || n == "" {
		return n == "<>"
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_')
	}) {
		if daemonWord.MatchString(w) {
			return true
		}
	}
	return false
}

// Classify decides, from headers and structure only, whether a message is automatic.
func Classify(p *Parsed) Class {
	h := p.header
	if h(OwnMarker) != "" {
		return Class{Automatic: true, Kind: "own", Reason: OwnMarker}
	}
	// RFC 6522 reports (delivery status, read receipts, abuse feedback) are machine-written.
	if strings.HasPrefix(p.contentType, "multipart/report") {
		return Class{Automatic: true, Kind: "bounce", Reason: "Content-Type: " + p.contentType}
	}
	for _, t := range []string{"message/delivery-status", "message/feedback-report", "message/disposition-notification", "message/global-delivery-status"} {
		if p.partTypes[t] {
			return Class{Automatic: true, Kind: "bounce", Reason: "a " + t + " part"}
		}
	}
	if v := h("X-Failed-Recipients"); v != "" {
		return Class{Automatic: true, Kind: "bounce", Reason: "X-Failed-Recipients"}
	}
	if p.From != nil {
		local, _, _ := strings.Cut(strings.ToLower(p.From.Address), "@")
		if local != "" && daemonSender.MatchString(local) {
			return Class{Automatic: true, Kind: "bounce", Reason: "From: " + p.From.Address}
		}
		// A sender with no usable address is a person known by name, unless the name is a mail
		// system's ("MAILER-DAEMON (Mail Delivery System)", "<>").
		if p.From.Address == "" && daemonName(p.From.Name) {
			return Class{Automatic: true, Kind: "bounce", Reason: "From: " + p.From.Name}
		}
	}
	// The null reverse path (MAIL FROM:<>) is what delivery reports are sent with (RFC 5321 §4.5.5).
	if strings.Join(strings.Fields(h("Return-Path")), "") == "<>" {
		return Class{Automatic: true, Kind: "bounce", Reason: "Return-Path: <>"}
	}
	if bounceSubject.MatchString(p.Subject) {
		return Class{Automatic: true, Kind: "bounce", Reason: "Subject: " + p.Subject}
	}
	// RFC 3834: anything but "no" is automatic.
	if v := strings.ToLower(strings.TrimSpace(h("Auto-Submitted"))); v != "" && v != "no" {
		return Class{Automatic: true, Kind: "auto-reply", Reason: "Auto-Submitted: " + v}
	}
	for _, k := range []string{"X-Autoreply", "X-Autorespond", "X-Auto-Reply", "X-Autoresponder", "X-Mail-Autoreply", "X-FC-MachineGenerated", "X-Loop"} {
		if h(k) != "" {
			return Class{Automatic: true, Kind: "auto-reply", Reason: k}
		}
	}
	if v := strings.ToLower(h("X-Auto-Response-Suppress")); strings.Contains(v, "all") || strings.Contains(v, "oof") || strings.Contains(v, "autoreply") {
		// Exchange marks its own automatic mail this way.
		if autoSubject.MatchString(p.Subject) || strings.Contains(v, "all") {
			return Class{Automatic: true, Kind: "auto-reply", Reason: "X-Auto-Response-Suppress: " + v}
		}
	}
	switch v := strings.ToLower(strings.TrimSpace(h("Precedence"))); v {
	case "bulk", "junk", "list", "auto_reply":
		return Class{Automatic: true, Kind: "list", Reason: "Precedence: " + v}
	}
	for _, k := range []string{"List-Id", "List-Unsubscribe", "List-Subscribe", "List-Post", "X-MLServer", "X-ML-Name", "X-Mailing-List"} {
		if h(k) != "" {
			return Class{Automatic: true, Kind: "list", Reason: k}
		}
	}
	if autoSubject.MatchString(p.Subject) {
		return Class{Automatic: true, Kind: "auto-reply", Reason: "Subject: " + p.Subject}
	}
	return Class{}
}
