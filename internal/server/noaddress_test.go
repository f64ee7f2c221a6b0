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
)

// Mail whose From held no address ("From: foo") makes a customer without one: the ticket's reply
// box says it cannot answer and why, and a reply is refused with that reason instead of queued.
func TestReplyToACustomerWithoutAddress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)
	sc := app.Workspace(t, "noaddr", "admin@noaddr.test")
	tk, err := app.Conversations.CreateInbound(ctx, sc, conversation.NewTicket{Channel: "email", Subject: "Who am I",
		Customer: conversation.CustomerRef{Name: "foo"}, Message: conversation.Inbound{Text: "I have no address."}})
	require.NoError(t, err)
	c := app.SignIn(t, "admin@noaddr.test")
	path := fmt.Sprintf("/w/noaddr/t/%d", tk.Number)

	page := c.Get(path)
	require.Equal(t, http.StatusOK, page.StatusCode)
	require.Contains(t, page.Body, `data-testid="no-reply-address"`)
	require.Contains(t, page.Body, "This customer has no address to reply to")
	require.NotContains(t, page.Body, `data-testid="reply-send-resolve"`)

	res := c.PostForm(path+"/reply", url.Values{"mode": {"reply"}, "body": {"Hello!"}, "confirm": {"1"}})
	require.NotEqual(t, http.StatusSeeOther, res.StatusCode, "refused, not queued")
	require.Contains(t, res.Body, "This customer has no address to reply to")
	require.Contains(t, res.Body, "Hello!", "the draft is kept")
	d, err := app.Conversations.Detail(ctx, sc, tk.Number)
	require.NoError(t, err)
	require.Len(t, d.Messages, 1, "nothing queued")

	// A note still works.
	res = c.PostForm(path+"/reply", url.Values{"mode": {"note"}, "body": {"Look the buyer up by order number."}, "confirm": {"1"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	d, err = app.Conversations.Detail(ctx, sc, tk.Number)
	require.NoError(t, err)
	require.Len(t, d.Messages, 2)
	require.Equal(t, "note", d.Messages[1].Kind)
}
