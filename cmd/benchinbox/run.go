package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopdesk/shopdesk/internal/app"
	"github.com/shopdesk/shopdesk/internal/config"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/seed"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

type scenario struct {
	name  string
	paths []string // rotated through
	who   string   // email signed in
	// queries are the search texts behind paths, reported one by one
	queries []string
	// change, when set, makes the scenario POST: user u's i-th request (see priorityChanges).
	change func(u, i int) (path string, form url.Values)
}

func run(ctx context.Context, ownerURL, appURL string, d time.Duration, only, saveDir string) error {
	if d == 0 {
		d = 10 * time.Second
	}
	owner, err := pgxpool.New(ctx, ownerURL)
	if err != nil {
		return err
	}
	defer owner.Close()
	pool, err := store.Open(ctx, appURL, 40)
	if err != nil {
		return err
	}
	defer pool.Close()

	// The real handler, wired as `shopdesk serve` wires it (web role).
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))

	ts := httptest.NewUnstartedServer(nil)
	ts.Start()
	defer ts.Close()
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"DATABASE_URL": appURL, "SHOPDESK_SECRET_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", "SHOPDESK_BASE_URL": ts.URL}[k]
	}, true, true)
	if err != nil {
		return err
	}
	parts, err := app.Wire(ctx, pool, cfg, logger, false)
	if err != nil {
		return err
	}
	conversations := parts.Conversations
	ts.Config.Handler = parts.Handler

	// Pick the people and tickets the scenarios use.
	var bigID uuid.UUID
	var tickets, open int
	if err := owner.QueryRow(ctx, `SELECT id FROM tenants WHERE slug = $1`, seed.ScaleBigSlug).Scan(&bigID); err != nil {
		return err
	}
	if err := owner.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE status IN ('open','pending')) FROM tickets WHERE tenant_id = $1`, bigID).Scan(&tickets, &open); err != nil {
		return err
	}
	var mineEmail string
	var mineOpen int
	if err := owner.QueryRow(ctx, `SELECT u.email, count(*) FROM tickets t JOIN users u ON u.id = t.assignee_id
		WHERE t.tenant_id = $1 AND t.status IN ('open','pending','snoozed') GROUP BY u.email ORDER BY count(*) DESC LIMIT 1`, bigID).Scan(&mineEmail, &mineOpen); err != nil {
		return err
	}
	var fifty []int64
	rows, err := owner.Query(ctx, `SELECT number FROM tickets WHERE tenant_id = $1 AND message_count = 50 ORDER BY number LIMIT 10`, bigID)
	if err != nil {
		return err
	}
	if fifty, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil || len(fifty) == 0 {
		return fmt.Errorf("no ticket with 50 messages in %s: %v", seed.ScaleBigSlug, err)
	}
	var order, email string
	if err := owner.QueryRow(ctx, `SELECT substring(subject from '[0-9]{3}-[0-9]{7}-[0-9]{7}') FROM tickets WHERE tenant_id = $1 AND subject ~ '[0-9]{3}-[0-9]{7}-[0-9]{7}' LIMIT 1`, bigID).Scan(&order); err != nil {
		return err
	}
	if err := owner.QueryRow(ctx, `SELECT email FROM customer_emails WHERE tenant_id = $1 LIMIT 1 OFFSET 777`, bigID).Scan(&email); err != nil {
		return err
	}
	var smallSlug string
	var smallOpen int
	if err := owner.QueryRow(ctx, `SELECT w.slug, count(*) FROM tenants w JOIN tickets t ON t.tenant_id = w.id AND t.status IN ('open','pending')
		WHERE w.slug LIKE 'scale-0%' GROUP BY w.slug HAVING count(*) BETWEEN 20 AND 200 ORDER BY count(*) LIMIT 1`).Scan(&smallSlug, &smallOpen); err != nil {
		return err
	}
	admin := "agent001@" + seed.ScaleBigSlug + ".test"
	// The bell: every person the scenarios sign in as in scale-big has 2,000 notifications, 150 of
	// them unread, so every page's frame counts unread notifications to the bell's cap (100 index
	// entries) — the worst case of that count, measured on every page.
	if _, err := owner.Exec(ctx, `INSERT INTO notifications (tenant_id, user_id, kind, ticket_id, created_at, read_at)
		SELECT $1, u.id, 'mention', t.id, now() - make_interval(mins => g), CASE WHEN g > 150 THEN now() END
		FROM users u CROSS JOIN generate_series(1, 2000) g
		CROSS JOIN LATERAL (SELECT id FROM tickets WHERE tenant_id = $1 ORDER BY id LIMIT 1) t
		WHERE u.email = ANY($2) AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.tenant_id = $1 AND n.user_id = u.id)`, bigID, []string{mineEmail, admin}); err != nil {
		return fmt.Errorf("bench notifications: %w", err)
	}
	change, err := priorityChanges(ctx, owner, bigID)
	if err != nil {
		return err
	}
	base := "/w/" + seed.ScaleBigSlug
	var ticketPaths []string
	for _, n := range fifty {
		ticketPaths = append(ticketPaths, fmt.Sprintf("%s/t/%d", base, n))
	}
	searches := []string{"refund", "rambursare", "배송", "aplicatie", order, email, "damaged glass lid", "환불"}
	var searchPaths []string
	for _, q := range searches {
		searchPaths = append(searchPaths, base+"/search?q="+url.QueryEscape(q))
	}
	scenarios := []scenario{
		{"All open, first page (" + seed.ScaleBigSlug + ")", []string{base + "/inbox?view=open"}, admin, nil, nil},
		{"Mine, first page (" + seed.ScaleBigSlug + ")", []string{base + "/inbox?view=mine"}, mineEmail, nil, nil},
		{"All open, first page (small workspace " + smallSlug + ")", []string{"/w/" + smallSlug + "/inbox?view=open"}, "agent001@" + smallSlug + ".test", nil, nil},
		{"Ticket with 50 messages", ticketPaths, admin, nil, nil},
		{"Search (8 queries in turn)", searchPaths, admin, searches, nil},
		// Every page above carries the bell's unread count; these are the bell's own requests.
		{"Bell panel, 150 unread (" + seed.ScaleBigSlug + ")", []string{base + "/notifications/panel"}, mineEmail, nil, nil},
		{"Notifications page, first of 2,000 (" + seed.ScaleBigSlug + ")", []string{base + "/notifications"}, mineEmail, nil, nil},
		// The htmx POST of the ticket's priority control and its whole answer: the control, the
		// timeline, SLA box and header out of band, with the rules and SLA run by the change.
		{"Priority change, htmx POST (" + seed.ScaleBigSlug + ")", nil, admin, nil, change},
	}

	fmt.Printf("## Inbox at scale\n\n")
	fmt.Printf("- machine: %d cores (%s/%s), %s; PostgreSQL: %s\n", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, cpuModel(), pgVersion(ctx, owner))
	fmt.Printf("- data: %s tickets / %s messages in all; %s holds %d tickets (%d open); \"Mine\" = %s with %d open tickets; %s has %d open\n",
		count(ctx, owner, "tickets"), count(ctx, owner, "messages"), seed.ScaleBigSlug, tickets, open, mineEmail, mineOpen, smallSlug, smallOpen)
	fmt.Printf("- each measurement: %s of back-to-back HTTP requests through the full stack (session, tenancy, database, templ rendering), after 2 s of warm-up; every page counts its person's unread notifications (150, the bell's cap)\n\n", d)
	var byQuery []result
	fmt.Printf("| scenario | users | requests | p50 ms | p95 ms | req/s | KB/page |\n|---|---|---|---|---|---|---|\n")
	for _, s := range scenarios {
		if !strings.Contains(s.name, only) {
			continue
		}
		client, err := signIn(ts.URL, s.who)
		if err != nil {
			return fmt.Errorf("sign in as %s: %w", s.who, err)
		}
		if saveDir != "" {
			if err := save(client, ts.URL, s, saveDir); err != nil {
				return err
			}
		}
		for _, users := range []int{1, 16} {
			_ = measure(ctx, client, ts.URL, s, users, 2*time.Second)
			r := measure(ctx, client, ts.URL, s, users, d)
			fmt.Printf("| %s | %d | %d | %.1f | %.1f | %.0f | %.0f |\n", s.name, users, r.n(), ms(r.p50()), ms(r.p95()), r.perSecond(), r.kilobytes())
			if len(s.queries) > 0 {
				byQuery = append(byQuery, r)
			}
		}
	}

	if len(byQuery) == 2 {
		fmt.Printf("\nSearch by query (p50 / p95 ms at 1 user; at 16 users):\n\n| query | 1 user | 16 users |\n|---|---|---|\n")
		for i, q := range searches {
			one, many := byQuery[0].byPath[searchPaths[i]], byQuery[1].byPath[searchPaths[i]]
			fmt.Printf("| %s | %.1f / %.1f | %.1f / %.1f |\n", q, ms(pct(one, 50)), ms(pct(one, 95)), ms(pct(many, 50)), ms(pct(many, 95)))
		}
	}

	fmt.Printf("\n### Query plans (EXPLAIN ANALYZE, application role, workspace pinned)\n")
	me, err := userID(ctx, owner, mineEmail)
	if err != nil {
		return err
	}
	for _, v := range []struct {
		title string
		f     conversation.Filter
		user  uuid.UUID
	}{
		{"All open", conversation.Filter{View: "open", Priority: -1}, me},
		{"Mine", conversation.Filter{View: "mine", Priority: -1}, me},
		{"Pending", conversation.Filter{View: "pending", Priority: -1}, me},
		{"Snoozed", conversation.Filter{View: "snoozed", Priority: -1}, me},
		{"Closed", conversation.Filter{View: "closed", Priority: -1}, me},
	} {
		sc := tenant.Scope{Workspace: tenant.Workspace{ID: bigID}, UserID: v.user, Role: tenant.RoleAgent}
		sql, args, err := conversations.ListSQL(sc, v.f, "", 50)
		if err != nil {
			return err
		}
		plan, err := explain(ctx, parts.Store, bigID, sql, args)
		if err != nil {
			return err
		}
		fmt.Printf("\n%s:\n\n```\n%s```\n", v.title, plan)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// result is one measurement: every request's latency, and each path's.
type result struct {
	all    []time.Duration
	byPath map[string][]time.Duration
	d      time.Duration
	bytes  int64
}

func pct(lat []time.Duration, p int) time.Duration {
	if len(lat) == 0 {
		return 0
	}
	return lat[len(lat)*p/100]
}

func (r result) n() int             { return len(r.all) }
func (r result) p50() time.Duration { return pct(r.all, 50) }
func (r result) p95() time.Duration { return pct(r.all, 95) }
func (r result) perSecond() float64 { return float64(len(r.all)) / r.d.Seconds() }

// kilobytes is the mean size of a response.
func (r result) kilobytes() float64 {
	if len(r.all) == 0 {
		return 0
	}
	return float64(r.bytes) / float64(len(r.all)) / 1024
}

// request is user u's i-th request of the scenario: its paths in turn, or its change.
func (s scenario) request(base string, u, i int) (*http.Request, string) {
	if s.change == nil {
		p := s.paths[(u+i)%len(s.paths)]
		req, _ := http.NewRequest(http.MethodGet, base+p, nil)
		return req, p
	}
	p, form := s.change(u, i)
	req, _ := http.NewRequest(http.MethodPost, base+p, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	req.Header.Set("HX-Request", "true")
	return req, p
}

// ok says the answer is the page or fragment asked for: a change's answer carries its
// out-of-band parts.
func (s scenario) ok(res *http.Response, body []byte) bool {
	if res.StatusCode != http.StatusOK {
		return false
	}
	return s.change == nil || strings.Contains(string(body), `hx-swap-oob`)
}

func measure(ctx context.Context, c *http.Client, base string, s scenario, users int, d time.Duration) result {
	var mu sync.Mutex
	r := result{byPath: map[string][]time.Duration{}, d: d}
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	var failures int
	for u := range users {
		wg.Go(func() {
			for i := 0; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
				req, p := s.request(base, u, i)
				start := time.Now()
				res, err := c.Do(req)
				var body []byte
				if err == nil {
					body, err = io.ReadAll(res.Body)
					res.Body.Close()
				}
				el := time.Since(start)
				mu.Lock()
				if err != nil || !s.ok(res, body) {
					failures++
				}
				r.all = append(r.all, el)
				r.bytes += int64(len(body))
				r.byPath[p] = append(r.byPath[p], el)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if failures > 0 {
		fmt.Fprintf(os.Stderr, "bench: %d failed requests on %s\n", failures, s.name)
	}
	slices.Sort(r.all)
	for _, l := range r.byPath {
		slices.Sort(l)
	}
	return r
}

// save writes one answer of the scenario to dir, to see what a page carries.
func save(c *http.Client, base string, s scenario, dir string) error {
	req, _ := s.request(base, 0, 0)
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '_'
	}, s.name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name+".html"), body, 0o644)
}

// priorityChanges picks 128 open tickets of the big workspace with short threads (8 for each
// of 16 users, so no two users change the same ticket at once) and returns user u's i-th change:
// its tickets in turn, each between high and normal from the priority it had.
func priorityChanges(ctx context.Context, owner *pgxpool.Pool, tenantID uuid.UUID) (func(u, i int) (string, url.Values), error) {
	const perUser, users = 8, 16
	rows, err := owner.Query(ctx, `SELECT number, priority FROM tickets
		WHERE tenant_id = $1 AND status = 'open' AND merged_into IS NULL AND message_count BETWEEN 2 AND 8
		ORDER BY number LIMIT $2`, tenantID, perUser*users)
	if err != nil {
		return nil, err
	}
	type ticket struct {
		Number   int64
		Priority int16
	}
	ts, err := pgx.CollectRows(rows, pgx.RowToStructByPos[ticket])
	if err != nil {
		return nil, err
	}
	if len(ts) < perUser*users {
		return nil, fmt.Errorf("bench: %d open tickets with short threads in %s, want %d", len(ts), seed.ScaleBigSlug, perUser*users)
	}
	// Each user's goroutine owns its own tickets' current priority; the scenario's 1-user and
	// 16-user runs continue from where the previous one left them.
	current := make([]int16, len(ts))
	for k, t := range ts {
		current[k] = t.Priority
	}
	return func(u, i int) (string, url.Values) {
		k := (u%users)*perUser + i%perUser
		next := int16(1)
		if current[k] == 1 {
			next = 2
		}
		current[k] = next
		return fmt.Sprintf("/w/%s/t/%d/priority", seed.ScaleBigSlug, ts[k].Number), url.Values{"priority": {strconv.Itoa(int(next))}}
	}, nil
}

func signIn(base, email string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(url.Values{"email": {email}, "password": {seed.ScalePassword}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	res, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", res.StatusCode)
	}
	return c, nil
}

// explain shows the plan the application runs: list views use one generic plan (see
// store.InTenantPipeline), so the statement is prepared and executed under force_generic_plan,
// its arguments written as literals of the parameters.
func explain(ctx context.Context, st *store.Store, tenantID uuid.UUID, sql string, args []any) (string, error) {
	var plan string
	err := pgx.BeginFunc(ctx, st.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT set_config('app.tenant_id', $1, true)", tenantID.String()); err != nil {
			return err
		}
		var err error
		plan, err = store.ExplainGeneric(ctx, tx, "ANALYZE, BUFFERS, COSTS OFF", sql, args)
		return err
	})
	return plan, err
}

func userID(ctx context.Context, owner *pgxpool.Pool, email string) (uuid.UUID, error) {
	var id uuid.UUID
	return id, owner.QueryRow(ctx, "SELECT id FROM users WHERE email = $1", email).Scan(&id)
}

func count(ctx context.Context, owner *pgxpool.Pool, table string) string {
	var n int64
	_ = owner.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n)
	return fmt.Sprintf("%d", n)
}

func pgVersion(ctx context.Context, owner *pgxpool.Pool) string {
	var v string
	_ = owner.QueryRow(ctx, "SHOW server_version").Scan(&v)
	return v
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "model name") {
			_, v, _ := strings.Cut(line, ":")
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
