package server_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/label"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// Saved views through the pages: an agent saves a personal view (sharing is refused at the
// field), it opens from its link with its filters, and nobody else sees it.
func TestSavedViewPages(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	en := i18n.NewPrinter("en", time.UTC)
	for i, tags := range [][]string{{"vip"}, nil} {
		_, err := f.app.Conversations.CreateInbound(ctx, f.a, conversation.NewTicket{Channel: "email", Subject: "Saved view ticket " + strconv.Itoa(i), Tags: tags,
			Customer: conversation.CustomerRef{Email: "sv" + strconv.Itoa(i) + "@alpha.test"}, Message: conversation.Inbound{Text: "Hello"}})
		require.NoError(t, err)
	}
	list := "/w/alpha/views?" + url.Values{"view": {"open"}, "tag": {"vip"}}.Encode()

	res := f.agentAC.PostForm(list, url.Values{"name": {"My VIPs"}, "shared": {"1"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, res.Body, html.EscapeString(en.T("views.shared_needs_manager")))
	require.NotContains(t, res.Body, `name="shared"`, "an agent is not offered sharing")

	res = f.agentAC.PostForm(list, url.Values{"name": {"My VIPs"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	loc := res.Header.Get("Location")
	require.Contains(t, loc, "tag=vip")
	require.Contains(t, loc, "saved=")
	page := f.agentAC.Get(loc)
	require.Equal(t, http.StatusOK, page.StatusCode)
	require.Contains(t, page.Body, `data-testid="list-title">My VIPs<`)
	require.Contains(t, page.Body, "Saved view ticket 0")
	require.NotContains(t, page.Body, "Saved view ticket 1", "the view's filter applies")

	// Personal: the manager sees no such view, not even through its link.
	page = f.managerAC.Get(loc)
	require.Equal(t, http.StatusOK, page.StatusCode)
	require.NotContains(t, page.Body, "My VIPs")
	require.Contains(t, page.Body, "Saved view ticket 0", "the link's filters still apply")
	require.NotContains(t, page.Body, "Saved view ticket 1")

	// A manager may share; the agent then sees it in the sidebar, without the right to change it.
	res = f.managerAC.PostForm(list, url.Values{"name": {"Team VIPs"}, "shared": {"1"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	shared := res.Header.Get("Location")
	page = f.agentAC.Get(shared)
	require.Contains(t, page.Body, "Team VIPs")
	require.NotContains(t, page.Body, `data-testid="view-edit"`)
	id := mustQuery(t, strings.SplitN(shared, "?", 2)[1]).Get("saved")
	res = f.agentAC.PostForm("/w/alpha/views/"+id+"/delete", url.Values{})
	require.Equal(t, http.StatusForbidden, res.StatusCode)
}

// Tags through the pages: suggestions come from this workspace only, and a new tag typed by a
// role that may not add one is refused with the reason.
func TestTagSuggestionsAndCreateRule(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	en := i18n.NewPrinter("en", time.UTC)
	tk, err := f.app.Conversations.CreateInbound(ctx, f.a, conversation.NewTicket{Channel: "email", Subject: "Tagged", Tags: []string{"vip", "review"},
		Customer: conversation.CustomerRef{Email: "tagged@alpha.test"}, Message: conversation.Inbound{Text: "Hello"}})
	require.NoError(t, err)
	_, err = f.app.Conversations.CreateInbound(ctx, f.b, conversation.NewTicket{Channel: "email", Subject: "Theirs", Tags: []string{"vip-bravo"},
		Customer: conversation.CustomerRef{Email: "theirs@bravo.test"}, Message: conversation.Inbound{Text: "Hello"}})
	require.NoError(t, err)

	res := f.agentAC.Get("/w/alpha/labels/suggest?kind=tag&q=VI")
	require.Equal(t, http.StatusOK, res.StatusCode)
	var names []string
	require.NoError(t, json.Unmarshal([]byte(res.Body), &names))
	require.Equal(t, []string{"vip", "review"}, names, "prefix matches first, then the rest containing it")
	require.Equal(t, http.StatusNotFound, f.agentAC.Get("/w/alpha/labels/suggest?kind=secret&q=v").StatusCode)

	require.NoError(t, label.New(f.app.DB.Store).SetCreateRole(ctx, f.a, tenant.RoleManager))
	ticket := "/w/alpha/t/" + strconv.FormatInt(tk.Number, 10)
	res = f.agentAC.PostForm(ticket+"/tags", url.Values{"tags": {"vip, review, brand new"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Contains(t, f.agentAC.Get(res.Header.Get("Location")).Body, html.EscapeString(en.T("label.create_forbidden")))
	got, err := f.app.Conversations.Ticket(ctx, f.a, tk.Number)
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"review", "vip"}, got.Tags, "nothing written")

	res = f.managerAC.PostForm(ticket+"/tags", url.Values{"tags": {"vip, review, brand new"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	got, err = f.app.Conversations.Ticket(ctx, f.a, tk.Number)
	require.NoError(t, err)
	require.Equal(t, []string{"brand new", "review", "vip"}, got.Tags)
}
