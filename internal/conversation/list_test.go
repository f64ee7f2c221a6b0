package conversation_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/pgtest"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type world struct {
	db      *pgtest.DB
	svc     *conversation.Service
	tenants *tenant.Service
	now     time.Time
	a, b    tenant.Scope
	a2      tenant.Scope // a second agent of A
	// email is the email channel's sender as the service sees it (replies are checked against it).
	email *countingSender
}

func newWorld(t *testing.T) *world {
	t.Helper()
	db := pgtest.NewDB(t)
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	w := &world{db: db, now: now, tenants: tenant.New(db.Store, nil)}
	w.svc = conversation.New(db.Store, nil, func() time.Time { return w.now })
	w.email = &countingSender{}
	senders := conversation.NewSenders()
	senders.Register("email", w.email)
	w.svc.UseSenders(senders)
	mk := func(slug string) tenant.Scope {
		ws, uid, err := w.tenants.SignUp(context.Background(), tenant.SignUpInput{
			Workspace: tenant.WorkspaceInput{Name: slug, Slug: slug, TimeZone: "UTC", Language: "en"},
			Name:      "Admin " + slug, Email: "admin@" + slug + ".test", Password: "a long password",
		}, uuid.Nil, []string{"en", "ko", "ro"})
		require.NoError(t, err)
		sc, err := w.tenants.Resolve(context.Background(), ws.Slug, uid)
		require.NoError(t, err)
		return sc
	}
	w.a, w.b = mk("alpha"), mk("bravo")
	_, token, err := w.tenants.Invite(context.Background(), w.a, "two@alpha.test", tenant.RoleAgent)
	require.NoError(t, err)
	w.a2, err = w.tenants.AcceptInvitationNewAccount(context.Background(), "alpha", token, "Two", "a long password", "a long password")
	require.NoError(t, err)
	return w
}

// spec is a ticket to create and the model the list queries are checked against.
type spec struct {
	channel, marketplace, status, tag, lang string
	priority                                int16
	presale                                 bool
	due                                     *time.Time
	created                                 time.Time
	assignee                                uuid.UUID
	number                                  int64
	resolvedAt                              time.Time
}

func seedSpecs(t *testing.T, w *world, sc tenant.Scope, r *rand.Rand, n int) []*spec {
	t.Helper()
	ctx := context.Background()
	channels := []string{"email", "amazon", "ebay"}
	markets := map[string]string{"email": "", "amazon": "amazon.de", "ebay": "ebay.com"}
	statuses := []string{"open", "open", "open", "pending", "snoozed", "resolved", "closed"}
	var out []*spec
	for i := range n {
		ch := channels[r.IntN(len(channels))]
		sp := &spec{channel: ch, marketplace: markets[ch], status: statuses[r.IntN(len(statuses))],
			priority: int16(r.IntN(4)), presale: r.IntN(5) == 0, lang: []string{"en", "ko", "ro"}[r.IntN(3)],
			// Few distinct times, so many rows tie on due, priority and age: the id breaks ties.
			created: w.now.Add(-time.Duration(r.IntN(3)) * time.Hour)}
		if r.IntN(4) > 0 {
			d := w.now.Add(time.Duration(r.IntN(5)-1) * time.Hour)
			sp.due = &d
		}
		if r.IntN(3) == 0 {
			sp.tag = "vip"
		}
		tags := []string{}
		if sp.tag != "" {
			tags = []string{sp.tag}
		}
		tk, err := w.svc.CreateInbound(ctx, sc, conversation.NewTicket{
			Channel: ch, Marketplace: sp.marketplace, Subject: fmt.Sprintf("Ticket %d", i), Language: sp.lang,
			Priority: &sp.priority, Presale: sp.presale, Tags: tags, SLADueAt: sp.due,
			Customer: conversation.CustomerRef{Name: fmt.Sprintf("Customer %d", i), Email: fmt.Sprintf("c%d@example.com", i)},
			Message:  conversation.Inbound{Text: "Hello", At: sp.created},
		})
		require.NoError(t, err)
		sp.number = tk.Number
		switch r.IntN(3) {
		case 0:
			sp.assignee = sc.UserID
		case 1:
			if sc.TenantID() == w.a.TenantID() {
				sp.assignee = w.a2.UserID
			}
		}
		if sp.assignee != uuid.Nil {
			require.NoError(t, w.svc.Assign(ctx, sc, tk.Number, sp.assignee))
		}
		if sp.status != "open" {
			w.now = w.now.Add(time.Second) // distinct resolution times, then ties by id
			until := w.now.Add(24 * time.Hour)
			require.NoError(t, w.svc.SetStatus(ctx, sc, tk.Number, sp.status, &until))
		}
		out = append(out, sp)
	}
	return out
}

func TestListViewsAndFilters(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	r := rand.New(rand.NewPCG(1, 2))
	specsA := seedSpecs(t, w, w.a, r, 60)
	specsB := seedSpecs(t, w, w.b, r, 25)
	now := w.now

	open := func(s *spec) bool { return s.status == "open" || s.status == "pending" }
	cases := []struct {
		name   string
		f      conversation.Filter
		sc     tenant.Scope
		specs  []*spec
		expect func(*spec) bool
	}{
		{"Open", conversation.Filter{View: "open", Priority: -1}, w.a, specsA, open},
		{"OpenB", conversation.Filter{View: "open", Priority: -1}, w.b, specsB, open},
		{"Unassigned", conversation.Filter{View: "unassigned", Priority: -1}, w.a, specsA, func(s *spec) bool { return open(s) && s.assignee == uuid.Nil }},
		{"Mine", conversation.Filter{View: "mine", Priority: -1}, w.a, specsA, func(s *spec) bool {
			return (open(s) || s.status == "snoozed") && s.assignee == w.a.UserID
		}},
		{"MineSecondAgent", conversation.Filter{View: "mine", Priority: -1}, w.a2, specsA, func(s *spec) bool {
			return (open(s) || s.status == "snoozed") && s.assignee == w.a2.UserID
		}},
		{"Presale", conversation.Filter{View: "presale", Priority: -1}, w.a, specsA, func(s *spec) bool { return open(s) && s.presale }},
		{"Breaching", conversation.Filter{View: "breaching", Priority: -1}, w.a, specsA, func(s *spec) bool {
			return open(s) && s.due != nil && s.due.Before(now.Add(conversation.BreachingWindow))
		}},
		{"ChannelAmazon", conversation.Filter{View: "channel", Channel: "amazon", Priority: -1}, w.a, specsA, func(s *spec) bool { return open(s) && s.channel == "amazon" }},
		{"MarketplaceEbay", conversation.Filter{View: "marketplace", Marketplace: "ebay.com", Priority: -1}, w.b, specsB, func(s *spec) bool { return open(s) && s.marketplace == "ebay.com" }},
		{"Resolved", conversation.Filter{View: "resolved", Priority: -1}, w.a, specsA, func(s *spec) bool { return s.status == "resolved" }},
		{"Pending", conversation.Filter{View: "pending", Priority: -1}, w.a, specsA, func(s *spec) bool { return s.status == "pending" }},
		{"PendingB", conversation.Filter{View: "pending", Priority: -1}, w.b, specsB, func(s *spec) bool { return s.status == "pending" }},
		{"Snoozed", conversation.Filter{View: "snoozed", Priority: -1}, w.a, specsA, func(s *spec) bool { return s.status == "snoozed" }},
		{"SnoozedB", conversation.Filter{View: "snoozed", Priority: -1}, w.b, specsB, func(s *spec) bool { return s.status == "snoozed" }},
		{"Closed", conversation.Filter{View: "closed", Priority: -1}, w.a, specsA, func(s *spec) bool { return s.status == "closed" }},
		{"ClosedB", conversation.Filter{View: "closed", Priority: -1}, w.b, specsB, func(s *spec) bool { return s.status == "closed" }},
		// The status filter finds tickets whatever view it is applied in.
		{"FilterStatusSnoozedInOpen", conversation.Filter{View: "open", Status: "snoozed", Priority: -1}, w.a, specsA, func(s *spec) bool { return s.status == "snoozed" }},
		{"FilterStatusClosedInOpen", conversation.Filter{View: "open", Status: "closed", Priority: -1}, w.a, specsA, func(s *spec) bool { return s.status == "closed" }},
		{"FilterStatusResolvedInMine", conversation.Filter{View: "mine", Status: "resolved", Priority: -1}, w.a, specsA, func(s *spec) bool {
			return s.status == "resolved" && s.assignee == w.a.UserID
		}},
		{"FilterStatusSnoozedInChannel", conversation.Filter{View: "channel", Channel: "amazon", Status: "snoozed", Priority: -1}, w.a, specsA, func(s *spec) bool {
			return s.status == "snoozed" && s.channel == "amazon"
		}},
		{"FilterStatusPending", conversation.Filter{View: "open", Status: "pending", Priority: -1}, w.a, specsA, func(s *spec) bool { return s.status == "pending" }},
		{"FilterPriorityUrgent", conversation.Filter{View: "open", Priority: 0}, w.a, specsA, func(s *spec) bool { return open(s) && s.priority == 0 }},
		{"FilterTag", conversation.Filter{View: "open", Tag: "vip", Priority: -1}, w.a, specsA, func(s *spec) bool { return open(s) && s.tag == "vip" }},
		{"FilterLanguage", conversation.Filter{View: "open", Language: "ko", Priority: -1}, w.a, specsA, func(s *spec) bool { return open(s) && s.lang == "ko" }},
		{"FilterAssignee", conversation.Filter{View: "open", AssigneeID: w.a2.UserID, Priority: -1}, w.a, specsA, func(s *spec) bool { return open(s) && s.assignee == w.a2.UserID }},
		{"FilterChannelInResolved", conversation.Filter{View: "resolved", Channel: "email", Priority: -1}, w.a, specsA, func(s *spec) bool {
			return s.status == "resolved" && s.channel == "email"
		}},
		{"FilterChannelInSnoozed", conversation.Filter{View: "snoozed", Channel: "email", Priority: -1}, w.a, specsA, func(s *spec) bool {
			return s.status == "snoozed" && s.channel == "email"
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// The expected order comes from what the database stored, sorted in Go by the documented rule.
			order := tc.f.View
			if tc.f.Status != "" {
				order = tc.f.Status
			}
			want := expected(t, w, tc.sc, tc.specs, tc.expect, order)
			for _, pageSize := range []int{1, 4, 100} {
				var got []int64
				after := ""
				for range 200 {
					p, err := w.svc.List(context.Background(), tc.sc, tc.f, after, pageSize)
					require.NoError(t, err)
					for _, it := range p.Items {
						require.Equal(t, tc.sc.TenantID(), it.TenantID)
						got = append(got, it.Number)
					}
					if p.Next == "" {
						break
					}
					require.Len(t, p.Items, pageSize)
					after = p.Next
				}
				require.Equal(t, want, got, "page size %d", pageSize)
			}
		})
	}
}

// expected lists the kept tickets in the order of the view (or status filter) named by order:
// resolved and closed newest resolution first, snoozed soonest wake-up first, else due order.
func expected(t *testing.T, w *world, sc tenant.Scope, specs []*spec, keep func(*spec) bool, order string) []int64 {
	t.Helper()
	type row struct {
		due      time.Time
		priority int16
		created  time.Time
		resolved time.Time
		snoozed  time.Time
		id       int64
		number   int64
	}
	var rows []row
	for _, s := range specs {
		if !keep(s) {
			continue
		}
		tk, err := w.svc.Ticket(context.Background(), sc, s.number)
		require.NoError(t, err)
		due := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
		if tk.SlaDueAt != nil {
			due = *tk.SlaDueAt
		}
		rr := row{due: due, priority: tk.Priority, created: tk.CreatedAt, id: tk.ID, number: tk.Number}
		if tk.ResolvedAt != nil {
			rr.resolved = *tk.ResolvedAt
		}
		if tk.SnoozedUntil != nil {
			rr.snoozed = *tk.SnoozedUntil
		}
		rows = append(rows, rr)
	}
	slices.SortFunc(rows, func(x, y row) int {
		switch order {
		case "resolved", "closed":
			if c := y.resolved.Compare(x.resolved); c != 0 {
				return c
			}
			return int(y.id - x.id)
		case "snoozed":
			if c := x.snoozed.Compare(y.snoozed); c != 0 {
				return c
			}
			return int(x.id - y.id)
		}
		if c := x.due.Compare(y.due); c != 0 {
			return c
		}
		if x.priority != y.priority {
			return int(x.priority - y.priority)
		}
		if c := x.created.Compare(y.created); c != 0 {
			return c
		}
		return int(x.id - y.id)
	})
	out := []int64{}
	for _, r := range rows {
		out = append(out, r.number)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func TestCounts(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	r := rand.New(rand.NewPCG(3, 4))
	specs := seedSpecs(t, w, w.a, r, 30)
	seedSpecs(t, w, w.b, r, 10)
	counts, err := w.svc.Counts(context.Background(), w.a)
	require.NoError(t, err)
	n := 0
	for _, s := range specs {
		if s.status == "open" || s.status == "pending" {
			n++
		}
	}
	require.Equal(t, n, counts["open"])
	for _, st := range []string{"pending", "snoozed", "closed"} {
		want := 0
		for _, s := range specs {
			if s.status == st {
				want++
			}
		}
		require.Equal(t, want, counts[st], st)
	}
	total := 0
	for _, ch := range conversation.Channels {
		total += counts["channel:"+ch]
	}
	require.Equal(t, n, total)
}

func TestListRejectsForeignCursor(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	_, err := w.svc.List(context.Background(), w.a, conversation.Filter{View: "open", Priority: -1}, "not-a-cursor!", 10)
	require.Error(t, err)
	_, err = w.svc.List(context.Background(), w.a, conversation.Filter{View: "nope", Priority: -1}, "", 10)
	require.Error(t, err)
}
