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
	"github.com/shopdesk/shopdesk/internal/validate"
)

// mergeWorld is the case: Mike Chen's ticket and Sofia Rossi's (who also has an eBay id).
type mergeWorld struct {
	*world
	mike, sofia conversation.Ticket
}

func newMergeWorld(t *testing.T) *mergeWorld {
	t.Helper()
	w := newWorld(t)
	mike := open(t, w, w.a, "Parcel not arrived", "My parcel is late", conversation.CustomerRef{Name: "Mike Chen", Email: "mike@example.com"})
	w.now = w.now.Add(time.Minute)
	sofia := open(t, w, w.a, "Wrong size", "The shoes are too small", conversation.CustomerRef{Name: "Sofia Rossi", Email: "sofia@example.com",
		Channel: "ebay", ExternalID: "sofia_r"})
	w.now = w.now.Add(time.Minute)
	return &mergeWorld{world: w, mike: mike, sofia: sofia}
}

func authorsOf(t *testing.T, w *world, number int64) map[string]string {
	t.Helper()
	d, err := w.svc.Detail(context.Background(), w.a, number)
	require.NoError(t, err)
	out := map[string]string{}
	for _, m := range d.Messages {
		if m.Kind == "inbound" {
			require.True(t, m.AuthorCustomerID.Valid, "a customer message names its author")
			out[m.BodyText] = d.Authors[m.AuthorCustomerID.UUID]
		}
	}
	return out
}

func problem(t *testing.T, err error) validate.Errors {
	t.Helper()
	var ve validate.Errors
	require.ErrorAs(t, err, &ve)
	return ve
}

func TestMergeOfTwoCustomersTickets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("AsksThenKeepsAuthorsAndCustomersApart", func(t *testing.T) {
		t.Parallel()
		w := newMergeWorld(t)
		before := capture(t, w.world, w.a, w.sofia.Number, w.mike.Number)

		_, err := w.svc.Merge(ctx, w.a, w.sofia.Number, w.mike.Number, conversation.MergeOptions{})
		dc, ok := errors.AsType[*conversation.DifferentCustomersError](err)
		require.True(t, ok, "merging two customers' tickets asks first: %v", err)
		require.Equal(t, "Sofia Rossi", dc.Source)
		require.Equal(t, "Mike Chen", dc.Target)
		require.Equal(t, before, capture(t, w.world, w.a, w.sofia.Number, w.mike.Number), "nothing changed before the confirmation")

		_, err = w.svc.Merge(ctx, w.a, w.sofia.Number, w.mike.Number, conversation.MergeOptions{Confirm: true})
		require.NoError(t, err)
		require.Equal(t, map[string]string{"My parcel is late": "Mike Chen", "The shoes are too small": "Sofia Rossi"}, authorsOf(t, w.world, w.mike.Number))

		d, err := w.svc.Detail(ctx, w.a, w.mike.Number)
		require.NoError(t, err)
		require.Equal(t, "Mike Chen", d.Customer.Name)
		require.Equal(t, []string{"mike@example.com"}, d.Emails, "Sofia's address stays hers")
		require.Empty(t, d.Identities, "Sofia's eBay id is not on Mike's card")
		sofia, err := w.svc.Customer(ctx, w.a, w.sofia.CustomerID)
		require.NoError(t, err)
		require.Equal(t, []string{"sofia@example.com"}, sofia.Emails)
		require.Len(t, sofia.Identities, 1)
		require.Equal(t, "sofia_r", sofia.Identities[0].ExternalID)
		require.False(t, sofia.Customer.MergedInto.Valid, "a ticket merge never merges customers")
	})

	t.Run("NextReplyGoesToTheTargetsCustomerAndChannel", func(t *testing.T) {
		t.Parallel()
		w := newMergeWorld(t)
		_, err := w.svc.Merge(ctx, w.a, w.sofia.Number, w.mike.Number, conversation.MergeOptions{Confirm: true})
		require.NoError(t, err)
		tk, err := w.svc.Ticket(ctx, w.a, w.mike.Number)
		require.NoError(t, err)
		m, err := w.svc.Reply(ctx, w.a, w.mike.Number, conversation.ReplyInput{Body: "Both sorted.", SeenLastMessageAt: &tk.LastMessageAt})
		require.NoError(t, err)
		sender := &countingSender{id: "<reply@shop.test>"}
		require.NoError(t, w.svc.Deliver(ctx, sender, w.a.TenantID(), m.ID))
		require.Equal(t, 1, sender.n)
		require.Equal(t, []string{"mike@example.com"}, sender.last.To)
		require.Equal(t, w.mike.Number, sender.last.Ticket.Number)
		require.Equal(t, "email", sender.last.Ticket.Channel)
	})

	t.Run("LaterMailForTheMergedAwayTicketLandsOnTheTargetAsItsAuthors", func(t *testing.T) {
		t.Parallel()
		w := newMergeWorld(t)
		_, err := w.svc.Merge(ctx, w.a, w.sofia.Number, w.mike.Number, conversation.MergeOptions{Confirm: true})
		require.NoError(t, err)
		// Through the merged-away ticket (its reply token), from her address.
		m, err := w.svc.AppendInbound(ctx, w.a, w.sofia.Number, conversation.Inbound{Text: "Any news on the size?", From: "Sofia@Example.com"})
		require.NoError(t, err)
		require.Equal(t, w.mike.ID, m.TicketID)
		require.Equal(t, w.sofia.CustomerID, m.AuthorCustomerID.UUID)
		// Threaded onto the target (her old Message-IDs are there now), from her address.
		m, err = w.svc.AppendInbound(ctx, w.a, w.mike.Number, conversation.Inbound{Text: "Photo attached", From: "sofia@example.com"})
		require.NoError(t, err)
		require.Equal(t, w.sofia.CustomerID, m.AuthorCustomerID.UUID)
		// From an address no customer has: the customer of the ticket the mail answers.
		m, err = w.svc.AppendInbound(ctx, w.a, w.sofia.Number, conversation.Inbound{Text: "From my phone", From: "sofia.phone@example.net"})
		require.NoError(t, err)
		require.Equal(t, w.mike.ID, m.TicketID)
		require.Equal(t, w.sofia.CustomerID, m.AuthorCustomerID.UUID)
		got := authorsOf(t, w.world, w.mike.Number)
		require.Equal(t, "Sofia Rossi", got["Any news on the size?"])
		require.Equal(t, "Sofia Rossi", got["Photo attached"])
		require.Equal(t, "Sofia Rossi", got["From my phone"])
		require.Equal(t, "Mike Chen", got["My parcel is late"])
	})

	t.Run("UndoAfterNewActivity", func(t *testing.T) {
		t.Parallel()
		w := newMergeWorld(t)
		require.NoError(t, w.svc.SetTags(ctx, w.a, w.sofia.Number, []string{"sizes"}))
		until := w.now.Add(48 * time.Hour)
		require.NoError(t, w.svc.SetStatus(ctx, w.a, w.sofia.Number, "snoozed", &until))
		before := capture(t, w.world, w.a, w.sofia.Number, w.mike.Number)
		mergeID, err := w.svc.Merge(ctx, w.a, w.sofia.Number, w.mike.Number, conversation.MergeOptions{Confirm: true})
		require.NoError(t, err)

		w.now = w.now.Add(time.Minute)
		later, err := w.svc.AppendInbound(ctx, w.a, w.sofia.Number, conversation.Inbound{Text: "Hello again", From: "sofia@example.com"})
		require.NoError(t, err)
		tk, err := w.svc.Ticket(ctx, w.a, w.mike.Number)
		require.NoError(t, err)
		reply, err := w.svc.Reply(ctx, w.a, w.mike.Number, conversation.ReplyInput{Body: "On it", SeenLastMessageAt: &tk.LastMessageAt})
		require.NoError(t, err)

		require.NoError(t, w.svc.UndoMerge(ctx, w.a, mergeID))
		after := capture(t, w.world, w.a, w.sofia.Number, w.mike.Number)
		// The source is as it was, down to its snooze time; its messages came back.
		require.Equal(t, before.Tickets[0].Status, after.Tickets[0].Status)
		require.Equal(t, before.Tickets[0].SnoozedUntil, after.Tickets[0].SnoozedUntil)
		require.Equal(t, before.Tickets[0].Tags, after.Tickets[0].Tags)
		require.False(t, after.Tickets[0].MergedInto.Valid)
		require.Equal(t, before.Messages[0], after.Messages[0])
		// What came in or was written after the merge stays on the target.
		require.Equal(t, append(append([]int64{}, before.Messages[1]...), later.ID, reply.ID), after.Messages[1])
		require.Equal(t, before.Emails, after.Emails)
		require.Equal(t, before.Identities, after.Identities)
		require.Equal(t, "Sofia Rossi", authorsOf(t, w.world, w.mike.Number)["Hello again"])
	})

	t.Run("UndoAfterTheSnoozeTimePassedReopens", func(t *testing.T) {
		t.Parallel()
		w := newMergeWorld(t)
		until := w.now.Add(time.Hour)
		require.NoError(t, w.svc.SetStatus(ctx, w.a, w.sofia.Number, "snoozed", &until))
		mergeID, err := w.svc.Merge(ctx, w.a, w.sofia.Number, w.mike.Number, conversation.MergeOptions{Confirm: true})
		require.NoError(t, err)
		w.now = w.now.Add(2 * time.Hour) // the wake-up came and found the ticket merged away
		require.NoError(t, w.svc.UndoMerge(ctx, w.a, mergeID))
		tk, err := w.svc.Ticket(ctx, w.a, w.sofia.Number)
		require.NoError(t, err)
		require.Equal(t, "open", tk.Status)
		require.Nil(t, tk.SnoozedUntil)
	})
}

func TestMergeAcrossMarketplaceChannelsIsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	mk := func(channel, market, name, ext string) conversation.Ticket {
		t.Helper()
		tk, err := w.svc.CreateInbound(ctx, w.a, conversation.NewTicket{Channel: channel, Marketplace: market, Subject: "Order question",
			Customer: conversation.CustomerRef{Name: name, Email: name + "@example.com", Channel: channel, ExternalID: ext},
			Message:  conversation.Inbound{Text: "Where is my order?", At: w.now}})
		require.NoError(t, err)
		return tk
	}
	amazonAnn := mk("amazon", "amazon.de", "ann", "ann-alias@marketplace.amazon.de")
	amazonAnn2 := mk("amazon", "amazon.de", "ann", "ann-alias@marketplace.amazon.de")
	amazonAnnUK := mk("amazon", "amazon.co.uk", "ann", "ann-alias@marketplace.amazon.de")
	amazonBen := mk("amazon", "amazon.de", "ben", "ben-alias@marketplace.amazon.de")
	emailAnn := mk("email", "", "ann", "")
	ebayAnn := mk("ebay", "ebay.com", "ann", "")
	require.Equal(t, amazonAnn.CustomerID, emailAnn.CustomerID, "one customer, found by address")

	refused := func(src, tgt conversation.Ticket) {
		t.Helper()
		_, err := w.svc.Merge(ctx, w.a, src.Number, tgt.Number, conversation.MergeOptions{Confirm: true})
		require.Equal(t, validate.Errors{"target": "merge.marketplace_refused"}, err, "#%d into #%d", src.Number, tgt.Number)
	}
	refused(amazonAnn, emailAnn)    // a marketplace thread into email
	refused(emailAnn, amazonAnn)    // email into a marketplace thread
	refused(amazonBen, amazonAnn)   // another buyer's thread, even confirmed
	refused(amazonAnnUK, amazonAnn) // another marketplace
	refused(ebayAnn, amazonAnn)     // another marketplace channel
	// The same buyer's two threads on one marketplace merge.
	_, err := w.svc.Merge(ctx, w.a, amazonAnn2.Number, amazonAnn.Number, conversation.MergeOptions{})
	require.NoError(t, err)
}

func TestMergeCustomers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	// One person known twice: Sofia with her eBay id and an order, and "S. Rossi" from another address.
	t1 := open(t, w, w.a, "Wrong size", "Too small", conversation.CustomerRef{Name: "Sofia Rossi", Email: "sofia@example.com", Channel: "ebay", ExternalID: "sofia_r"})
	t2 := open(t, w, w.a, "Exchange", "Can I exchange?", conversation.CustomerRef{Name: "S. Rossi", Email: "s.rossi@work.example"})
	other := open(t, w, w.a, "Hello", "Unrelated", conversation.CustomerRef{Name: "Mike Chen", Email: "mike@example.com"})
	src, tgt := t2.CustomerID, t1.CustomerID
	o, err := w.svc.UpsertOrder(ctx, w.a, conversation.OrderInput{CustomerID: src,
		Marketplace: "webshop", Number: "W-1001", Status: "shipped", Currency: "EUR", OrderedAt: w.now})
	require.NoError(t, err)
	orderID := o.ID
	before := func(id uuid.UUID) conversation.CustomerPage {
		p, err := w.svc.Customer(ctx, w.a, id)
		require.NoError(t, err)
		p.Customer.UpdatedAt = time.Time{}
		p.Merges = nil
		return p
	}
	srcBefore, tgtBefore := before(src), before(tgt)

	found, err := w.svc.SearchCustomers(ctx, w.a, "s.ro", tgt)
	require.NoError(t, err)
	require.Len(t, found, 1)
	require.Equal(t, src, found[0].ID)
	found, err = w.svc.SearchCustomers(ctx, w.a, "SOFIA", src)
	require.NoError(t, err)
	require.Len(t, found, 1)
	require.Equal(t, tgt, found[0].ID)
	found, err = w.svc.SearchCustomers(ctx, w.a, "%", src)
	require.NoError(t, err)
	require.Empty(t, found, "LIKE wildcards are text")

	_, err = w.svc.MergeCustomers(ctx, w.a, src, src)
	require.Equal(t, "customer_merge.same", problem(t, err)["target"])
	_, err = w.svc.MergeCustomers(ctx, w.b, src, tgt)
	require.ErrorIs(t, err, store.ErrNotFound, "another workspace's customers are not found")
	_, err = w.svc.MergeCustomers(ctx, w.a, src, uuid.New())
	require.Equal(t, "customer_merge.pick", problem(t, err)["target"], "an unknown target is a problem with the choice")
	found, err = w.svc.SearchCustomers(ctx, w.a, "so\x00fia\xff", src)
	require.NoError(t, err, "NUL and invalid UTF-8 in the search are dropped")
	require.Len(t, found, 1)
	require.Equal(t, tgt, found[0].ID)

	mergeID, err := w.svc.MergeCustomers(ctx, w.a, src, tgt)
	require.NoError(t, err)
	merged, err := w.svc.Customer(ctx, w.a, tgt)
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"sofia@example.com", "s.rossi@work.example"}, merged.Emails)
	require.Len(t, merged.Tickets, 2)
	require.Len(t, merged.Merges, 1)
	require.Equal(t, "S. Rossi", merged.Merges[0].SourceName)
	gone, err := w.svc.Customer(ctx, w.a, src)
	require.NoError(t, err)
	require.Equal(t, tgt, gone.Customer.MergedInto.UUID)
	require.Empty(t, gone.Emails)
	require.Empty(t, gone.Tickets)
	// The messages keep their authors.
	require.Equal(t, "S. Rossi", authorsOf(t, w, t2.Number)["Can I exchange?"])
	tk, err := w.svc.Ticket(ctx, w.a, t2.Number)
	require.NoError(t, err)
	require.Equal(t, tgt, tk.CustomerID)
	// Merged-away customers are not offered again; Mike is untouched.
	found, err = w.svc.SearchCustomers(ctx, w.a, "s. r", uuid.Nil)
	require.NoError(t, err)
	require.Empty(t, found)
	mike, err := w.svc.Ticket(ctx, w.a, other.Number)
	require.NoError(t, err)
	require.Equal(t, other.CustomerID, mike.CustomerID)

	// New activity: the moved address writes again and opens a ticket with the merged customer.
	t3 := open(t, w, w.a, "Another question", "Still there?", conversation.CustomerRef{Name: "S. Rossi", Email: "s.rossi@work.example"})
	require.Equal(t, tgt, t3.CustomerID)

	require.NoError(t, w.svc.UndoCustomerMerge(ctx, w.a, mergeID))
	require.Equal(t, srcBefore, before(src), "the source customer is exactly as before")
	tgtAfter := before(tgt)
	require.Len(t, tgtAfter.Tickets, 2, "the ticket opened after the merge stays")
	require.Equal(t, t3.Number, tgtAfter.Tickets[0].Number)
	tgtAfter.Tickets = tgtAfter.Tickets[1:]
	require.Equal(t, tgtBefore, tgtAfter)
	require.NoError(t, w.db.Store.InTenantTx(ctx, w.a.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		orders, err := q.CustomerOrders(ctx, dbsqlc.CustomerOrdersParams{TenantID: w.a.TenantID(), CustomerID: uuid.NullUUID{UUID: src, Valid: true}})
		require.Len(t, orders, 1)
		require.Equal(t, orderID, orders[0].ID)
		return err
	}))
	err = w.svc.UndoCustomerMerge(ctx, w.a, mergeID)
	require.Equal(t, "customer_merge.already_undone", problem(t, err)["merge"])

	// Both actions are in the audit log.
	var actions []string
	require.NoError(t, w.db.Store.InTenantTx(ctx, w.a.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		rows, err := q.AuditList(ctx, dbsqlc.AuditListParams{TenantID: w.a.TenantID(), MaxRows: 10})
		for _, r := range rows {
			actions = append(actions, r.Action)
		}
		return err
	}))
	require.Contains(t, actions, "customer.merged")
	require.Contains(t, actions, "customer.merge_undone")
}
