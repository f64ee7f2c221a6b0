package email_test

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/channel/email"
)

// The account's status is its last test or sync, success as well as failure: a real sync against
// Dovecot records how many messages it brought, a failing test records which server refused and
// what it said, and the page says both in plain words with the time in the viewer's zone.
func TestAccountShowsItsLastCheck(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// No periodic sync in the test's time but the one at start; the test syncs itself.
	f := newFixture(t, map[string]string{"SHOPDESK_MAIL_POLL": "1h"}, nil)
	require.Eventually(t, func() bool {
		return f.count(t, `SELECT count(*) FROM river_job WHERE kind = 'mail.sync_all' AND state = 'completed' AND $1::uuid IS NOT NULL`) > 0 &&
			f.count(t, `SELECT count(*) FROM river_job WHERE kind = 'mail.sync' AND state NOT IN ('completed', 'cancelled', 'discarded') AND $1::uuid IS NOT NULL`) == 0
	}, 20*time.Second, 100*time.Millisecond, "the sync at start is over")
	page := fmt.Sprintf("/w/%s/settings/mail/accounts/%d", f.sc.Workspace.Slug, f.account.ID)
	ac := f.app.SignIn(t, "admin@"+f.sc.Workspace.Slug+".test")

	f.mt.Append(t, f.box, customerMail("ann@example.net", f.box, "k1@example.net", "Order 1", "Where is it?"))
	f.mt.Append(t, f.box, customerMail("bob@example.net", f.box, "k2@example.net", "Order 2", "And mine?"))
	res, err := f.app.Email.Sync(ctx, f.sc.TenantID(), f.account.ID, f.app.Ingest, true)
	require.NoError(t, err)
	require.Equal(t, 2, res.Stored)
	a, err := f.app.Email.Get(ctx, f.sc.TenantID(), f.account.ID)
	require.NoError(t, err)
	c, ok := email.LastCheck(a)
	require.True(t, ok)
	require.Equal(t, email.CheckSync, c.Kind)
	require.True(t, c.OK())
	require.Equal(t, 2, c.New)
	require.WithinDuration(t, time.Now(), c.At, time.Minute)
	body := ac.Get(page).Body
	require.Contains(t, body, `data-testid="last-check"`)
	require.Contains(t, body, "Last sync ")
	require.Contains(t, body, " — 2 new messages")
	require.NotContains(t, body, `data-testid="conn-problem"`)
	list := ac.Get("/w/" + f.sc.Workspace.Slug + "/settings/mail").Body
	require.Contains(t, list, " — 2 new messages")

	// A test against a port where nothing listens: IMAP refused, SMTP still answers.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	require.NoError(t, f.app.Email.Update(ctx, f.sc, f.account.ID, email.Form{Name: "Main store", Address: f.box,
		IMAPHost: "127.0.0.1", IMAPPort: strconv.Itoa(closed), IMAPTLS: "none", IMAPFolders: "INBOX",
		SMTPHost: "127.0.0.1", SMTPPort: strconv.Itoa(f.mt.SMTPPort), SMTPTLS: "none"}))
	resp := ac.PostForm(page+"/test", nil)
	require.Equal(t, 303, resp.StatusCode, resp.Body)
	require.Equal(t, page+"#last-check", resp.Header.Get("Location"))
	a, err = f.app.Email.Get(ctx, f.sc.TenantID(), f.account.ID)
	require.NoError(t, err)
	c, ok = email.LastCheck(a)
	require.True(t, ok)
	require.Equal(t, email.CheckTest, c.Kind)
	require.False(t, c.OK())
	require.False(t, c.IMAP.OK)
	require.Contains(t, c.IMAP.Detail, "connection refused")
	require.True(t, c.SMTP.OK, c.SMTP.Detail)
	body = ac.Get(page).Body
	require.Contains(t, body, "Connection test ")
	require.Contains(t, body, " failed: IMAP<")
	require.Contains(t, body, "The server could not be reached: check the host name and the port")
	require.Contains(t, body, "connection refused", "the server's answer underneath")
	require.Contains(t, body, "connected to 127.0.0.1:"+strconv.Itoa(f.mt.SMTPPort))

	// In Korean, in the viewer's own zone.
	_, err = f.app.DB.Owner(t).Exec(ctx, `UPDATE users SET language = 'ko', time_zone = 'Asia/Seoul' WHERE email = $1`, "admin@"+f.sc.Workspace.Slug+".test")
	require.NoError(t, err)
	body = ac.Get(page).Body
	at := a.LastCheckAt.In(time.FixedZone("KST", 9*3600))
	require.Contains(t, body, "연결 테스트 실패: IMAP")
	require.True(t, strings.Contains(body, fmt.Sprintf("%d:%02d", (at.Hour()+11)%12+1, at.Minute())), "the time is Seoul's")
}
