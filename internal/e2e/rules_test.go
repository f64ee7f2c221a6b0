package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/conversation"
)

// An admin builds "subject contains 'before I buy' → urgent + tag pre-sale" in the browser,
// dry-runs it against a ticket, enables it; a matching mail arrives through the real pipeline and
// the ticket shows urgent, the tag, the pre-sale SLA and the rule's audit line.
func TestAdminBuildsARule(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	admin := app.Workspace(t, "rules", "admin@rules.test")
	// The shipped pre-sale rule is switched off, so what happens below is the admin's rule's doing.
	rules, err := app.Automation.Rules(ctx, admin)
	require.NoError(t, err)
	for _, r := range rules {
		if r.Name == "Pre-sale questions first" {
			require.NoError(t, app.Automation.SetRuleEnabled(ctx, admin, r.ID, false))
		}
	}
	sample, err := app.Conversations.CreateInbound(ctx, admin, conversation.NewTicket{Channel: "email", Subject: "One question before I buy",
		Customer: conversation.CustomerRef{Name: "Sam", Email: "sam@example.test"}, Message: conversation.Inbound{Text: "Does it come in red?"}})
	require.NoError(t, err)
	require.Equal(t, int16(2), sample.Priority)

	b := NewBrowser(t)
	p := b.NewPerson("admin")
	signIn(p, app.URL, "admin@rules.test", apptest.Password)
	p.Do(
		chromedp.Navigate(app.URL+"/w/rules/settings/rules/new"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=rule-form]`)),
		chromedp.SendKeys(chromedp.CSS(`#name`), "Pre-sale by subject"),
		chromedp.SetValue(chromedp.CSS(`#trigger`), "message_received"),
		chromedp.SetValue(chromedp.CSS(`#cond_field_0`), "subject"),
		chromedp.SetValue(chromedp.CSS(`#cond_op_0`), "contains"),
		chromedp.SendKeys(chromedp.CSS(`#cond_value_0`), "before I buy"),
		chromedp.SetValue(chromedp.CSS(`#act_type_0`), "set_priority"),
		// A priority is picked from the known ones (the picker's select holds the value).
		chromedp.SetValue(chromedp.CSS(`#act_pick_0_set_priority`), "urgent"),
		chromedp.Click(chromedp.CSS(`[data-testid=add-act]`)),
		chromedp.WaitVisible(chromedp.CSS(`#act_type_1`)),
		chromedp.SetValue(chromedp.CSS(`#act_type_1`), "add_tag"),
		chromedp.SendKeys(chromedp.CSS(`#act_value_1`), "pre-sale"),
		chromedp.Click(chromedp.CSS(`[data-testid=save-rule]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=dry-run]`)),
	)
	p.Screenshot("rule-saved")

	// Dry run against the sample ticket: it would fire, and nothing changed.
	p.Do(
		chromedp.SendKeys(chromedp.CSS(`#ticket`), "1"),
		chromedp.Click(chromedp.CSS(`[data-testid=dry-run-submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=dry-run-matched]`)),
	)
	require.Contains(t, p.Text(`[data-testid=dry-run-result]`), "Subject contains “before I buy”")
	require.Contains(t, p.Text(`[data-testid=dry-run-result]`), "Set priority Urgent")
	p.Screenshot("dry-run")
	unchanged, err := app.Conversations.Ticket(ctx, admin, sample.Number)
	require.NoError(t, err)
	require.Equal(t, int16(2), unchanged.Priority)
	require.Empty(t, unchanged.Tags)

	// Enable it from the list.
	p.Do(
		chromedp.Navigate(app.URL+"/w/rules/settings/rules"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="rules"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="enable-Pre-sale by subject"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="rule-Pre-sale by subject"] .badge-success`)),
	)

	// A buyer's mail arrives through the real pipeline (stored raw, processed by the job).
	raw := "From: Dana Pop <dana@example.test>\r\nTo: shop@rules.test\r\nSubject: Quick question before I buy\r\n" +
		"Message-ID: <presale-1@example.test>\r\nDate: " + time.Now().Format(time.RFC1123Z) + "\r\n\r\nIs the kettle 1.7 litres?\r\n"
	_, _, err = app.Ingest.Accept(ctx, admin.TenantID(), "test", []byte(raw))
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		_, err := app.Conversations.Ticket(ctx, admin, 2)
		return err == nil
	}, 20*time.Second, 100*time.Millisecond)

	p.Do(
		chromedp.Navigate(app.URL+"/w/rules/t/2"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=sla-box]`)),
	)
	p.Until(`document.querySelector("#priority").value === "0"`)
	require.Contains(t, p.Text(`.ticket-meta`), "pre-sale")
	require.Contains(t, p.Text(`[data-testid=sla-policy]`), "Pre-sale")
	require.Contains(t, p.Text(`[data-testid=sla-first_response]`), "2h")
	require.Contains(t, p.Text(`[data-testid=thread]`), "Rule fired “Pre-sale by subject”: Subject contains “before I buy” ✓ → Set priority “Urgent”, Add tag “pre-sale”")
	p.Screenshot("ticket-after-rule")
}
