package notify_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/notify"
	"github.com/shopdesk/shopdesk/internal/sysmail"
)

// TestMailPreferences: a kind whose e-mail a person turned off on their settings page is not
// mailed — neither at once (failed replies, escalations) nor in the digest — while it still
// shows in the app, as the page says.
func TestMailPreferences(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	x := setup(t, "mailprefs")
	bee := x.app.SignIn(t, "bee@mailprefs.test")

	// The page offers both ways for each kind, and saving it stores them.
	page := bee.Get("/w/mailprefs/account")
	require.Contains(t, page.Body, `data-testid="pref-mail-reply_failed"`)
	res := bee.PostForm("/w/mailprefs/account/notifications", url.Values{
		"on":     {"mention", "assigned", "sla_warning", "reply_failed", "rule"},
		"mail":   {"assigned", "sla_warning", "rule"}, // no mail for mentions nor failed replies
		"digest": {"hourly"},
	})
	require.Equal(t, 303, res.StatusCode, res.Body)
	p, err := x.svc.Prefs(ctx, x.b)
	require.NoError(t, err)
	require.True(t, p.On["mention"])
	require.False(t, p.Mail["mention"])
	require.False(t, p.Mail["reply_failed"])
	require.True(t, p.Mail["assigned"])
	require.Equal(t, "hourly", p.Digest)

	mailsTo := func(to string) []string {
		ms, err := x.app.MailSink.To(ctx, to)
		require.NoError(t, err)
		var out []string
		for _, m := range ms {
			if !strings.Contains(m.Subject, "invited you") { // the invitation is not a notification
				out = append(out, m.Subject+"\n"+m.Text)
			}
		}
		return out
	}

	// A failed reply: bee (the author) sees it in the app but gets no mail; the admin (the
	// assignee, mail on) gets theirs.
	x.app.Senders.Register("ebay", refusing{})
	tk := x.ticket(t, "ebay")
	require.NoError(t, x.app.Conversations.Assign(ctx, x.a, tk.Number, x.a.UserID))
	_, err = x.app.Conversations.Reply(ctx, x.b, tk.Number, conversation.ReplyInput{Body: "Sorry!", SeenLastMessageAt: &tk.LastMessageAt})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return len(mailsTo("admin@mailprefs.test")) == 1 }, 30*time.Second, 50*time.Millisecond)
	require.Contains(t, mailsTo("admin@mailprefs.test")[0], "A reply on this ticket was not delivered")
	require.Contains(t, mailsTo("admin@mailprefs.test")[0], "/w/mailprefs/account", "the mail says where to change it")
	require.Contains(t, kinds(x.list(t, x.b)), "reply_failed", "still shown in the app")
	_, err = x.app.Automation.NoticeFor(ctx, automation.NoticeArgs{TenantID: x.a.TenantID(), UserID: x.b.UserID, TicketID: tk.ID, Why: "reply_failed:550"}, x.app.URL)
	require.ErrorIs(t, err, automation.ErrMailOff)
	n, err := x.app.Automation.NoticeFor(ctx, automation.NoticeArgs{TenantID: x.a.TenantID(), UserID: x.b.UserID, TicketID: tk.ID, Why: "rule:VIP"}, x.app.URL)
	require.NoError(t, err, "escalations stay mailed")
	require.Equal(t, "bee@mailprefs.test", n.To)
	require.Never(t, func() bool { return len(mailsTo("bee@mailprefs.test")) > 0 }, 2*time.Second, 100*time.Millisecond, "%v", mailsTo("bee@mailprefs.test"))

	// The digest: a mention (mail off) and an assignment (mail on), both in the app; only the
	// assignment is mailed.
	require.NoError(t, x.svc.MarkAllRead(ctx, x.b, 0))
	mail, err := sysmail.New(x.app.Config, x.app.MailSink)
	require.NoError(t, err)
	svc := notify.New(x.app.DB.Store, mail, x.app.URL, nil)
	other := x.ticket(t, "email")
	_, err = x.app.Conversations.Reply(ctx, x.a, other.Number, conversation.ReplyInput{Body: "@bee look", Note: true})
	require.NoError(t, err)
	require.NoError(t, x.app.Conversations.Assign(ctx, x.a, other.Number, x.b.UserID))
	unread := 0
	for _, it := range x.list(t, x.b) {
		if !it.Read {
			unread++
		}
	}
	require.Equal(t, 2, unread, "both in the app")
	sent, err := svc.Digests(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, sent)
	got := mailsTo("bee@mailprefs.test")
	require.Len(t, got, 1)
	require.Contains(t, got[0], "1 unread notification in")
	require.Contains(t, got[0], "assigned #")
	require.False(t, strings.Contains(got[0], "mentioned you"), "the mention is not mailed")

	// Only mentions left unmailed: no digest at all.
	_, err = x.app.Conversations.Reply(ctx, x.a, other.Number, conversation.ReplyInput{Body: "@bee again", Note: true})
	require.NoError(t, err)
	svc = notify.New(x.app.DB.Store, mail, x.app.URL, func() time.Time { return time.Now().Add(2 * time.Hour) })
	sent, err = svc.Digests(ctx)
	require.NoError(t, err)
	require.Zero(t, sent)
}
