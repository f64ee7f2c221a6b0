package pages

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/web/components"
)

// InboxView is the three-pane inbox: views, the list, and the open ticket (if any).
type InboxView struct {
	Shell     components.Shell
	Slug      string
	Params    url.Values // the list's view and filters, kept on every link
	Filter    conversation.Filter
	Counts    map[string]int
	Items     []conversation.ListItem
	Next      string
	Active    int64 // the open ticket's number
	Members   []Person
	Query     string
	Searching bool
	Now       time.Time
	Ticket    *TicketView
	// ViewsRail: the person narrowed the views column to icons and counts (a cookie remembers it).
	ViewsRail bool
	// Admin: the viewer may open Settings, so empty states may point there.
	Admin bool
	// Views are the person's saved views, the one open, and the filters' pickers.
	Views ViewsPane
}

// Person is a member, for pickers.
type Person struct{ ID, Name string }

// Presence is someone else on the ticket.
type Presence struct{ Name, State string }

// TicketView is the right pane.
type TicketView struct {
	Slug          string
	Me            uuid.UUID
	Detail        conversation.Detail
	Params        url.Values
	Present       []Presence
	Draft         string
	DraftNote     bool
	DraftThen     string
	ThreadChanged string // message key when the thread moved on since the composer opened
	Errors        map[string]string
	Now           time.Time
	// MergeAsk is set when a merge of two customers' tickets waits for confirmation.
	MergeAsk *MergeAsk
	// Admin says the viewer can connect channels (the refusal links to Settings → Mail).
	Admin bool
	// NoChannel: the reply was refused because nothing connected can deliver it.
	NoChannel bool
	// Supersedes is the failed reply "Edit and resend" replaces when this draft is sent.
	Supersedes int64
	// DevMail: the development mail sink's page exists here (replies it took link to it).
	DevMail bool
	// OrderLink is the order-link form sent back with its refusal.
	OrderLink *OrderLinkForm
	// Signature is the viewer's signature for the ticket's channel, added to replies on send.
	Signature string
	// Compliance is the marketplace check of a refused send (nil: the composer's empty box).
	Compliance *ComplianceView
}

// MergeAsk is a merge into Target that needs a yes: the tickets belong to different customers.
type MergeAsk struct {
	Target                 int64
	SourceName, TargetName string
}

// Author is a customer who wrote in a thread.
type Author struct {
	ID   uuid.UUID
	Name string
}

// EditFailed puts a failed reply's text in the composer ("Edit and resend"), if id is one of the
// ticket's failed replies not replaced yet.
func (t *TicketView) EditFailed(id int64) {
	for _, m := range t.Detail.Messages {
		if m.ID == id && m.Kind == "outbound" && m.DeliveryState == "failed" && !t.Detail.Deliveries[id].SupersededBy.Valid {
			t.Draft, t.DraftNote, t.Supersedes = m.BodyText, false, id
		}
	}
}

// supersededFiles are the files of the reply being replaced, which the edited one sends again.
func (t TicketView) supersededFiles() []string {
	var out []string
	for _, a := range t.Detail.Attachments[t.Supersedes] {
		out = append(out, a.Name)
	}
	return out
}

// retrying says, for a reply whose sending failed and will be tried again, the attempt, the
// next try and the reason.
func (t TicketView) retrying(m conversation.Message) (attempt int32, next *time.Time, ok bool) {
	d, has := t.Detail.Deliveries[m.ID]
	// The message and its delivery record are read in separate statements: a message that knows of
	// no failure yet is on its first attempt, whatever a newer delivery record says.
	if !has || d.Attempts == 0 || d.NextAt == nil || m.DeliveryError == "" || (m.DeliveryState != "queued" && m.DeliveryState != "sending") {
		return 0, nil, false
	}
	return d.Attempts, d.NextAt, true
}

func (t TicketView) superseded(m conversation.Message) bool {
	return t.Detail.Deliveries[m.ID].SupersededBy.Valid
}

func (t TicketView) editURL(id int64) string {
	return "/w/" + t.Slug + "/t/" + strconv.FormatInt(t.Detail.Ticket.Number, 10) + "?edit=" + strconv.FormatInt(id, 10) + "#body"
}

// clock is a time of day in the viewer's zone.
func clock(ctx context.Context, at time.Time) string {
	return at.In(i18n.FromContext(ctx).Location()).Format("15:04")
}

// waitingOn reports the ticket's latest customer message while a response target runs on it:
// the one "no response needed" can close.
func (t TicketView) waitingOn(m conversation.Message) bool {
	running := false
	for _, s := range t.Detail.SLA {
		if (s.Metric == "first_response" || s.Metric == "next_response") && (s.State == "running" || s.State == "breached") {
			running = true
		}
	}
	if !running {
		return false
	}
	for i := len(t.Detail.Messages) - 1; i >= 0; i-- {
		if t.Detail.Messages[i].Kind == "inbound" {
			return t.Detail.Messages[i].ID == m.ID
		}
	}
	return false
}

// targetLabel is a target's size in the reader's language: "12h", "1h 30m".
func targetLabel(ctx context.Context, minutes int32) string {
	return i18n.FromContext(ctx).Duration(time.Duration(minutes) * time.Minute)
}

func dueTitle(ctx context.Context, due *time.Time) string {
	if due == nil {
		return ""
	}
	return i18n.FromContext(ctx).DateTime(*due)
}

func (v InboxView) viewHref(view, key, val string) string {
	q := url.Values{"view": {view}}
	if key != "" {
		q.Set(key, val)
	}
	return "/w/" + v.Slug + "/inbox?" + q.Encode()
}

func (v InboxView) isView(view, channel string) bool {
	if v.Searching || v.Views.Current != nil {
		return false
	}
	return v.Filter.View == view && (channel == "" || v.Filter.Channel == channel)
}

func (v InboxView) ticketHref(n int64) string {
	u := "/w/" + v.Slug + "/t/" + strconv.FormatInt(n, 10)
	if len(v.Params) > 0 {
		u += "?" + v.Params.Encode()
	}
	return u
}

func (v InboxView) nextHref() string {
	q := url.Values{}
	for k, vals := range v.Params {
		q[k] = vals
	}
	q.Set("after", v.Next)
	return "/w/" + v.Slug + "/inbox?" + q.Encode()
}

func (v InboxView) bulkAction() string {
	u := "/w/" + v.Slug + "/bulk"
	if len(v.Params) > 0 {
		u += "?" + v.Params.Encode()
	}
	return u
}

func countLabel(n int) string {
	if n >= conversation.CountCap {
		return strconv.Itoa(conversation.CountCap) + "+"
	}
	return strconv.Itoa(n)
}

func viewLabel(ctx context.Context, view string) string {
	return i18n.T(ctx, "inbox.view_"+view)
}

func channelLabel(ctx context.Context, ch string) string {
	return i18n.T(ctx, "channel."+ch)
}

func priorityLabel(ctx context.Context, p int16) string {
	if p < 0 || int(p) >= len(conversation.Priorities) {
		return ""
	}
	return i18n.T(ctx, "priority."+conversation.Priorities[p])
}

func statusLabel(ctx context.Context, s string) string { return i18n.T(ctx, "status."+s) }

// dueLabel is the SLA chip: time left, or how long overdue.
func dueLabel(ctx context.Context, due *time.Time, now time.Time) (string, string) {
	if due == nil {
		return "", ""
	}
	d := due.Sub(now)
	if d < 0 {
		return i18n.T(ctx, "sla.overdue", shortDuration(ctx, -d)), "sla-overdue"
	}
	class := "sla-ok"
	if d < conversation.BreachingWindow {
		class = "sla-warning"
	}
	return i18n.T(ctx, "sla.left", shortDuration(ctx, d)), class
}

// shortDuration is a chip's span in the reader's language: "2h 8m", "2시간 8분", "2 h 8 min".
func shortDuration(ctx context.Context, d time.Duration) string {
	return i18n.FromContext(ctx).Duration(d)
}

// relTime is "5 min" style for lists; the exact time sits in the title attribute.
func relTime(ctx context.Context, t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return i18n.T(ctx, "time.now")
	case d < time.Hour:
		return i18n.N(ctx, "time.minutes", int(d/time.Minute))
	case d < 24*time.Hour:
		return i18n.N(ctx, "time.hours", int(d/time.Hour))
	default:
		return i18n.N(ctx, "time.days", int(d/(24*time.Hour)))
	}
}

func (t TicketView) action(path string) string {
	u := "/w/" + t.Slug + "/t/" + strconv.FormatInt(t.Detail.Ticket.Number, 10) + path
	if len(t.Params) > 0 {
		u += "?" + t.Params.Encode()
	}
	return u
}

// noReplyAddress: the customer has no address, so the composer offers notes only and says why.
func (t TicketView) noReplyAddress() bool {
	return conversation.CannotReply(t.Detail.Ticket.Channel, t.Detail.Emails)
}

func (t TicketView) seenLastMessageAt() string {
	return t.Detail.Ticket.LastMessageAt.Format(time.RFC3339Nano)
}

func (t TicketView) assignee() string {
	if !t.Detail.Ticket.AssigneeID.Valid {
		return ""
	}
	return t.Detail.Ticket.AssigneeID.UUID.String()
}

// author names who wrote a message: the agent, else the customer the message itself names —
// never the ticket's customer in its place, so a merged thread shows each customer's own words.
func (t TicketView) author(m conversation.Message) string {
	if m.AuthorUserID.Valid {
		return t.Detail.Names[m.AuthorUserID.UUID]
	}
	if m.AuthorCustomerID.Valid {
		if n, ok := t.Detail.Authors[m.AuthorCustomerID.UUID]; ok {
			return n
		}
	}
	return t.Detail.Customer.Name
}

// otherAuthors are the customers besides the ticket's own who wrote in the thread (after a merge
// of two customers' tickets), by name.
func (t TicketView) otherAuthors() []Author {
	var out []Author
	for id, name := range t.Detail.Authors {
		if id != t.Detail.Ticket.CustomerID {
			out = append(out, Author{ID: id, Name: name})
		}
	}
	slices.SortFunc(out, func(a, b Author) int { return strings.Compare(a.Name+a.ID.String(), b.Name+b.ID.String()) })
	return out
}

func (t TicketView) customerHref(id uuid.UUID) string {
	return "/w/" + t.Slug + "/customers/" + id.String()
}

func (t TicketView) eventText(ctx context.Context, kind string, data []byte) string {
	return t.eventLine(ctx, kind, data)
}

func i64(n int64) string { return strconv.FormatInt(n, 10) }

func money(minor int64, currency string) string {
	return fmt.Sprintf("%d.%02d %s", minor/100, minor%100, currency)
}

// filtered reports whether any filter beyond the view is set, so the filter box opens.
func (v InboxView) filtered() bool {
	f := v.Filter
	return f.Status != "" || f.Priority >= 0 || f.Language != "" || f.Tag != "" || f.Store != "" || f.Category != "" ||
		f.TeamID != uuid.Nil || f.Sort != "" || f.Unassigned ||
		(f.Channel != "" && f.View != "channel") || (f.Marketplace != "" && f.View != "marketplace") || f.AssigneeID != uuid.Nil
}

func (t TicketView) attachmentDownload(id int64) string {
	u := "/w/" + t.Slug + "/t/" + strconv.FormatInt(t.Detail.Ticket.Number, 10) + "/attachments/" + strconv.FormatInt(id, 10)
	return u + "?download=1"
}

// noteMode: the composer opens as a note (a note draft came back, or there is no one to reply to).
func (t TicketView) noteMode() bool { return t.DraftNote || t.noReplyAddress() }

// readOnly: a ticket merged into another takes no changes; its page only links there.
func (t TicketView) readOnly() bool { return t.Detail.Ticket.MergedInto.Valid }

// mentionsJSON lists the teammates a note can mention (everyone but the writer), each with the
// handle the mention parser resolves to them. The page has the members loaded already and a
// workspace has tens of them, so they ride in the page rather than behind a request per key.
func (t TicketView) mentionsJSON() string {
	type mention struct {
		Name   string `json:"name"`
		Handle string `json:"handle"`
	}
	out := []mention{}
	for _, m := range t.Detail.Members {
		if m.UserID == t.Me {
			continue
		}
		out = append(out, mention{Name: m.Name, Handle: conversation.MentionHandle(m.Name, m.Email)})
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// bodyDescribedBy ties the note label (in note mode) and the body's error to the text area.
func (t TicketView) bodyDescribedBy() string {
	var ids []string
	if t.noteMode() {
		ids = append(ids, "note-label")
	}
	if t.Errors["body"] != "" {
		ids = append(ids, "body-error")
	}
	return strings.Join(ids, " ")
}
