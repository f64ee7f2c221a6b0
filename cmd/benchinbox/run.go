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
	"runtime"
	"slices"
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
}

func run(ctx context.Context, ownerURL, appURL string, d time.Duration, only string) error {
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
	// The bell: the "Mine" person has 2,000 notifications, 150 of them unread, so every page's
	// unread count reads to its cap (100 index entries) — the worst case of the one count query.
	if _, err := owner.Exec(ctx, `INSERT INTO notifications (tenant_id, user_id, kind, ticket_id, created_at, read_at)
		SELECT $1, u.id, 'mention', t.id, now() - make_interval(mins => g), CASE WHEN g > 150 THEN now() END
		FROM users u CROSS JOIN generate_series(1, 2000) g
		CROSS JOIN LATERAL (SELECT id FROM tickets WHERE tenant_id = $1 ORDER BY id LIMIT 1) t
		WHERE u.email = $2 AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.tenant_id = $1 AND n.user_id = u.id)`, bigID, mineEmail); err != nil {
		return fmt.Errorf("bench notifications: %w", err)
	}
	admin := "agent001@" + seed.ScaleBigSlug + ".test"
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
		{"All open, first page (" + seed.ScaleBigSlug + ")", []string{base + "/inbox?view=open"}, admin, nil},
		{"Mine, first page (" + seed.ScaleBigSlug + ")", []string{base + "/inbox?view=mine"}, mineEmail, nil},
		{"All open, first page (small workspace " + smallSlug + ")", []string{"/w/" + smallSlug + "/inbox?view=open"}, "agent001@" + smallSlug + ".test", nil},
		{"Ticket with 50 messages", ticketPaths, admin, nil},
		{"Search (8 queries in turn)", searchPaths, admin, searches},
		// Every page above carries the bell's unread count; these are the bell's own requests.
		{"Bell panel, 150 unread (" + seed.ScaleBigSlug + ")", []string{base + "/notifications/panel"}, mineEmail, nil},
		{"Notifications page, first of 2,000 (" + seed.ScaleBigSlug + ")", []string{base + "/notifications"}, mineEmail, nil},
	}

	fmt.Printf("## Inbox at scale\n\n")
	fmt.Printf("- machine: %d cores (%s/%s), %s; PostgreSQL: %s\n", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, cpuModel(), pgVersion(ctx, owner))
	fmt.Printf("- data: %s tickets / %s messages in all; %s holds %d tickets (%d open); \"Mine\" = %s with %d open tickets; %s has %d open\n",
		count(ctx, owner, "tickets"), count(ctx, owner, "messages"), seed.ScaleBigSlug, tickets, open, mineEmail, mineOpen, smallSlug, smallOpen)
	fmt.Printf("- each measurement: %s of back-to-back HTTP GETs through the full stack (session, tenancy, database, templ rendering), after 2 s of warm-up\n\n", d)
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
		for _, users := range []int{1, 16} {
			_ = measure(ctx, client, ts.URL, s.paths, users, 2*time.Second)
			r := measure(ctx, client, ts.URL, s.paths, users, d)
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

func measure(ctx context.Context, c *http.Client, base string, paths []string, users int, d time.Duration) result {
	var mu sync.Mutex
	r := result{byPath: map[string][]time.Duration{}, d: d}
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	var failures int
	for u := range users {
		wg.Go(func() {
			i := u
			for time.Now().Before(deadline) && ctx.Err() == nil {
				p := paths[i%len(paths)]
				i++
				start := time.Now()
				res, err := c.Get(base + p)
				var n int64
				if err == nil {
					n, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
				el := time.Since(start)
				mu.Lock()
				if err != nil || res.StatusCode != http.StatusOK {
					failures++
				}
				r.all = append(r.all, el)
				r.bytes += n
				r.byPath[p] = append(r.byPath[p], el)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if failures > 0 {
		fmt.Fprintf(os.Stderr, "bench: %d failed requests on %s\n", failures, paths[0])
	}
	slices.Sort(r.all)
	for _, l := range r.byPath {
		slices.Sort(l)
	}
	return r
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
