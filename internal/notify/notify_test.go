package notify_test

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/notify"
	"github.com/shopdesk/shopdesk/internal/pgtest"
	"github.com/shopdesk/shopdesk/internal/rule"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/sysmail"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type bundle struct {
	app  *apptest.App
	svc  *notify.Service
	a, b tenant.Scope // a is the admin; b an agent whose mention handle is "bee"
}

func setup(t *testing.T, slug string) *bundle {
	t.Helper()
	app := apptest.Start(t)
	a := app.Workspace(t, slug, "admin@"+slug+".test")
	b := app.Member(t, a, "bee@"+slug+".test", tenant.RoleAgent)
	return &bundle{app: app, svc: notify.New(app.DB.Store, nil, app.URL, nil), a: a, b: b}
}

func (x *bundle) ticket(t *testing.T, channel string) conversation.Ticket {
	t.Helper()
	tk, err := x.app.Conversations.CreateInbound(context.Background(), x.a, conversation.NewTicket{Channel: channel, Subject: "Where is my parcel?",
		Customer: conversation.CustomerRef{Name: "Ana", Email: "ana@buyer.test"}, Message: conversation.Inbound{Text: "It has not arrived.", At: time.Now()}})
	require.NoError(t, err)
	return tk
}

func (x *bundle) list(t *testing.T, sc tenant.Scope) []notify.Item {
	t.Helper()
	items, _, err := x.svc.Page(context.Background(), sc, 0, 100)
	require.NoError(t, err)
	return items
}

// refusing is a channel that refuses every reply for good.
type refusing struct{}

func (refusing) Send(context.Context, conversation.Outgoing) (conversation.Sent, error) {
	return conversation.Sent{}, &conversation.PermanentError{Reason: "550 no such buyer"}
}

func (refusing) Ready(context.Context, *dbsqlc.Queries, conversation.Ticket) error { return nil }

func kinds(items []notify.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Kind)
	}
	return out
}

func TestNotificationKinds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("MentionReachesThePersonNotTheAuthor", func(t *testing.T) {
		t.Parallel()
		x := setup(t, "mention")
		tk := x.ticket(t, "email")
		_, err := x.app.Conversations.Reply(ctx, x.a, tk.Number, conversation.ReplyInput{Body: "@bee can you check? @admin too", Note: true})
		require.NoError(t, err)
		got := x.list(t, x.b)
		require.Equal(t, []string{"mention"}, kinds(got))
		require.Equal(t, tk.Number, got[0].TicketNumber)
		require.Equal(t, "Admin of mention", got[0].Actor)
		require.Empty(t, x.list(t, x.a), "the author mentioning themself is not notified")
		n, err := x.svc.Unread(ctx, x.b)
		require.NoError(t, err)
		require.Equal(t, 1, n)
	})

	t.Run("AssignmentByAPersonNotToThemself", func(t *testing.T) {
		t.Parallel()
		x := setup(t, "assign")
		tk := x.ticket(t, "email")
		require.NoError(t, x.app.Conversations.Assign(ctx, x.a, tk.Number, x.a.UserID))
		require.Empty(t, x.list(t, x.a), "taking a ticket oneself is no news")
		require.NoError(t, x.app.Conversations.Assign(ctx, x.a, tk.Number, x.b.UserID))
		got := x.list(t, x.b)
		require.Equal(t, []string{"assigned"}, kinds(got))
		require.Equal(t, "Admin of assign assigned #1 to you: Where is my parcel?", notify.Text(i18n.NewPrinter("en", nil), got[0]))
	})

	t.Run("AssignmentByRouting", func(t *testing.T) {
		t.Parallel()
		x := setup(t, "routed")
		// A rule sends email to a round-robin team whose only member is bee: routing assigns, with
		// no person as the actor, and bee is told.
		team, err := x.app.Automation.SaveTeam(ctx, x.a, uuid.Nil, automation.TeamInput{Name: "Support", Tier: "1", Assignment: "round_robin"})
		require.NoError(t, err)
		require.NoError(t, x.app.Automation.SetTeamMember(ctx, x.a, team, x.b.UserID, automation.MemberInput{Capacity: map[string]int{"email": 5}}))
		_, err = x.app.Automation.SaveRule(ctx, x.a, uuid.Nil, automation.RuleInput{Name: "Email to Support", Trigger: rule.TriggerCreated, Match: "all",
			Conditions: []rule.Condition{{Field: "channel", Op: "is", Value: "email"}}, Actions: []rule.Action{{Type: "assign_team", Value: "Support"}}, Enabled: true})
		require.NoError(t, err)
		tk := x.ticket(t, "email")
		got, err := x.app.Conversations.Ticket(ctx, x.a, tk.Number)
		require.NoError(t, err)
		require.Equal(t, x.b.UserID, got.AssigneeID.UUID)
		items := x.list(t, x.b)
		require.Equal(t, []string{"assigned"}, kinds(items))
		require.Empty(t, items[0].Actor)
		require.Equal(t, "#1 was assigned to you: Where is my parcel?", notify.Text(i18n.NewPrinter("en", nil), items[0]))
	})

	t.Run("FailedReplyTellsItsAuthor", func(t *testing.T) {
		t.Parallel()
		x := setup(t, "failed")
		x.app.Senders.Register("ebay", refusing{})
		tk := x.ticket(t, "ebay")
		_, err := x.app.Conversations.Reply(ctx, x.b, tk.Number, conversation.ReplyInput{Body: "Sorry!", SeenLastMessageAt: &tk.LastMessageAt})
		require.NoError(t, err)
		require.Eventually(t, func() bool { return len(x.list(t, x.b)) == 1 }, 20*time.Second, 50*time.Millisecond)
		require.Equal(t, []string{"reply_failed"}, kinds(x.list(t, x.b)))
		require.Empty(t, x.list(t, x.a))
	})

	t.Run("PreferencesAreRespected", func(t *testing.T) {
		t.Parallel()
		x := setup(t, "prefs")
		tk := x.ticket(t, "email")
		on := map[string]bool{"assigned": true, "sla_warning": true, "reply_failed": true, "rule": true} // mentions off
		require.NoError(t, x.svc.SavePrefs(ctx, x.b, notify.Prefs{On: on, Mail: on, Digest: "daily"}))
		p, err := x.svc.Prefs(ctx, x.b)
		require.NoError(t, err)
		require.False(t, p.On["mention"])
		require.True(t, p.On["assigned"])
		require.Equal(t, "daily", p.Digest)
		_, err = x.app.Conversations.Reply(ctx, x.a, tk.Number, conversation.ReplyInput{Body: "@bee look", Note: true})
		require.NoError(t, err)
		require.NoError(t, x.app.Conversations.Assign(ctx, x.a, tk.Number, x.b.UserID))
		require.Equal(t, []string{"assigned"}, kinds(x.list(t, x.b)), "the muted mention is not written")
		require.Error(t, x.svc.SavePrefs(ctx, x.b, notify.Prefs{On: on, Mail: on, Digest: "weekly"}))
	})

	t.Run("ReadOneAndAll", func(t *testing.T) {
		t.Parallel()
		x := setup(t, "reading")
		t1, t2 := x.ticket(t, "email"), x.ticket(t, "email")
		require.NoError(t, x.app.Conversations.Assign(ctx, x.a, t1.Number, x.b.UserID))
		require.NoError(t, x.app.Conversations.Assign(ctx, x.a, t2.Number, x.b.UserID))
		got := x.list(t, x.b)
		require.Len(t, got, 2)
		number, err := x.svc.Open(ctx, x.b, got[1].ID)
		require.NoError(t, err)
		require.Equal(t, t1.Number, number)
		_, err = x.svc.Open(ctx, x.a, got[0].ID)
		require.Error(t, err, "someone else's notification is not found")
		n, _ := x.svc.Unread(ctx, x.b)
		require.Equal(t, 1, n)
		require.NoError(t, x.svc.MarkAllRead(ctx, x.b, got[0].ID))
		n, _ = x.svc.Unread(ctx, x.b)
		require.Equal(t, 0, n)
	})

	t.Run("KeysetPages", func(t *testing.T) {
		t.Parallel()
		x := setup(t, "pages")
		tk := x.ticket(t, "email")
		for range 5 {
			_, err := x.app.Conversations.Reply(ctx, x.a, tk.Number, conversation.ReplyInput{Body: "@bee again", Note: true})
			require.NoError(t, err)
		}
		var seen []int64
		var before int64
		for {
			items, next, err := x.svc.Page(ctx, x.b, before, 2)
			require.NoError(t, err)
			for _, it := range items {
				seen = append(seen, it.ID)
			}
			if next == 0 {
				break
			}
			before = next
		}
		require.Len(t, seen, 5)
		for i := 1; i < len(seen); i++ {
			require.Less(t, seen[i], seen[i-1], "newest first, nothing twice")
		}
	})
}

// TestIsolation: a person's notifications are theirs, in one workspace.
func TestIsolation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	x := setup(t, "iso-one")
	other := x.app.Workspace(t, "iso-two", "admin@iso-two.test")
	// bee belongs to the second workspace too.
	_, token, err := x.app.Tenants.Invite(ctx, other, "bee@iso-one.test", tenant.RoleAgent)
	require.NoError(t, err)
	b2, err := x.app.Tenants.AcceptInvitation(ctx, other.Workspace.Slug, token, x.b.UserID)
	require.NoError(t, err)
	c := x.app.Member(t, x.a, "cee@iso-one.test", tenant.RoleAgent)

	tk := x.ticket(t, "email")
	_, err = x.app.Conversations.Reply(ctx, x.a, tk.Number, conversation.ReplyInput{Body: "@bee please", Note: true})
	require.NoError(t, err)
	require.Len(t, x.list(t, x.b), 1)
	require.Empty(t, x.list(t, b2), "not in bee's other workspace")
	require.Empty(t, x.list(t, c), "not for a colleague")
	n, err := x.svc.Unread(ctx, b2)
	require.NoError(t, err)
	require.Zero(t, n)
	// Over HTTP too: the colleague's list and bell show nothing of it.
	page := x.app.SignIn(t, "cee@iso-one.test").Get("/w/iso-one/notifications")
	require.Equal(t, 200, page.StatusCode)
	require.NotContains(t, page.Body, "Where is my parcel?")
	require.Contains(t, page.Body, `data-testid="bell-count" hidden`)
}

// TestViewerTimeZone: times are shown in the viewer's own zone, else the workspace's.
func TestViewerTimeZone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	x := setup(t, "zones")
	tk := x.ticket(t, "email")
	_, err := x.app.Conversations.Reply(ctx, x.a, tk.Number, conversation.ReplyInput{Body: "@bee when?", Note: true})
	require.NoError(t, err)
	created := x.list(t, x.b)[0].CreatedAt
	bee := x.app.SignIn(t, "bee@zones.test")
	title := func() string {
		body := bee.Get("/w/zones/notifications").Body
		i := strings.Index(body, `class="notify-time"`)
		require.Positive(t, i)
		j := strings.Index(body[i:], `title="`)
		k := strings.Index(body[i+j+7:], `"`)
		return body[i+j+7 : i+j+7+k]
	}
	require.Equal(t, i18n.NewPrinter("en", notify.Location("", x.a.Workspace.TimeZone)).DateTime(created), title(), "the workspace's zone by default")
	res := bee.PostForm("/account", url.Values{"name": {"Bee"}, "language": {"en"}, "time_zone": {"Asia/Seoul"}})
	require.Equal(t, 303, res.StatusCode, res.Body)
	seoul, _ := time.LoadLocation("Asia/Seoul")
	require.Equal(t, i18n.NewPrinter("en", seoul).DateTime(created), title(), "the person's own zone wins")
	res = bee.PostForm("/account", url.Values{"name": {"Bee"}, "language": {"en"}, "time_zone": {"Mars/Olympus"}})
	require.Equal(t, 422, res.StatusCode)
	require.Contains(t, res.Body, "Choose a time zone from the list")
}

// TestSignature: a reply on a channel ends with the author's signature for it; notes do not.
func TestSignature(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	x := setup(t, "signed")
	x.app.Connect("email")
	require.NoError(t, x.svc.SaveSignatures(ctx, x.b, map[string]string{"email": "Bee\nShop support", "ebay": ""}))
	sigs, err := x.svc.Signatures(ctx, x.b)
	require.NoError(t, err)
	require.Equal(t, map[string]string{"email": "Bee\nShop support"}, sigs)
	tk := x.ticket(t, "email")
	m, err := x.app.Conversations.Reply(ctx, x.b, tk.Number, conversation.ReplyInput{Body: "It ships today.", SeenLastMessageAt: &tk.LastMessageAt})
	require.NoError(t, err)
	require.Equal(t, "It ships today.\n\nBee\nShop support", m.BodyText)
	note, err := x.app.Conversations.Reply(ctx, x.b, tk.Number, conversation.ReplyInput{Body: "internal", Note: true})
	require.NoError(t, err)
	require.Equal(t, "internal", note.BodyText)
	// The composer shows it before sending.
	page := x.app.SignIn(t, "bee@signed.test").Get("/w/signed/t/1")
	require.Contains(t, page.Body, `data-testid="signature-note"`)
	require.Contains(t, page.Body, "Shop support")
	require.Error(t, x.svc.SaveSignatures(ctx, x.b, map[string]string{"email": strings.Repeat("x", 2001)}))
}

// TestDigest: the digest job mails each unread notification once, however often it runs.
func TestDigest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	x := setup(t, "digest")
	clock := &apptest.Clock{}
	mail, err := sysmail.New(x.app.Config, x.app.MailSink)
	require.NoError(t, err)
	svc := notify.New(x.app.DB.Store, mail, x.app.URL, clock.Now)
	require.NoError(t, svc.SavePrefs(ctx, x.b, notify.Prefs{On: map[string]bool{"mention": true, "assigned": true}, Mail: map[string]bool{"mention": true, "assigned": true}, Digest: "hourly"}))
	tk := x.ticket(t, "email")
	_, err = x.app.Conversations.Reply(ctx, x.a, tk.Number, conversation.ReplyInput{Body: "@bee first", Note: true})
	require.NoError(t, err)
	require.NoError(t, x.app.Conversations.Assign(ctx, x.a, tk.Number, x.b.UserID))

	mails := func() []string {
		ms, err := x.app.MailSink.To(ctx, "bee@digest.test")
		require.NoError(t, err)
		var out []string
		for _, m := range ms {
			if strings.Contains(m.Subject, "unread notification") {
				out = append(out, m.Subject+"\n"+m.Text)
			}
		}
		return out
	}
	n, err := svc.Digests(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	n, err = svc.Digests(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "a second run mails nothing again")
	got := mails()
	require.Len(t, got, 1)
	require.Contains(t, got[0], "2 unread notifications in")
	require.Contains(t, got[0], "mentioned you on #1")
	require.Contains(t, got[0], "assigned #1 to you")
	require.Contains(t, got[0], x.app.URL+"/w/digest/t/1")

	// A new notification waits for the next hour, and then only it is mailed.
	_, err = x.app.Conversations.Reply(ctx, x.a, tk.Number, conversation.ReplyInput{Body: "@bee second", Note: true})
	require.NoError(t, err)
	n, err = svc.Digests(ctx)
	require.NoError(t, err)
	require.Zero(t, n, "not due before the hour")
	clock.Advance(time.Hour)
	n, err = svc.Digests(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	got = mails()
	require.Len(t, got, 2)
	require.Contains(t, got[1], "1 unread notification in")
	require.NotContains(t, got[1], "assigned #1")

	// A notification read before the digest is not mailed; "off" mails nothing.
	require.NoError(t, svc.SavePrefs(ctx, x.b, notify.Prefs{On: map[string]bool{"mention": true}, Mail: map[string]bool{"mention": true}, Digest: "off"}))
	_, err = x.app.Conversations.Reply(ctx, x.a, tk.Number, conversation.ReplyInput{Body: "@bee third", Note: true})
	require.NoError(t, err)
	clock.Advance(25 * time.Hour)
	n, err = svc.Digests(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
}

// TestSLAWarningsGroup: warnings that fire together for one person make one notification.
func TestSLAWarningsGroup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := &apptest.Clock{}
	app := apptest.StartClocked(t, clock)
	a := app.Workspace(t, "slagroup", "admin@slagroup.test")
	b := app.Member(t, a, "bee@slagroup.test", tenant.RoleAgent)
	svc := notify.New(app.DB.Store, nil, app.URL, nil)
	// The group is the quarter hour the warnings fire in: keep clear of its edge.
	if left := time.Until(time.Now().Truncate(15 * time.Minute).Add(15 * time.Minute)); left < 30*time.Second {
		time.Sleep(left + time.Second)
	}
	start := clock.Now().Truncate(time.Second).UTC()
	var numbers []int64
	for i := range 5 {
		// Amazon buyers: the Amazon preset, 12 h with a warning at 80 %.
		tk, err := app.Conversations.CreateInbound(ctx, a, conversation.NewTicket{Channel: "amazon", Subject: "Parcel " + string(rune('A'+i)),
			Customer: conversation.CustomerRef{Name: "Ana", Email: "ana" + string(rune('a'+i)) + "@buyer.test"}, Message: conversation.Inbound{Text: "Where is it?", At: start}})
		require.NoError(t, err)
		require.NoError(t, app.Conversations.Assign(ctx, a, tk.Number, b.UserID))
		numbers = append(numbers, tk.Number)
	}
	// One of admin's own: their warning is theirs alone.
	own, err := app.Conversations.CreateInbound(ctx, a, conversation.NewTicket{Channel: "amazon", Subject: "Mine",
		Customer: conversation.CustomerRef{Name: "Bo", Email: "bo@buyer.test"}, Message: conversation.Inbound{Text: "Hello?", At: start}})
	require.NoError(t, err)
	require.NoError(t, app.Conversations.Assign(ctx, a, own.Number, a.UserID))
	require.NoError(t, svc.MarkAllRead(ctx, b, 0)) // the assignments

	clock.AdvanceTo(start.Add(12 * time.Hour * 8 / 10).Add(time.Minute))
	warnings := func(sc tenant.Scope) []notify.Item {
		items, _, err := svc.Page(ctx, sc, 0, 100)
		require.NoError(t, err)
		var out []notify.Item
		for _, it := range items {
			if it.Kind == "sla_warning" {
				out = append(out, it)
			}
		}
		return out
	}
	require.Eventually(t, func() bool {
		w := warnings(b)
		return len(w) == 1 && w[0].Count == 5
	}, 30*time.Second, 100*time.Millisecond, "five warnings, one notification")
	w := warnings(b)
	require.Equal(t, "5 of your tickets are about to breach their SLA", notify.Text(i18n.NewPrinter("en", nil), w[0]))
	require.Equal(t, "/w/slagroup/inbox?view=mine", notify.Href("slagroup", w[0]))
	n, err := svc.Unread(ctx, b)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.Eventually(t, func() bool { return len(warnings(a)) == 1 }, 30*time.Second, 100*time.Millisecond)
	require.Equal(t, 1, warnings(a)[0].Count)
	require.Equal(t, own.Number, warnings(a)[0].TicketNumber)
	require.Equal(t, "/w/slagroup/t/"+strconv.FormatInt(own.Number, 10), notify.Href("slagroup", warnings(a)[0]))
}

// events opens a workspace's event stream as a signed-in client and hands over the data of its
// notification events.
func events(t *testing.T, app *apptest.App, c *apptest.Client, slug string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, app.URL+"/w/"+slug+"/events", nil)
	require.NoError(t, err)
	stream := &http.Client{Jar: c.Jar}
	res, err := stream.Do(req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
	out := make(chan string, 16)
	ready := make(chan struct{})
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "retry:"):
				close(ready) // subscribed
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: ") && event == "notification":
				out <- strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("event stream did not start")
	}
	return out
}

// TestLiveIsolation: the bell's live event reaches only its person, in its workspace. PostgreSQL
// delivers notices in commit order, so a person's own later event arriving first proves the
// earlier one (someone else's) never came.
func TestLiveIsolation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	x := setup(t, "live-one")
	other := x.app.Workspace(t, "live-two", "admin@live-two.test")
	_, token, err := x.app.Tenants.Invite(ctx, other, "bee@live-one.test", tenant.RoleAgent)
	require.NoError(t, err)
	b2, err := x.app.Tenants.AcceptInvitation(ctx, other.Workspace.Slug, token, x.b.UserID)
	require.NoError(t, err)
	x.app.Member(t, x.a, "cee@live-one.test", tenant.RoleAgent)
	bee, cee := x.app.SignIn(t, "bee@live-one.test"), x.app.SignIn(t, "cee@live-one.test")
	beeHere, beeThere, ceeHere := events(t, x.app, bee, "live-one"), events(t, x.app, bee, "live-two"), events(t, x.app, cee, "live-one")
	next := func(ch <-chan string) string {
		select {
		case v := <-ch:
			return v
		case <-time.After(15 * time.Second):
			t.Fatal("no notification event")
			return ""
		}
	}

	tk := x.ticket(t, "email")
	_, err = x.app.Conversations.Reply(ctx, x.a, tk.Number, conversation.ReplyInput{Body: "@bee look", Note: true})
	require.NoError(t, err)
	require.Equal(t, "1", next(beeHere), "bee's bell in this workspace counts one")

	_, err = x.app.Conversations.Reply(ctx, x.a, tk.Number, conversation.ReplyInput{Body: "@cee and you", Note: true})
	require.NoError(t, err)
	require.Equal(t, "1", next(ceeHere), "cee's first event is cee's own mention, not bee's")

	t2, err := x.app.Conversations.CreateInbound(ctx, other, conversation.NewTicket{Channel: "email", Subject: "Elsewhere",
		Customer: conversation.CustomerRef{Email: "z@buyer.test"}, Message: conversation.Inbound{Text: "Hi", At: time.Now()}})
	require.NoError(t, err)
	require.NoError(t, x.app.Conversations.Assign(ctx, other, t2.Number, b2.UserID))
	require.Equal(t, "1", next(beeThere), "the other workspace's stream saw only its own notification")
}
