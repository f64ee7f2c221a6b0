package e2e

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/rule"
)

// TestMailAccountAndRuleScreens saves the mail account page (after a failed connection test) and
// a rule with picked values at phone and desktop widths in each language, for people to look at:
// SHOPDESK_SCREENSHOTS=/some/dir writes <dir>/screens/<lang>-<width>-<page>.png; skipped without it.
func TestMailAccountAndRuleScreens(t *testing.T) {
	dir := os.Getenv("SHOPDESK_SCREENSHOTS")
	if dir == "" {
		t.Skip("set SHOPDESK_SCREENSHOTS to a directory to save the screenshots")
	}
	dir = filepath.Join(dir, "screens")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	ctx := context.Background()
	app := apptest.Start(t)
	sc := app.Workspace(t, "shots", "admin@shots.test")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	a, err := app.Email.Create(ctx, sc, email.Form{Name: "Main store", Address: "support@shots.test", IMAPHost: "127.0.0.1",
		IMAPPort: strconv.Itoa(port), IMAPTLS: "none", IMAPPassword: "pw", SMTPHost: "127.0.0.1", SMTPPort: strconv.Itoa(port), SMTPTLS: "none"})
	require.NoError(t, err)
	_, err = app.Email.Test(ctx, sc.TenantID(), a.ID)
	require.NoError(t, err)
	team, err := app.Automation.SaveTeam(ctx, sc, uuid.Nil, automation.TeamInput{Name: "Returns desk", Tier: "1", Assignment: "manual"})
	require.NoError(t, err)
	rid, err := app.Automation.SaveRule(ctx, sc, uuid.Nil, automation.RuleInput{Name: "Amazon returns", Trigger: "message_received", Match: "all",
		Conditions: []rule.Condition{{Field: "channel", Op: "is", Value: "amazon"}, {Field: "subject", Op: "contains", Value: "return|refund"}},
		Actions:    []rule.Action{{Type: "assign_team", Value: team.String()}, {Type: "set_priority", Value: "high"}}, Enabled: true})
	require.NoError(t, err)
	pages := []walkPage{
		{"mail-account", fmt.Sprintf("/w/shots/settings/mail/accounts/%d", a.ID)},
		{"mail", "/w/shots/settings/mail"},
		{"rule", "/w/shots/settings/rules/" + rid.String()},
		{"not-found", "/w/shots/nope"},
	}
	b := NewBrowser(t)
	for _, lang := range languages {
		p := b.NewPersonFor("admin-"+lang, 10*time.Minute)
		p.Do(speaks(lang))
		signIn(p, app.URL, "admin@shots.test", apptest.Password)
		for _, w := range []int64{390, 1440} {
			for _, pg := range pages {
				p.Do(chromedp.EmulateViewport(w, 1400), chromedp.Navigate(app.URL+pg.path))
				p.Until(`document.readyState === "complete"`)
				time.Sleep(200 * time.Millisecond)
				cctx, cancel := context.WithTimeout(p.Ctx, 20*time.Second)
				png, err := chromedp.Run(cctx, chromedp.CaptureScreenshot())
				cancel()
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(filepath.Join(dir, lang+"-"+strconv.FormatInt(w, 10)+"-"+pg.name+".png"), png, 0o644))
			}
		}
	}
}
