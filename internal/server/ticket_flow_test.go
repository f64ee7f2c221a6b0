package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// A ticket merged into another is read-only: its page has no composer and no property
// controls, says where it went and links there; a reply or a change posted anyway is refused
// with a plain message and changes nothing.
func TestMergedAwayTicketPage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)
	sc := app.Workspace(t, "mergedaway", "admin@mergedaway.test")
	app.Connect("email")
	cust := conversation.CustomerRef{Name: "Ivo Mares", Email: "ivo@example.com"}
	a, err := app.Conversations.CreateInbound(ctx, sc, conversation.NewTicket{Channel: "email", Subject: "Lost parcel", Customer: cust,
		Message: conversation.Inbound{Text: "Where is it?"}})
	require.NoError(t, err)
	b, err := app.Conversations.CreateInbound(ctx, sc, conversation.NewTicket{Channel: "email", Subject: "Lost parcel again", Customer: cust,
		Message: conversation.Inbound{Text: "Still nothing."}})
	require.NoError(t, err)
	_, err = app.Conversations.Merge(ctx, sc, a.Number, b.Number, conversation.MergeOptions{})
	require.NoError(t, err)

	c := app.SignIn(t, "admin@mergedaway.test")
	path := fmt.Sprintf("/w/mergedaway/t/%d", a.Number)
	page := c.Get(path)
	require.Equal(t, http.StatusOK, page.StatusCode)
	require.Contains(t, page.Body, fmt.Sprintf(`href="/w/mergedaway/t/%d" data-testid="merged-into">Merged into #%d</a>`, b.Number, b.Number))
	require.NotContains(t, page.Body, `data-testid="composer"`)
	require.NotContains(t, page.Body, `id="assignee"`)
	require.NotContains(t, page.Body, `data-testid="duplicate-hint"`, "no merge suggestions on a ticket that can take no merge")
	require.NotContains(t, page.Body, `data-testid="merge-target"`)

	res := c.PostForm(path+"/reply", url.Values{"mode": {"note"}, "body": {"A note"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	page = c.Get(path)
	require.Contains(t, page.Body, "This ticket was merged into another one and can no longer be changed.")
	res = c.PostForm(path+"/priority", url.Values{"priority": {"0"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	page = c.Get(path)
	require.Contains(t, page.Body, "This ticket was merged into another one and can no longer be changed.")
	got, err := app.Conversations.Ticket(ctx, sc, a.Number)
	require.NoError(t, err)
	require.Equal(t, a.Priority, got.Priority)
	d, err := app.Conversations.Detail(ctx, sc, a.Number)
	require.NoError(t, err)
	require.Empty(t, d.Messages, "no note was added")

	// The target is a normal ticket.
	page = c.Get(fmt.Sprintf("/w/mergedaway/t/%d", b.Number))
	require.Contains(t, page.Body, `data-testid="composer"`)
	require.NotContains(t, page.Body, `data-testid="merged-away"`)
}

// The merge target is found by number, subject or customer name; the list never offers the
// ticket itself or one merged away.
func TestMergeCandidates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)
	sc := app.Workspace(t, "mergesearch", "admin@mergesearch.test")
	open := func(subject, name, email string) conversation.Ticket {
		tk, err := app.Conversations.CreateInbound(ctx, sc, conversation.NewTicket{Channel: "email", Subject: subject,
			Customer: conversation.CustomerRef{Name: name, Email: email}, Message: conversation.Inbound{Text: "Hello"}})
		require.NoError(t, err)
		return tk
	}
	src := open("Broken lamp", "Zoe Quinn", "zoe@example.com")
	lamp := open("Broken lamp photos", "Zoe Quinn", "zoe@example.com")
	other := open("Invoice copy", "Karl Ostrow", "karl@example.com")
	gone := open("Broken lamp again", "Zoe Quinn", "zoe@example.com")
	_, err := app.Conversations.Merge(ctx, sc, gone.Number, lamp.Number, conversation.MergeOptions{})
	require.NoError(t, err)

	c := app.SignIn(t, "admin@mergesearch.test")
	base := fmt.Sprintf("/w/mergesearch/t/%d/merge-candidates?q=", src.Number)
	res := c.Get(base + url.QueryEscape("lamp"))
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, res.Body, fmt.Sprintf(`data-merge-pick="%d"`, lamp.Number))
	require.Contains(t, res.Body, "Broken lamp photos")
	require.Contains(t, res.Body, "Zoe Quinn")
	require.Contains(t, res.Body, "Open")
	require.NotContains(t, res.Body, fmt.Sprintf(`data-merge-pick="%d"`, src.Number), "not the ticket itself")
	require.NotContains(t, res.Body, fmt.Sprintf(`data-merge-pick="%d"`, gone.Number), "not a merged-away ticket")

	res = c.Get(base + url.QueryEscape("Ostrow"))
	require.Contains(t, res.Body, fmt.Sprintf(`data-merge-pick="%d"`, other.Number))
	res = c.Get(base + url.QueryEscape(fmt.Sprintf("#%d", other.Number)))
	require.Contains(t, res.Body, fmt.Sprintf(`data-merge-pick="%d"`, other.Number))
	require.Contains(t, res.Body, "Karl Ostrow")
	res = c.Get(base + url.QueryEscape("nothing-like-this"))
	require.Contains(t, res.Body, `data-testid="merge-no-results"`)

	// An agent may search too (merging is an agent's task).
	app.Member(t, sc, "agent@mergesearch.test", tenant.RoleAgent)
	ag := app.SignIn(t, "agent@mergesearch.test")
	require.Equal(t, http.StatusOK, ag.Get(base+"lamp").StatusCode)
}
