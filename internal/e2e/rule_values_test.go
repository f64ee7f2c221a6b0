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
)

// An admin chooses "Assign to team" on a new rule: the value becomes the team picker, typing
// filters it, Enter chooses; the rule saves the team and re-opens with it chosen. Switching the
// condition to "subject contains" brings the text field back.
func TestRuleValuePicker(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	admin := app.Workspace(t, "rpick", "admin@rpick.test")
	team, err := app.Automation.SaveTeam(ctx, admin, uuid.Nil, automation.TeamInput{Name: "Returns desk", Tier: "1", Assignment: "manual"})
	require.NoError(t, err)
	_, err = app.Automation.SaveTeam(ctx, admin, uuid.Nil, automation.TeamInput{Name: "Pre-sale desk", Tier: "1", Assignment: "manual"})
	require.NoError(t, err)

	b := NewBrowser(t)
	p := b.NewPerson("admin")
	signIn(p, app.URL, "admin@rpick.test", apptest.Password)
	choose := func(sel, value string) string {
		return `(() => { const s = document.querySelector('` + sel + `'); s.value = '` + value + `'; s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`
	}
	teamPicker := `[data-testid=act-0] [data-value-key=assign_team]:not([hidden]) .picker-input`
	p.Do(
		chromedp.Navigate(app.URL+"/w/rpick/settings/rules/new"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=rule-form]`)),
		chromedp.SendKeys(chromedp.CSS(`#name`), "Returns to the desk"),
	)
	// A new row starts with the text field; a channel condition swaps in the channel picker and
	// "contains" on the subject brings the text back.
	p.Until(`!document.querySelector('#cond_value_0').closest('[data-value-key]').hidden`)
	p.Until(choose(`#cond_field_0`, "channel"))
	p.Until(`document.querySelector('#cond_value_0').closest('[data-value-key]').hidden && !document.querySelector('[data-testid=cond-0] [data-value-key=channel]').hidden`)
	p.Until(choose(`#cond_field_0`, "subject"))
	p.Until(choose(`#cond_op_0`, "contains"))
	p.Until(`!document.querySelector('#cond_value_0').closest('[data-value-key]').hidden && document.querySelector('[data-testid=cond-0] [data-value-key=channel]').hidden`)
	p.Do(chromedp.SendKeys(chromedp.CSS(`#cond_value_0`), "return"))

	p.Until(choose(`#act_type_0`, "assign_team"))
	p.Do(
		chromedp.WaitVisible(chromedp.CSS(teamPicker)),
		chromedp.Click(chromedp.CSS(teamPicker)),
		chromedp.SendKeys(chromedp.CSS(teamPicker), "retu"),
	)
	p.Until(`document.querySelectorAll('[data-testid=act-0] [data-value-key=assign_team] .picker-list:not([hidden]) [role=option]').length === 1`)
	p.Do(chromedp.SendKeys(chromedp.CSS(teamPicker), kb.Enter))
	p.Until(`document.getElementById('act_pick_0_assign_team').value === '` + team.String() + `'`)
	p.Screenshot("rule-value-picker")
	p.Do(
		chromedp.Click(chromedp.CSS(`[data-testid=save-rule]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=dry-run]`)),
	)
	rules, err := app.Automation.Rules(ctx, admin)
	require.NoError(t, err)
	found := false
	for _, r := range rules {
		if r.Name == "Returns to the desk" {
			found = true
			require.Equal(t, team.String(), r.Actions[0].Value)
			require.Equal(t, "return", r.Conditions.Conditions[0].Value)
		}
	}
	require.True(t, found)

	// Re-opened (a fresh load): the team is chosen in the picker that shows.
	p.Do(chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(teamPicker)))
	p.Until(`document.getElementById('act_pick_0_assign_team').value === '` + team.String() + `'`)
	p.Until(`document.querySelector('` + teamPicker + `').value === 'Returns desk'`)
	p.Until(`!document.querySelector('#cond_value_0').closest('[data-value-key]').hidden`)
}
