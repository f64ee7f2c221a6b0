package conversation_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

func open(t *testing.T, w *world, sc tenant.Scope, subject, text string, cust conversation.CustomerRef) conversation.Ticket {
	t.Helper()
	tk, err := w.svc.CreateInbound(context.Background(), sc, conversation.NewTicket{Channel: "email", Subject: subject, Customer: cust,
		Message: conversation.Inbound{Text: text, At: w.now}})
	require.NoError(t, err)
	return tk
}

func TestReplyAndNotes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("CustomerWroteAgainHoldsTheReply", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		tk := open(t, w, w.a, "Where is my parcel", "Hi, where is it?", conversation.CustomerRef{Email: "ann@example.com", Name: "Ann"})
		seen := &tk.LastMessageAt
		w.now = w.now.Add(time.Minute)
		_, err := w.svc.AppendInbound(ctx, w.a, tk.Number, conversation.Inbound{Text: "Any news?"})
		require.NoError(t, err)
		_, err = w.svc.Reply(ctx, w.a, tk.Number, conversation.ReplyInput{Body: "It ships today.", SeenLastMessageAt: seen})
		require.ErrorIs(t, err, conversation.ErrCustomerWroteAgain)
		now, err := w.svc.Ticket(ctx, w.a, tk.Number)
		require.NoError(t, err)
		w.now = w.now.Add(time.Minute)
		m, err := w.svc.Reply(ctx, w.a, tk.Number, conversation.ReplyInput{Body: "It ships today.", SeenLastMessageAt: seen, Confirm: true, Status: "resolved"})
		require.NoError(t, err)
		require.Equal(t, "queued", m.DeliveryState)
		got, err := w.svc.Ticket(ctx, w.a, tk.Number)
		require.NoError(t, err)
		require.Equal(t, "resolved", got.Status)
		require.Equal(t, int32(3), got.MessageCount)
		require.Nil(t, got.FirstReplyAt, "a reply counts once its channel accepted it")
		w.now = w.now.Add(time.Minute)
		require.NoError(t, w.svc.Deliver(ctx, w.email, w.a.TenantID(), m.ID))
		got, err = w.svc.Ticket(ctx, w.a, tk.Number)
		require.NoError(t, err)
		require.NotNil(t, got.FirstReplyAt)
		require.True(t, got.FirstReplyAt.Equal(w.now), "at the moment it was accepted, not when it was written")

		// Someone else's reply holds a reply started before it, too.
		_, err = w.svc.Reply(ctx, w.a2, tk.Number, conversation.ReplyInput{Body: "Late answer", SeenLastMessageAt: &now.LastMessageAt})
		require.ErrorIs(t, err, conversation.ErrRepliedMeanwhile)
	})

	t.Run("EmptyReplyIsAFieldError", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		tk := open(t, w, w.a, "Hello", "Hi", conversation.CustomerRef{Email: "bo@example.com"})
		_, err := w.svc.Reply(ctx, w.a, tk.Number, conversation.ReplyInput{Body: "  ", SeenLastMessageAt: &tk.LastMessageAt})
		require.Equal(t, validate.Errors{"body": "reply.empty"}, err)
	})

	t.Run("MentionNotifiesThePerson", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		tk := open(t, w, w.a, "Refund?", "I want a refund", conversation.CustomerRef{Email: "cy@example.com"})
		_, err := w.svc.Reply(ctx, w.a, tk.Number, conversation.ReplyInput{Body: "@two can you check the refund?", Note: true})
		require.NoError(t, err)
		n, err := w.svc.Notifications(ctx, w.a2)
		require.NoError(t, err)
		require.Len(t, n, 1)
		require.Equal(t, tk.Number, n[0].Number)
		mine, err := w.svc.Notifications(ctx, w.a)
		require.NoError(t, err)
		require.Empty(t, mine)
		counts, err := w.svc.Counts(ctx, w.a2)
		require.NoError(t, err)
		require.NotContains(t, counts, "notifications", "the bell counts notifications, not the sidebar")
		_, err = w.svc.Detail(ctx, w.a2, tk.Number)
		require.NoError(t, err)
		n, err = w.svc.Notifications(ctx, w.a2)
		require.NoError(t, err)
		require.Empty(t, n, "opening the ticket reads its notifications")
	})

	t.Run("DeliverIsIdempotentAndFailuresCanBeResent", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		tk := open(t, w, w.a, "Hello", "Hi", conversation.CustomerRef{Email: "di@example.com"})
		m, err := w.svc.Reply(ctx, w.a, tk.Number, conversation.ReplyInput{Body: "Hello back", SeenLastMessageAt: &tk.LastMessageAt})
		require.NoError(t, err)
		s := &countingSender{}
		require.NoError(t, w.svc.Deliver(ctx, s, w.a.TenantID(), m.ID))
		require.NoError(t, w.svc.Deliver(ctx, s, w.a.TenantID(), m.ID))
		require.Equal(t, 1, s.n, "a retried job does not send again")

		m2, err := w.svc.Reply(ctx, w.a, tk.Number, conversation.ReplyInput{Body: "Second", SeenLastMessageAt: &tk.LastMessageAt})
		require.NoError(t, err)
		s.fail = &conversation.PermanentError{Reason: "550 mailbox unavailable"}
		require.NoError(t, w.svc.Deliver(ctx, s, w.a.TenantID(), m2.ID))
		d, err := w.svc.Detail(ctx, w.a, tk.Number)
		require.NoError(t, err)
		last := d.Messages[len(d.Messages)-1]
		require.Equal(t, "failed", last.DeliveryState)
		require.Equal(t, "550 mailbox unavailable", last.DeliveryError)
		require.NoError(t, w.svc.Resend(ctx, w.a, m2.ID))
		s.fail = nil
		require.NoError(t, w.svc.Deliver(ctx, s, w.a.TenantID(), m2.ID))
		require.Equal(t, 3, s.n)

		s.fail = errors.New("connection reset")
		m3, err := w.svc.Reply(ctx, w.a, tk.Number, conversation.ReplyInput{Body: "Third", SeenLastMessageAt: &tk.LastMessageAt})
		require.NoError(t, err)
		require.Error(t, w.svc.Deliver(ctx, s, w.a.TenantID(), m3.ID), "a temporary failure is retried by River")
		require.False(t, s.last.Interrupted)

		// An attempt whose outcome is unknown stays "sending"; the next attempt is told so, with
		// the time it started, and the id the sender reported sticks to the message.
		s.fail = &conversation.UnconfirmedError{Reason: "checking"}
		require.Error(t, w.svc.Deliver(ctx, s, w.a.TenantID(), m3.ID))
		require.False(t, s.last.Interrupted)
		s.fail, s.id = nil, "<sd.m3@example.test>"
		require.NoError(t, w.svc.Deliver(ctx, s, w.a.TenantID(), m3.ID))
		require.True(t, s.last.Interrupted)
		require.WithinDuration(t, time.Now(), s.last.StartedAt, time.Minute)
		require.Equal(t, []string{"<sd.m3@example.test>"}, threadIDs(t, w, tk.Number))
		require.Equal(t, "Admin alpha", s.last.AuthorName)
	})

	t.Run("OtherWorkspaceCannotTouchTheTicket", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		tk := open(t, w, w.a, "Private", "secret text", conversation.CustomerRef{Email: "ev@example.com"})
		_, err := w.svc.Detail(ctx, w.b, tk.Number)
		require.ErrorIs(t, err, store.ErrNotFound)
		require.ErrorIs(t, w.svc.Assign(ctx, w.b, tk.Number, w.b.UserID), store.ErrNotFound)
		_, err = w.svc.Reply(ctx, w.b, tk.Number, conversation.ReplyInput{Body: "x", Confirm: true})
		require.ErrorIs(t, err, store.ErrNotFound)
		// Assigning to someone outside the workspace is refused.
		require.Equal(t, validate.Errors{"assignee": "ticket.assignee_invalid"}, w.svc.Assign(ctx, w.a, tk.Number, w.b.UserID))
	})
}

// countingSender stands in for a channel at the service's boundary: it counts what it is given
// and answers with the outcome the test sets. notReady makes it refuse replies when written.
type countingSender struct {
	n        int
	fail     error
	id       string
	last     conversation.Outgoing
	notReady bool
}

func (c *countingSender) Ready(context.Context, *dbsqlc.Queries, conversation.Ticket) error {
	if c.notReady {
		return conversation.ErrNoChannel
	}
	return nil
}

func (c *countingSender) Send(_ context.Context, out conversation.Outgoing) (conversation.Sent, error) {
	c.n++
	c.last = out
	return conversation.Sent{ChannelMessageID: c.id}, c.fail
}

// threadIDs are the channel message ids stored on a ticket's messages.
func threadIDs(t *testing.T, w *world, number int64) []string {
	t.Helper()
	d, err := w.svc.Detail(context.Background(), w.a, number)
	require.NoError(t, err)
	var ids []string
	for _, m := range d.Messages {
		if m.ChannelMessageID != "" {
			ids = append(ids, m.ChannelMessageID)
		}
	}
	return ids
}

// state is everything a merge touches, for comparing before and after undo.
type state struct {
	Tickets    []conversation.Ticket
	Messages   [][]int64
	Emails     [][]string
	Identities [][]string
}

func capture(t *testing.T, w *world, sc tenant.Scope, numbers ...int64) state {
	t.Helper()
	var s state
	for _, n := range numbers {
		d, err := w.svc.Detail(context.Background(), sc, n)
		require.NoError(t, err)
		d.Ticket.UpdatedAt = time.Time{}
		s.Tickets = append(s.Tickets, d.Ticket)
		var ids []int64
		for _, m := range d.Messages {
			ids = append(ids, m.ID)
		}
		s.Messages = append(s.Messages, ids)
		s.Emails = append(s.Emails, d.Emails)
		var idents []string
		for _, i := range d.Identities {
			idents = append(idents, i.Channel+":"+i.ExternalID)
		}
		s.Identities = append(s.Identities, idents)
	}
	return s
}

func TestMergeUndoSplit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("MergeThenUndoRestoresBothExactly", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		a := open(t, w, w.a, "Broken item", "It arrived broken", conversation.CustomerRef{Email: "fay@example.com", Name: "Fay", Channel: "amazon", ExternalID: "fay123@marketplace.amazon.de"})
		b := open(t, w, w.a, "Re: Broken item", "Photos attached", conversation.CustomerRef{Email: "fay.other@example.com", Name: "Fay O"})
		require.NoError(t, w.svc.Assign(ctx, w.a, a.Number, w.a2.UserID))
		require.NoError(t, w.svc.SetTags(ctx, w.a, a.Number, []string{"damaged", "vip"}))
		require.NoError(t, w.svc.SetPriority(ctx, w.a, a.Number, 1))
		before := capture(t, w, w.a, a.Number, b.Number)

		mergeID, err := w.svc.Merge(ctx, w.a, a.Number, b.Number, conversation.MergeOptions{Confirm: true})
		require.NoError(t, err)
		merged := capture(t, w, w.a, a.Number, b.Number)
		require.Empty(t, merged.Messages[0])
		require.Len(t, merged.Messages[1], 2)
		require.Equal(t, "closed", merged.Tickets[0].Status)
		// The customers are not merged: each keeps its own addresses and identities.
		require.Equal(t, before.Identities, merged.Identities)
		require.Equal(t, before.Emails, merged.Emails)
		// A merged ticket leaves the open views.
		p, err := w.svc.List(ctx, w.a, conversation.Filter{View: "open", Priority: -1}, "", 50)
		require.NoError(t, err)
		require.Len(t, p.Items, 1)

		require.NoError(t, w.svc.UndoMerge(ctx, w.a, mergeID))
		after := capture(t, w, w.a, a.Number, b.Number)
		require.Equal(t, before, after)
		require.Error(t, w.svc.UndoMerge(ctx, w.a, mergeID), "an undo happens once")
	})

	t.Run("AnswerToMergedTicketLandsInTarget", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		a := open(t, w, w.a, "First", "one", conversation.CustomerRef{Email: "hm@example.com"})
		b := open(t, w, w.a, "Second", "two", conversation.CustomerRef{Email: "hm@example.com"})
		_, err := w.svc.Merge(ctx, w.a, a.Number, b.Number, conversation.MergeOptions{})
		require.NoError(t, err)
		m, err := w.svc.AppendInbound(ctx, w.a, a.Number, conversation.Inbound{Text: "one more photo"})
		require.NoError(t, err)
		require.Equal(t, b.ID, m.TicketID)
	})

	t.Run("SplitMovesOneMessageOut", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		tk := open(t, w, w.a, "Two questions", "First question", conversation.CustomerRef{Email: "gus@example.com"})
		m, err := w.svc.AppendInbound(ctx, w.a, tk.Number, conversation.Inbound{Text: "Unrelated second question"})
		require.NoError(t, err)
		nt, err := w.svc.Split(ctx, w.a, tk.Number, m.ID)
		require.NoError(t, err)
		require.Equal(t, int32(1), nt.MessageCount)
		require.Equal(t, tk.CustomerID, nt.CustomerID)
		orig, err := w.svc.Ticket(ctx, w.a, tk.Number)
		require.NoError(t, err)
		require.Equal(t, int32(1), orig.MessageCount)
		_, err = w.svc.Split(ctx, w.a, tk.Number, m.ID)
		require.ErrorIs(t, err, store.ErrNotFound, "the message is no longer in this ticket")
	})

	t.Run("SplitKeepsPriorityNotTheSourceDeadline", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		due := w.now.Add(-16 * time.Hour)
		tk, err := w.svc.CreateInbound(ctx, w.a, conversation.NewTicket{Channel: "email", Subject: "Order", SLADueAt: &due,
			Customer: conversation.CustomerRef{Email: "hal@example.com"}, Message: conversation.Inbound{Text: "Where is it?", At: w.now.Add(-40 * time.Hour)}})
		require.NoError(t, err)
		require.NoError(t, w.svc.SetPriority(ctx, w.a, tk.Number, 1))
		m, err := w.svc.AppendInbound(ctx, w.a, tk.Number, conversation.Inbound{Text: "Thank you", At: w.now})
		require.NoError(t, err)
		nt, err := w.svc.Split(ctx, w.a, tk.Number, m.ID)
		require.NoError(t, err)
		require.Equal(t, int16(1), nt.Priority)
		require.Nil(t, nt.SlaDueAt, "the source's overdue deadline is not carried over; the policies set the new one")
		require.True(t, nt.CreatedAt.Equal(m.CreatedAt))
	})
}

func TestBulk(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	var numbers []int64
	for i := range 4 {
		numbers = append(numbers, open(t, w, w.a, "Bulk", "text", conversation.CustomerRef{Email: string(rune('a'+i)) + "@example.com"}).Number)
	}
	require.NoError(t, w.svc.Bulk(ctx, w.a, numbers[:3], conversation.BulkAction{Kind: conversation.BulkAssign, UserID: w.a2.UserID}))
	p, err := w.svc.List(ctx, w.a2, conversation.Filter{View: "mine", Priority: -1}, "", 50)
	require.NoError(t, err)
	require.Len(t, p.Items, 3)
	require.NoError(t, w.svc.Bulk(ctx, w.a, numbers, conversation.BulkAction{Kind: conversation.BulkTag, Tag: "Wave-1"}))
	tk, err := w.svc.Ticket(ctx, w.a, numbers[3])
	require.NoError(t, err)
	require.Equal(t, []string{"wave-1"}, tk.Tags)
	// One bad ticket number fails the whole action: nothing half-done.
	err = w.svc.Bulk(ctx, w.a, []int64{numbers[3], 9999}, conversation.BulkAction{Kind: conversation.BulkStatus, Status: "resolved"})
	require.ErrorIs(t, err, store.ErrNotFound)
	tk, err = w.svc.Ticket(ctx, w.a, numbers[3])
	require.NoError(t, err)
	require.Equal(t, "open", tk.Status)
	// Tickets of different customers are not merged in bulk (each needs its own confirmation).
	err = w.svc.Bulk(ctx, w.a, numbers, conversation.BulkAction{Kind: conversation.BulkMerge})
	var ve validate.Errors
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "bulk.merge_different_customers", ve["selection"])
	first, err := w.svc.Ticket(ctx, w.a, numbers[0])
	require.NoError(t, err)
	require.Equal(t, int32(1), first.MessageCount, "nothing was merged")
	same := []int64{numbers[0]}
	for range 3 {
		same = append(same, open(t, w, w.a, "Bulk", "more", conversation.CustomerRef{Email: "a@example.com"}).Number)
	}
	require.NoError(t, w.svc.Bulk(ctx, w.a, same, conversation.BulkAction{Kind: conversation.BulkMerge}))
	first, err = w.svc.Ticket(ctx, w.a, numbers[0])
	require.NoError(t, err)
	require.Equal(t, int32(4), first.MessageCount)
}

func TestSearch(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	ro := open(t, w, w.a, "Problemă cu aplicația", "Aplicație nu pornește după actualizare. Comanda 405-1234567-7654321.", conversation.CustomerRef{Email: "ion@example.ro", Name: "Ion Popescu"})
	ko := open(t, w, w.a, "배송 문의", "주문이 아직 도착하지 않았어요. 환불 가능한가요?", conversation.CustomerRef{Email: "kim@example.kr", Name: "김민수"})
	en := open(t, w, w.a, "Refund request", "Please refund my order, the applications crashed", conversation.CustomerRef{Email: "sam@example.com", Name: "Sam Smith"})
	open(t, w, w.b, "Aplicatie in alt spatiu", "aplicatie 주문 refund", conversation.CustomerRef{Email: "other@example.com"})

	find := func(q string) []int64 {
		items, err := w.svc.Search(ctx, w.a, q, 10)
		require.NoError(t, err)
		var out []int64
		for _, it := range items {
			require.Equal(t, w.a.TenantID(), it.TenantID)
			out = append(out, it.Number)
		}
		return out
	}
	require.Equal(t, []int64{ro.Number}, find("aplicatie"), "Romanian without diacritics")
	require.Equal(t, []int64{ro.Number}, find("aplicație"))
	require.Equal(t, []int64{ro.Number}, find("porneste"))
	require.Equal(t, []int64{ko.Number}, find("주문"), "a Korean word with its particle attached")
	require.Equal(t, []int64{ko.Number}, find("환불"))
	require.Equal(t, []int64{ko.Number}, find("김민수"))
	require.Equal(t, []int64{ro.Number}, find("405-1234567-7654321"))
	require.Equal(t, []int64{en.Number}, find("sam@example.com"))
	require.Equal(t, []int64{en.Number}, find("refu"), "prefix while typing")
	require.Empty(t, find("nothing-like-this"))
	// The subject outranks a body mention.
	appl := find("appl")
	require.Equal(t, []int64{en.Number}, appl)
}

func TestNothingLeaksWithoutAPinnedWorkspace(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	open(t, w, w.a, "x", "y", conversation.CustomerRef{Email: "z@example.com"})
	db := w.db
	require.NoError(t, db.Store.InTx(context.Background(), func(_ *dbsqlc.Queries, tx pgx.Tx) error {
		var n int
		require.NoError(t, tx.QueryRow(context.Background(), "SELECT count(*) FROM tickets").Scan(&n))
		require.Zero(t, n)
		require.NoError(t, tx.QueryRow(context.Background(), "SELECT count(*) FROM ticket_rows").Scan(&n))
		require.Zero(t, n, "the row views check security as the querying role")
		return nil
	}))
	_ = uuid.Nil
}

func TestSearchFunctionOnlySearchesThePinnedWorkspace(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	open(t, w, w.a, "Secret alpha subject", "alpha body", conversation.CustomerRef{Email: "p@example.com"})
	err := w.db.Store.InTenantTx(context.Background(), w.b.TenantID(), func(_ *dbsqlc.Queries, tx pgx.Tx) error {
		var n int
		return tx.QueryRow(context.Background(), "SELECT count(*) FROM search_tickets($1, 'secret'::tsquery, 10, 10)", w.a.TenantID()).Scan(&n)
	})
	require.ErrorContains(t, err, "not the workspace pinned")
	err = w.db.Store.InTx(context.Background(), func(_ *dbsqlc.Queries, tx pgx.Tx) error {
		var n int
		return tx.QueryRow(context.Background(), "SELECT count(*) FROM search_tickets($1, 'secret'::tsquery, 10, 10)", w.a.TenantID()).Scan(&n)
	})
	require.ErrorContains(t, err, "not the workspace pinned", "nothing pinned, nothing searched")
}

func TestSnoozeWakesAtItsTime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	tk := open(t, w, w.a, "Call me back Monday", "Please write again on Monday", conversation.CustomerRef{Email: "sn@example.com"})
	until := w.now.Add(time.Hour)
	require.NoError(t, w.svc.SetStatus(ctx, w.a, tk.Number, "snoozed", &until))
	args := conversation.WakeArgs{TenantID: w.a.TenantID(), TicketID: tk.ID, Until: until}
	require.NoError(t, w.svc.Wake(ctx, args))
	got, err := w.svc.Ticket(ctx, w.a, tk.Number)
	require.NoError(t, err)
	require.Equal(t, "snoozed", got.Status, "not yet")
	w.now = until.Add(time.Second)
	require.NoError(t, w.svc.Wake(ctx, args))
	got, err = w.svc.Ticket(ctx, w.a, tk.Number)
	require.NoError(t, err)
	require.Equal(t, "open", got.Status)
	require.NoError(t, w.svc.Wake(ctx, args), "a second wake-up changes nothing")
}

// TestMergedAwayIsReadOnly: a ticket merged into another takes no reply, note, property change
// or split — each is refused with a plain reason — and its page knows where it went.
func TestMergedAwayIsReadOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	cust := conversation.CustomerRef{Email: "ida@example.com", Name: "Ida"}
	a := open(t, w, w.a, "First", "one", cust)
	b := open(t, w, w.a, "Second", "two", cust)
	_, err := w.svc.Merge(ctx, w.a, a.Number, b.Number, conversation.MergeOptions{})
	require.NoError(t, err)

	refused := func(err error) {
		t.Helper()
		var ve validate.Errors
		require.ErrorAs(t, err, &ve)
		require.Equal(t, "merge.merged_away_read_only", ve["ticket"])
	}
	_, err = w.svc.Reply(ctx, w.a, a.Number, conversation.ReplyInput{Body: "A note", Note: true})
	refused(err)
	_, err = w.svc.Reply(ctx, w.a, a.Number, conversation.ReplyInput{Body: "A reply", Confirm: true})
	refused(err)
	refused(w.svc.Assign(ctx, w.a, a.Number, w.a2.UserID))
	refused(w.svc.SetStatus(ctx, w.a, a.Number, "open", nil))
	refused(w.svc.SetPriority(ctx, w.a, a.Number, 0))
	refused(w.svc.SetTags(ctx, w.a, a.Number, []string{"x"}))
	refused(w.svc.SetCategory(ctx, w.a, a.Number, "Returns"))
	got, err := w.svc.Ticket(ctx, w.a, a.Number)
	require.NoError(t, err)
	require.Equal(t, "closed", got.Status, "nothing changed")
	require.False(t, got.AssigneeID.Valid)

	d, err := w.svc.Detail(ctx, w.a, a.Number)
	require.NoError(t, err)
	require.Equal(t, b.Number, d.MergedIntoNumber)
	d, err = w.svc.Detail(ctx, w.a, b.Number)
	require.NoError(t, err)
	require.Zero(t, d.MergedIntoNumber)
	// The target takes changes as before.
	require.NoError(t, w.svc.SetPriority(ctx, w.a, b.Number, 0))
}
