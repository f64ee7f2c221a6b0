package pages

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// headingMax bounds a heading taken from the buyer's message, so it stays one line or two.
const headingMax = 90

// heading is what the ticket page's heading says: the useful part of the subject, as the inbox
// row shows it. A marketplace's wrapper ("Inquiry from Amazon customer X (Order: …)") gives way
// to the start of the buyer's first message, or else the order it names; the full subject
// stays in the heading's title and above the first message.
func (t TicketView) heading(ctx context.Context) string {
	full := t.Detail.Ticket.Subject
	s := conversation.UsefulSubject(full)
	if s.Text != "" {
		return s.Text
	}
	if m, ok := t.firstMessage(); ok {
		if line := firstLine(m.BodyText); line != "" {
			return line
		}
	}
	if s.Order != "" {
		return i18n.T(ctx, "list.order", s.Order)
	}
	if strings.TrimSpace(full) == "" {
		return i18n.T(ctx, "ticket.no_subject")
	}
	return full
}

// subjectShortened says the heading is not the whole subject, so the first message shows it.
func (t TicketView) subjectShortened(ctx context.Context) bool {
	return strings.TrimSpace(t.Detail.Ticket.Subject) != "" && t.heading(ctx) != t.Detail.Ticket.Subject
}

// firstMessage is the customer's first message of the thread.
func (t TicketView) firstMessage() (conversation.Message, bool) {
	for _, m := range t.Detail.Messages {
		if m.Kind == "inbound" {
			return m, true
		}
	}
	return conversation.Message{}, false
}

// isFirstMessage says m is the message that carries the full subject.
func (t TicketView) isFirstMessage(m conversation.Message) bool {
	first, ok := t.firstMessage()
	return ok && first.ID == m.ID
}

// firstLine is the first non-empty line of a message, cut at a word to headingMax characters.
func firstLine(body string) string {
	for line := range strings.Lines(body) {
		line = strings.Join(strings.Fields(line), " ")
		if line == "" || strings.HasPrefix(line, ">") {
			continue
		}
		if utf8.RuneCountInString(line) <= headingMax {
			return line
		}
		r := []rune(line)[:headingMax]
		cut := string(r)
		if i := strings.LastIndex(cut, " "); i > headingMax/2 {
			cut = cut[:i]
		}
		return strings.TrimRight(cut, " ,.;:") + "…"
	}
	return ""
}

// customerEmails are the customer's addresses the column shows: not the name again (a
// marketplace's buyer alias is often both).
func (t TicketView) customerEmails() []string {
	var out []string
	for _, e := range t.Detail.Emails {
		if !strings.EqualFold(strings.TrimSpace(e), strings.TrimSpace(t.Detail.Customer.Name)) {
			out = append(out, e)
		}
	}
	return out
}

// customerIdentities are the customer's marketplace identities the column shows: one that only
// repeats the name or an address already shown is left out, so an Amazon alias shows once.
func (t TicketView) customerIdentities() []dbsqlc.CustomerIdentity {
	var out []dbsqlc.CustomerIdentity
	for _, id := range t.Detail.Identities {
		x := strings.TrimSpace(id.ExternalID)
		if strings.EqualFold(x, strings.TrimSpace(t.Detail.Customer.Name)) ||
			slices.ContainsFunc(t.Detail.Emails, func(e string) bool { return strings.EqualFold(strings.TrimSpace(e), x) }) {
			continue
		}
		out = append(out, id)
	}
	return out
}
