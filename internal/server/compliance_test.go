package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/compliance"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

func TestComplianceComposerAndSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	app := apptest.Start(t)
	sc := app.Workspace(t, "rules", "admin@rules.test")
	app.Member(t, sc, "agent@rules.test", tenant.RoleAgent)
	out := app.Connect("amazon", "ebay", "email")
	admin := app.SignIn(t, "admin@rules.test")
	agent := app.SignIn(t, "agent@rules.test")
	open := func(channel, ext string) int64 {
		cust := conversation.CustomerRef{Name: "Buyer", Channel: channel, ExternalID: ext}
		if channel == "email" {
			cust = conversation.CustomerRef{Name: "Buyer", Email: ext}
		}
		tk, err := app.Conversations.CreateInbound(ctx, sc, conversation.NewTicket{Channel: channel, Subject: "Question", Language: "en",
			Customer: cust, Message: conversation.Inbound{Text: "Where is my parcel?"}})
		require.NoError(t, err)
		return tk.Number
	}
	amazon, ebay, mail := open("amazon", "abc@marketplace.amazon.de"), open("ebay", "buyer_1"), open("email", "ann@example.com")
	check := func(n int64, body string) *apptest.Response {
		return agent.PostForm("/w/rules/t/"+strconv.FormatInt(n, 10)+"/compliance", url.Values{"body": {body}, "mode": {"reply"}})
	}

	res := check(amazon, "See https://brand-example.com/manual or write to help@brand-example.com")
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, res.Body, `data-rule="amazon.link"`)
	require.Contains(t, res.Body, `data-rule="amazon.email"`)
	require.Contains(t, res.Body, "E-mail addresses may not be sent to the buyer")
	// A note is not checked; an e-mail ticket has no rules.
	res = agent.PostForm("/w/rules/t/"+strconv.FormatInt(amazon, 10)+"/compliance", url.Values{"body": {"https://brand-example.com"}, "mode": {"note"}})
	require.NotContains(t, res.Body, "compliance-finding")
	res = check(mail, "Call +49 30 1234567, https://brand-example.com")
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.NotContains(t, res.Body, "compliance-finding")
	require.NotContains(t, res.Body, "compliance-counter")

	// eBay: the counter counts UTF-16 units, as the API does.
	body := strings.Repeat("a", 1998) + "😀"
	res = check(ebay, body)
	require.Contains(t, res.Body, "2,000 / 2,000 characters")
	require.NotContains(t, res.Body, "ebay.length")
	res = check(ebay, body+"!")
	require.Contains(t, res.Body, "2,001 / 2,000 characters")
	require.Contains(t, res.Body, `data-rule="ebay.length"`)
	require.Contains(t, res.Body, "2,001 characters, signature included; eBay accepts at most 2,000.")

	// Send: refused with the reasons, the draft kept, nothing queued.
	seen := time.Now().Add(time.Hour).Format(time.RFC3339Nano)
	res = agent.PostForm("/w/rules/t/"+strconv.FormatInt(amazon, 10)+"/reply", url.Values{"body": {"Call us: (555) 123-4567"}, "mode": {"reply"}, "seen_last_message_at": {seen}})
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, res.Body, `data-testid="compliance-refused"`)
	require.Contains(t, res.Body, "Phone numbers may not be sent to the buyer.")
	require.Contains(t, res.Body, "Call us: (555) 123-4567</textarea>")
	res = agent.PostForm("/w/rules/t/"+strconv.FormatInt(ebay, 10)+"/reply", url.Values{"body": {body + "!"}, "mode": {"reply"}, "seen_last_message_at": {seen}})
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, res.Body, `data-rule="ebay.length"`)
	require.Empty(t, out.Sent())
	res = agent.PostForm("/w/rules/t/"+strconv.FormatInt(ebay, 10)+"/reply", url.Values{"body": {body}, "mode": {"reply"}, "seen_last_message_at": {seen}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)

	// Settings: rules with their level and source; the allow-list is the admin's, audited.
	res = admin.Get("/w/rules/settings/compliance")
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, res.Body, `data-testid="rule-amazon.phone"`)
	require.Contains(t, res.Body, "Seller Central help G1801")
	require.Contains(t, res.Body, `data-testid="rule-ebay.length"`)
	require.Contains(t, res.Body, "No extra domains are allowed.")
	require.Equal(t, http.StatusForbidden, agent.Get("/w/rules/settings/compliance").StatusCode)
	res = agent.PostForm("/w/rules/settings/compliance/domains", url.Values{"domain": {"brand-example.com"}})
	require.Equal(t, http.StatusForbidden, res.StatusCode)

	res = admin.PostForm("/w/rules/settings/compliance/domains", url.Values{"domain": {"not a domain"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	require.Contains(t, res.Body, "Enter a domain, for example brand.com.")
	require.Contains(t, res.Body, `value="not a domain"`)
	res = admin.PostForm("/w/rules/settings/compliance/domains", url.Values{"domain": {"https://www.Brand-Example.com/help"}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	res = admin.Get("/w/rules/settings/compliance")
	require.Contains(t, res.Body, "The domain is allowed in links.")
	require.Contains(t, res.Body, `data-testid="domain-brand-example.com"`)

	res = check(amazon, "See https://brand-example.com/manual")
	require.NotContains(t, res.Body, "compliance-finding")

	list, err := compliance.New(app.DB.Store).AllowedDomains(ctx, sc)
	require.NoError(t, err)
	require.Len(t, list, 1)
	res = admin.PostForm("/w/rules/settings/compliance/domains/"+list[0].ID.String()+"/remove", nil)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	res = check(amazon, "See https://brand-example.com/manual")
	require.Contains(t, res.Body, `data-rule="amazon.link"`)

	var actions []string
	require.NoError(t, app.DB.Store.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		rows, err := q.AuditList(ctx, dbsqlc.AuditListParams{TenantID: sc.TenantID(), MaxRows: 50})
		for _, r := range rows {
			if strings.HasPrefix(r.Action, "compliance.") {
				actions = append(actions, r.Action)
			}
		}
		return err
	}))
	require.Equal(t, []string{"compliance.domain_removed", "compliance.domain_allowed"}, actions)
}
