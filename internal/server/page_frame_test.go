package server_test

import (
	"context"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/notify"
	"github.com/shopdesk/shopdesk/internal/savedview"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// The inbox, search and ticket pages read their frame (the bell's count, the saved views, the
// composer's signature) in the round trips of their list and ticket: each shows them, the bell
// counts after the ticket page has read its own notifications, and the sidebar carries no
// notifications link of its own (the bell is the one place).
func TestPagesCarryTheirFrame(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)
	admin := app.Workspace(t, "frame", "admin@frame.test")
	bee := app.Member(t, admin, "bee@frame.test", tenant.RoleAgent)
	create := func(subject string) conversation.Ticket {
		tk, err := app.Conversations.CreateInbound(ctx, admin, conversation.NewTicket{Channel: "email", Subject: subject,
			Customer: conversation.CustomerRef{Name: "Buyer", Email: "buyer@example.com"}, Message: conversation.Inbound{Text: "Where is my parcel?"}})
		require.NoError(t, err)
		return tk
	}
	one, two := create("Parcel one"), create("Parcel two")
	for _, tk := range []conversation.Ticket{one, two} {
		_, err := app.Conversations.Reply(ctx, admin, tk.Number, conversation.ReplyInput{Body: "@bee please look", Note: true})
		require.NoError(t, err)
	}
	notes := notify.New(app.DB.Store, nil, app.URL, time.Now)
	require.NoError(t, notes.SaveSignatures(ctx, bee, map[string]string{"email": "Bee from Frame"}))
	_, err := savedview.New(app.DB.Store).Create(ctx, bee, savedview.Input{Name: "Bee parcels", Params: url.Values{"view": {"open"}}})
	require.NoError(t, err)

	c := app.SignIn(t, "bee@frame.test")
	for _, path := range []string{"/w/frame/inbox", "/w/frame/search?q=parcel", "/w/frame/search?q=%20"} {
		body := c.Get(path).Body
		require.Contains(t, body, `data-testid="bell-count">2<`, "%s: the bell counts both mentions", path)
		require.Contains(t, body, "Bee parcels", "%s: the saved view is in the sidebar", path)
		require.NotContains(t, body, `data-testid="notifications-link"`, path)
	}
	ticket := c.Get("/w/frame/t/" + strconv.FormatInt(one.Number, 10)).Body
	require.Contains(t, ticket, `data-testid="signature-note"`)
	require.Contains(t, ticket, "Bee from Frame", "the composer shows the signature of the ticket's channel")
	require.Contains(t, ticket, `data-testid="bell-count">1<`, "opening a ticket reads its mention before the bell counts")
	require.Contains(t, ticket, "Bee parcels")
}
