package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/rule"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// change picks a value in a property control the way a person does: the value, then "change".
func change(id, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`(() => { const el = document.getElementById(` + jsString(id) + `); el.focus(); el.value = ` + jsString(value) +
		`; el.dispatchEvent(new Event("change", { bubbles: true })); })()`)
}

// An agent sets priority, assignee and a tag on a ticket without a page load: each control saves
// on change, says "Saved", and the timeline and SLA box follow in the same answer (an urgent
// ticket falls under the "Urgent" policy). Assigning someone who does not work the channel is
// refused at the field, and the select shows the stored assignee again. Another agent's change
// reaches the open page's controls, but not the one being typed in. A status change offers its
// undo, which puts the status and the SLA box back.
func TestPropertiesSaveWithoutReload(t *testing.T) {
	app := apptest.Start(t)
	ctx := context.Background()
	admin := app.Workspace(t, "props", "admin@props.test")
	one := app.Member(t, admin, "one@props.test", tenant.RoleAgent)
	two := app.Member(t, admin, "two@props.test", tenant.RoleAgent)
	amazonOnly := app.Member(t, admin, "amazon@props.test", tenant.RoleAgent)
	_, err := app.Automation.SavePolicy(ctx, admin, uuid.Nil, automation.PolicyInput{Name: "Urgent", Position: "0", Match: "all", Enabled: true,
		Conditions: []rule.Condition{{Field: "priority", Op: "is", Value: "urgent"}},
		First:      "30m", Next: "30m", Resolution: "4h", FirstClock: "calendar", NextClock: "calendar", ResolutionClock: "calendar", WarnPercent: "75"})
	require.NoError(t, err)
	team, err := app.Automation.SaveTeam(ctx, admin, uuid.Nil, automation.TeamInput{Name: "Marketplaces", Tier: "1", Assignment: "manual"})
	require.NoError(t, err)
	require.NoError(t, app.Automation.SetTeamMember(ctx, admin, team, amazonOnly.UserID,
		automation.MemberInput{Capacity: map[string]int{"*": 8}, Channels: []string{"amazon"}}))
	_, err = app.Conversations.CreateInbound(ctx, admin, conversation.NewTicket{Channel: "email", Subject: "Where is my parcel?",
		Customer: conversation.CustomerRef{Name: "Ana", Email: "ana@example.com"}, Message: conversation.Inbound{Text: "Hello?"}})
	require.NoError(t, err)

	b := NewBrowser(t)
	p := b.NewPerson("one")
	signIn(p, app.URL, "one@props.test", apptest.Password)
	p.Do(
		chromedp.Navigate(app.URL+"/w/props/t/1"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid=properties]`)),
		// A full page load would forget this.
		chromedp.Evaluate[chromedp.Void](`window.__noReload = "still here"`),
	)
	p.Until(`!!document.querySelector("#prop-assignee select[hx-post]")`)
	policyBefore := p.Text(`[data-testid=sla-policy]`)
	require.NotEqual(t, "Urgent", policyBefore)

	// Priority: saved, the timeline line and the SLA box (now the Urgent policy, 30 minutes).
	p.Do(change("priority", "0"))
	p.Until(`document.getElementById("priority-note").textContent.includes("Saved")`)
	p.Until(`document.getElementById("thread").textContent.includes("Priority changed: Normal → Urgent")`)
	p.Until(`document.querySelector("[data-testid=sla-policy]").textContent === "Urgent"`)
	p.Until(`/^(2[0-9]|30)m left$/.test(document.querySelector("[data-testid=sla-first_response] .sla-chip").textContent)`)

	// Assignee: named on the timeline, never an id.
	p.Do(change("assignee", two.UserID.String()))
	p.Until(`document.getElementById("assignee-note").textContent.includes("Saved")`)
	p.Until(`document.getElementById("thread").textContent.includes("Assignee changed: Unassigned → Person two@props.test")`)
	require.NotContains(t, p.Text(`#thread`), two.UserID.String())

	// A tag, typed and committed with Enter.
	p.Do(
		chromedp.Click(chromedp.CSS(`#tags`)),
		chromedp.SendKeys(chromedp.CSS(`#tags`), "vip\r"),
	)
	p.Until(`document.getElementById("tags-note").textContent.includes("Saved")`)
	p.Until(`document.getElementById("thread").textContent.includes("Tags changed: — → vip")`)
	p.Until(`document.getElementById("ticket-meta").textContent.includes("vip")`)

	// Refused: the reason at the field, tied to the control, and the stored assignee shown again.
	p.Do(change("assignee", amazonOnly.UserID.String()))
	p.Until(`!!document.querySelector("#assignee-note [data-testid=prop-error]")`)
	require.Contains(t, p.Text(`#assignee-note`), "This person does not work this ticket's channel.")
	require.Contains(t, p.Text(`#assignee-note`), "An admin can give them access to it.")
	state, err := chromedp.Run(p.Ctx, chromedp.Evaluate[map[string]any](`(() => { const s = document.getElementById("assignee");
		return { value: s.value, invalid: s.getAttribute("aria-invalid"), describedby: s.getAttribute("aria-describedby"),
			links: document.querySelectorAll("#assignee-note a").length, focused: document.activeElement === s }; })()`))
	require.NoError(t, err)
	require.Equal(t, two.UserID.String(), state["value"], "the select shows the stored assignee")
	require.Equal(t, "true", state["invalid"])
	require.Equal(t, "assignee-error", state["describedby"])
	require.EqualValues(t, 0, state["links"], "an agent is not sent to Settings")
	require.Equal(t, true, state["focused"], "focus stays on the control")
	p.Screenshot("refused")

	// Another agent changes priority and category while this one types in the category field:
	// the priority select follows, the typing is left alone.
	p.Do(
		chromedp.Click(chromedp.CSS(`#category`)),
		chromedp.SendKeys(chromedp.CSS(`#category`), "draft"),
	)
	require.NoError(t, app.Conversations.SetPriority(ctx, one, 1, 1))
	require.NoError(t, app.Conversations.SetCategory(ctx, admin, 1, "billing"))
	p.Until(`document.getElementById("priority").value === "1"`)
	p.Until(`document.getElementById("thread").textContent.includes("Category changed: — → billing")`)
	value, err := chromedp.Run(p.Ctx, chromedp.Value(chromedp.CSS(`#category`)))
	require.NoError(t, err)
	require.Equal(t, "draft", value, "the control in use is not overwritten")

	// The viewer gives up the typing (leaving the field would save it, as a change does).
	p.Do(chromedp.Evaluate[chromedp.Void](`(() => { const c = document.getElementById("category"); c.value = c.getAttribute("data-stored"); c.blur(); })()`))
	p.Until(`document.getElementById("category").value === "billing"`)

	// Status: resolved with its undo offered; the undo puts it back (the SLA box with it).
	chip := `document.querySelector("[data-testid=sla-first_response] .sla-chip").textContent`
	p.Do(change("status", "resolved"))
	p.Until(`!!document.querySelector("[data-testid=status-undo]")`)
	p.Until(`document.querySelector("[data-testid=ticket-status]").textContent === "Resolved"`)
	p.Until(chip + ` === "stopped"`)
	p.Do(chromedp.Click(chromedp.CSS(`[data-testid=status-undo]`)))
	p.Until(`document.getElementById("status-note").textContent.trim() !== "" && !document.getElementById("status-note").textContent.includes("Undo")`)
	if note := p.Text(`#status-note`); !strings.Contains(note, "Status restored") {
		d, _ := app.Conversations.Detail(ctx, one, 1)
		for _, e := range d.Events {
			t.Logf("event %d %s %s %s", e.ID, e.Kind, e.Data, e.CreatedAt)
		}
		t.Fatalf("undo refused: %s", note)
	}
	p.Until(`document.getElementById("status").value === "open" && document.querySelector("[data-testid=ticket-status]").textContent === "Open"`)
	p.Until(`document.getElementById("thread").textContent.includes("Status change undone: Resolved → Open")`)
	p.Until(`/ left$/.test(` + chip + `)`) // running again

	marker, err := chromedp.Run(p.Ctx, chromedp.Evaluate[string](`window.__noReload || ""`))
	require.NoError(t, err)
	require.Equal(t, "still here", marker, "no full page load")
	navs, err := chromedp.Run(p.Ctx, chromedp.Evaluate[int](`performance.getEntriesByType("navigation").length`))
	require.NoError(t, err)
	require.Equal(t, 1, navs)
	p.Screenshot("saved")

	d, err := app.Conversations.Detail(ctx, two, 1)
	require.NoError(t, err)
	require.Equal(t, int16(1), d.Ticket.Priority)
	require.Equal(t, two.UserID, d.Ticket.AssigneeID.UUID)
	require.Equal(t, []string{"vip"}, d.Ticket.Tags)
}
