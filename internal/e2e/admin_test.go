package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// An admin adds a person to a team with the keyboard only: the person picker filters as they type
// and Enter chooses; the channels picker adds a chip. Then, on a new rule, a condition row is added
// and the first one removed, and the rule saves what is left.
func TestAdminPickerAndRuleRows(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	admin := app.Workspace(t, "pick", "admin@pick.test")
	dana := app.Member(t, admin, "dana@pick.test", tenant.RoleAgent)
	team, err := app.Automation.SaveTeam(ctx, admin, uuid.Nil, automation.TeamInput{Name: "Email desk", Tier: "1", Assignment: "manual"})
	require.NoError(t, err)
	key := team.String() + "/new"

	b := NewBrowser(t)
	p := b.NewPerson("admin")
	signIn(p, app.URL, "admin@pick.test", apptest.Password)
	person := `[data-testid="member-form-` + key + `"] .picker-input[role=combobox]`
	channels := `[data-testid="member-form-` + key + `"] [data-testid="member-channels-picker-input"]`
	p.Do(
		chromedp.Navigate(app.URL+"/w/pick/settings/teams"),
		chromedp.WaitVisible(chromedp.CSS(person)),
		chromedp.Click(chromedp.CSS(person)),
		chromedp.SendKeys(chromedp.CSS(person), "dana"),
	)
	// Typing filters the list to the one match, announced as the active option.
	p.Until(`document.querySelectorAll('[data-testid="member-form-` + key + `"] .picker-list:not([hidden]) [role=option]').length === 1`)
	require.Contains(t, p.Text(`[data-testid="member-form-`+key+`"] .picker-list [role=option]`), "dana@pick.test")
	p.Do(chromedp.SendKeys(chromedp.CSS(person), kb.Enter))
	p.Until(`document.getElementById('user-` + key + `').value === '` + dana.UserID.String() + `'`)
	p.Until(`document.querySelector('` + person + `').getAttribute('aria-expanded') === 'false'`)

	// The multiple picker: type, arrow to the option, Enter adds a chip; the select holds it.
	p.Do(
		chromedp.Click(chromedp.CSS(channels)),
		chromedp.SendKeys(chromedp.CSS(channels), "amaz"),
		chromedp.SendKeys(chromedp.CSS(channels), kb.ArrowDown),
		chromedp.SendKeys(chromedp.CSS(channels), kb.Enter),
	)
	p.Until(`[...document.getElementById('channels-` + key + `').selectedOptions].map(o => o.value).join() === 'amazon'`)
	require.Contains(t, p.Text(`[data-testid="member-form-`+key+`"] .picker-chip`), "Amazon")
	p.Screenshot("picker")
	p.Do(
		chromedp.SendKeys(chromedp.CSS(channels), kb.Escape),
		chromedp.Click(chromedp.CSS(`[data-testid="member-form-`+key+`"] button[type=submit]`)),
	)
	p.Until(`!!document.querySelector('[data-testid="member-dana@pick.test"]')`)
	teams, err := app.Automation.Teams(ctx, admin)
	require.NoError(t, err)
	require.Len(t, teams[0].Members, 1)
	require.Equal(t, dana.UserID, teams[0].Members[0].UserID)
	require.Equal(t, []string{"amazon"}, teams[0].Members[0].Channels)

	// The rules list's sticky header does not cover its first row.
	p.Do(chromedp.Navigate(app.URL + "/w/pick/settings/rules"))
	p.Until(`(() => { const th = document.querySelector('[data-testid=rules] thead th'); const tr = document.querySelector('[data-testid=rules] tbody tr');
		return th && tr && tr.getBoundingClientRect().top >= th.getBoundingClientRect().bottom - 1; })()`)

	// Rule rows: one to start with, add one, remove the first, save.
	p.Do(
		chromedp.Navigate(app.URL+"/w/pick/settings/rules/new"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=rule-form]`)),
	)
	p.Until(`document.querySelectorAll('[data-testid=cond-rows] > li').length === 1`)
	p.Do(chromedp.Click(chromedp.CSS(`[data-testid=add-condition]`)))
	p.Until(`document.querySelectorAll('[data-testid=cond-rows] > li').length === 2`)
	p.Until(`document.activeElement && document.activeElement.id === 'cond_field_1'`)
	p.Do(
		chromedp.Click(chromedp.CSS(`[data-testid=cond-0] [data-testid=remove-condition]`)),
		chromedp.SendKeys(chromedp.CSS(`#name`), "Refunds"),
		chromedp.SetValue(chromedp.CSS(`#cond_field_1`), "subject"),
		chromedp.SetValue(chromedp.CSS(`#cond_op_1`), "contains"),
		chromedp.SendKeys(chromedp.CSS(`#cond_value_1`), "refund"),
		chromedp.SetValue(chromedp.CSS(`#act_type_0`), "add_tag"),
		chromedp.SendKeys(chromedp.CSS(`#act_value_0`), "refund"),
	)
	p.Until(`document.querySelectorAll('[data-testid=cond-rows] > li').length === 1`)
	p.Do(chromedp.Click(chromedp.CSS(`[data-testid=save-rule]`)))
	p.Until(`!!document.querySelector('[data-testid=dry-run]')`)
	rules, err := app.Automation.Rules(ctx, admin)
	require.NoError(t, err)
	found := false
	for _, r := range rules {
		if r.Name == "Refunds" {
			found = true
			require.Len(t, r.Conditions.Conditions, 1)
			require.Equal(t, "refund", r.Conditions.Conditions[0].Value)
		}
	}
	require.True(t, found)
}
