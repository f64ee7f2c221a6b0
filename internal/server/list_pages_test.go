package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// Each view's empty state says what the view is for; only an admin is pointed at Settings.
func TestInboxEmptyStatesPerView(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t)
	admin := app.Workspace(t, "empty", "admin@empty.test")
	app.Member(t, admin, "agent@empty.test", tenant.RoleAgent)
	asAdmin, asAgent := app.SignIn(t, "admin@empty.test"), app.SignIn(t, "agent@empty.test")
	for view, says := range map[string]string{
		"unassigned": "Unassigned holds the open tickets nobody owns yet",
		"mine":       "Mine holds the open, pending and snoozed tickets assigned to you",
		"open":       "All open holds every open and pending ticket",
		"presale":    "Pre-sale holds the open questions of shoppers",
		"breaching":  "Breaching soon holds the open tickets whose SLA target",
		"pending":    "Pending holds the tickets waiting for the customer",
		"snoozed":    "Snoozed holds the tickets put aside until a set time",
		"resolved":   "Resolved holds the tickets the team has answered",
		"closed":     "Closed holds the tickets finished for good",
	} {
		for who, c := range map[string]*apptest.Client{"admin": asAdmin, "agent": asAgent} {
			page := c.Get("/w/empty/inbox?view=" + view)
			require.Equal(t, http.StatusOK, page.StatusCode, view)
			empty := between(t, page.Body, `data-testid="empty-state"`, `</div>`)
			require.Contains(t, empty, says, "%s sees what %s is for", who, view)
			if who == "agent" {
				require.NotContains(t, empty, "/settings", "an agent is never sent to Settings (%s)", view)
			}
		}
	}
	require.Contains(t, between(t, asAdmin.Get("/w/empty/inbox?view=open").Body, `data-testid="empty-state"`, `</div>`), `href="/w/empty/settings/mail"`)
	require.Contains(t, between(t, asAgent.Get("/w/empty/inbox?view=mine").Body, `data-testid="empty-state"`, `</div>`), `href="/w/empty/inbox?view=unassigned"`)
	filtered := asAgent.Get("/w/empty/inbox?view=open&priority=0")
	require.Contains(t, between(t, filtered.Body, `data-testid="empty-state"`, `</div>`), "No tickets match these filters")
}

// Search results mark the matched words, escaped, in the message that matched: folded Romanian
// diacritics and Korean pairs inside words included.
func TestSearchPageMarksMatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)
	sc := app.Workspace(t, "find", "admin@find.test")
	create := func(subject, text string) conversation.Ticket {
		tk, err := app.Conversations.CreateInbound(ctx, sc, conversation.NewTicket{Channel: "email", Subject: subject,
			Customer: conversation.CustomerRef{Name: "Buyer", Email: "buyer@example.com"}, Message: conversation.Inbound{Text: text}})
		require.NoError(t, err)
		return tk
	}
	html := create("Lid", `The <b>kettle</b> & "lid" broke`)
	_, err := app.Conversations.AppendInbound(ctx, sc, html.Number, conversation.Inbound{Text: "Any news?"})
	require.NoError(t, err)
	create("Problemă", "Aplicația nu pornește")
	create("배송", "주문이 아직 안 왔어요")
	c := app.SignIn(t, "admin@find.test")

	body := c.Get("/w/find/search?q=kettle").Body
	require.Contains(t, body, `The &lt;b&gt;<mark>kettle</mark>&lt;/b&gt; &amp; &#34;lid&#34; broke`, "the matched message, not the latest, escaped")
	require.NotContains(t, body, "<b>kettle")
	require.Contains(t, c.Get("/w/find/search?q=aplicatie").Body, "<mark>Aplicația</mark> nu pornește")
	require.Contains(t, c.Get("/w/find/search?q=%EC%A3%BC%EB%AC%B8").Body, "<mark>주문</mark>이 아직")
	require.Contains(t, c.Get("/w/find/search?q=lid").Body, `data-testid="row-subject"><mark>Lid</mark>`)
}

// between is the part of s from the first from to the next to after it.
func between(t *testing.T, s, from, to string) string {
	t.Helper()
	i := strings.Index(s, from)
	require.GreaterOrEqual(t, i, 0, "%q not in the page", from)
	j := strings.Index(s[i:], to)
	require.GreaterOrEqual(t, j, 0)
	return s[i : i+j]
}
