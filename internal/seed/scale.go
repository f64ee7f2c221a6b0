package seed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopdesk/shopdesk/internal/auth"
	"github.com/shopdesk/shopdesk/internal/search"
)

// ScaleOptions size the generated data set.
type ScaleOptions struct {
	Workspaces int
	Tickets    int
	Messages   int
	BigTickets int
	Seed       uint64
	Progress   io.Writer
	Terminal   bool // redraw the progress line in place
}

// DefaultScale is the benchmark data set of the inbox issue.
var DefaultScale = ScaleOptions{Workspaces: 1000, Tickets: 1_000_000, Messages: 5_000_000, BigTickets: 200_000, Seed: 1}

// ScaleResult says what was made.
type ScaleResult struct {
	Workspaces, Users, Tickets, Messages int
	// FiftyMessageTickets are tickets of the big workspace with exactly 50 messages.
	FiftyMessageTickets []int64
	Elapsed             time.Duration
}

// ScaleBigSlug is the big workspace's slug; its agents sign in as agent001@scale-big.test.
const ScaleBigSlug = "scale-big"

// ScalePassword is every generated person's password.
const ScalePassword = "shopdesk-scale"

type scaleWorkspace struct {
	id      uuid.UUID
	slug    string
	tickets int
	agents  []uuid.UUID
	msgs    []int // messages per ticket
}

// Scale generates the data set with COPY into staging tables and set-based inserts, one
// transaction per workspace pinned to it, so row-level security holds for any owner role.
func Scale(ctx context.Context, pool *pgxpool.Pool, o ScaleOptions) (ScaleResult, error) {
	start := time.Now()
	var res ScaleResult
	if o.Workspaces < 2 || o.BigTickets < 1 || o.Tickets <= o.BigTickets || o.Messages < o.Tickets {
		return res, errors.New("seed --scale needs at least 2 workspaces, tickets > big-tickets ≥ 1, and messages ≥ tickets")
	}
	var present bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM tenants WHERE slug = $1)`, ScaleBigSlug).Scan(&present); err != nil {
		return res, err
	}
	if present {
		return res, errors.New("this database already holds the scale data set (workspace scale-big); use a fresh database: create one, run `shopdesk migrate up`, then `shopdesk seed --scale`")
	}
	r := rand.New(rand.NewPCG(o.Seed, 0x5ca1e))
	wss := planScale(r, o)
	for _, w := range wss {
		res.Tickets += w.tickets
		for _, m := range w.msgs {
			res.Messages += m
		}
	}
	hash, err := auth.HashPassword(ScalePassword)
	if err != nil {
		return res, err
	}
	prog := newProgress(o.Progress, o.Terminal, res.Tickets+res.Messages)
	if res.Users, err = loadScalePeople(ctx, pool, wss, hash); err != nil {
		return res, err
	}
	now := time.Now().UTC().Truncate(time.Second)
	for i, w := range wss {
		if err := loadScaleWorkspace(ctx, pool, w, o.Seed+uint64(i), now, prog); err != nil {
			return res, fmt.Errorf("seed: workspace %s: %w", w.slug, err)
		}
	}
	// VACUUM sets the visibility map (index-only scans for list counts) as autovacuum would on a
	// live system; ANALYZE gives the planner the new statistics.
	prog.phase("vacuum")
	if _, err := pool.Exec(ctx, "VACUUM (ANALYZE)"); err != nil {
		return res, err
	}
	prog.done()
	res.Workspaces = len(wss)
	for n, m := range wss[0].msgs {
		if m == 50 {
			res.FiftyMessageTickets = append(res.FiftyMessageTickets, int64(n+1))
		}
		if len(res.FiftyMessageTickets) == 5 {
			break
		}
	}
	res.Elapsed = time.Since(start)
	return res, nil
}

// planScale spreads tickets over workspaces (the big one first, the rest Zipf-like) and
// messages over tickets (mostly short threads, a long tail up to 50), hitting the totals.
func planScale(r *rand.Rand, o ScaleOptions) []*scaleWorkspace {
	wss := make([]*scaleWorkspace, o.Workspaces)
	wss[0] = &scaleWorkspace{slug: ScaleBigSlug, tickets: o.BigTickets}
	rest := o.Tickets - o.BigTickets
	weights := make([]float64, o.Workspaces-1)
	sum := 0.0
	for i := range weights {
		weights[i] = 1 / math.Pow(float64(i+1), 0.8)
		sum += weights[i]
	}
	counts := make([]int, len(weights))
	assigned := 0
	for i := range weights {
		counts[i] = max(1, int(float64(rest)*weights[i]/sum))
		assigned += counts[i]
	}
	// Rounding leaves a remainder; the largest of the rest absorbs it.
	counts[0] += rest - assigned
	for i, n := range counts {
		wss[i+1] = &scaleWorkspace{slug: fmt.Sprintf("scale-%04d", i+1), tickets: n}
	}
	avg := float64(o.Messages) / float64(o.Tickets)
	total := 0
	for _, w := range wss {
		w.id = uuid.New()
		w.msgs = make([]int, w.tickets)
		for t := range w.msgs {
			m := 1 + int(r.ExpFloat64()*(avg-1)*0.9)
			w.msgs[t] = min(m, 50)
			total += w.msgs[t]
		}
	}
	big := wss[0]
	for t := 0; t < min(20, len(big.msgs)); t++ {
		total += 50 - big.msgs[t]
		big.msgs[t] = 50
	}
	// Top up (or trim) random tickets until the total is exact.
	for total != o.Messages {
		w := wss[r.IntN(len(wss))]
		t := r.IntN(len(w.msgs))
		if w == big && t < 20 {
			continue
		}
		if total < o.Messages && w.msgs[t] < 49 {
			w.msgs[t]++
			total++
		} else if total > o.Messages && w.msgs[t] > 1 {
			w.msgs[t]--
			total--
		}
	}
	return wss
}

func loadScalePeople(ctx context.Context, pool *pgxpool.Pool, wss []*scaleWorkspace, hash string) (int, error) {
	var tenantRows, userRows [][]any
	now := time.Now()
	for _, w := range wss {
		tenantRows = append(tenantRows, []any{w.id, w.slug, "Scale " + w.slug, []string{"Europe/Bucharest", "Asia/Seoul", "America/Los_Angeles"}[len(w.slug)%3], "en", now})
		n := min(30, max(3, w.tickets/150))
		if w.slug == ScaleBigSlug {
			n = 40
		}
		for a := range n {
			id := uuid.New()
			w.agents = append(w.agents, id)
			userRows = append(userRows, []any{id, fmt.Sprintf("agent%03d@%s.test", a+1, w.slug), fmt.Sprintf("Agent %d %s", a+1, w.slug), hash, "", now, now})
		}
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"tenants"}, []string{"id", "slug", "name", "time_zone", "default_language", "created_at"}, pgx.CopyFromRows(tenantRows)); err != nil {
		return 0, fmt.Errorf("seed: copy workspaces: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"users"}, []string{"id", "email", "name", "password_hash", "language", "created_at", "password_changed_at"}, pgx.CopyFromRows(userRows)); err != nil {
		return 0, fmt.Errorf("seed: copy people: %w", err)
	}
	return len(userRows), tx.Commit(ctx)
}

var scaleChannels = []struct{ channel, marketplace string }{
	{"email", ""}, {"email", ""}, {"amazon", "amazon.de"}, {"amazon", "amazon.co.uk"}, {"amazon", "amazon.com"},
	{"ebay", "ebay.com"}, {"ebay", "ebay.de"}, {"walmart", "walmart.com"}, {"etsy", "etsy.com"}, {"tiktok", "tiktokshop.us"},
}

var scaleTags = []string{"where-is-my-order", "refund", "damaged", "return", "vip", "invoice"}

func loadScaleWorkspace(ctx context.Context, pool *pgxpool.Pool, w *scaleWorkspace, seed uint64, now time.Time, prog *progress) error {
	r := rand.New(rand.NewPCG(seed, 0x7e11a))
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SELECT set_config('app.tenant_id', $1, true)", w.id.String()); err != nil {
		return err
	}
	var members [][]any
	for i, a := range w.agents {
		role := "agent"
		if i == 0 {
			role = "admin"
		} else if i == 1 {
			role = "manager"
		}
		members = append(members, []any{w.id, a, role})
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"memberships"}, []string{"tenant_id", "user_id", "role"}, pgx.CopyFromRows(members)); err != nil {
		return fmt.Errorf("copy members: %w", err)
	}
	// Customers: about one per three tickets, each with an email.
	nCust := max(1, w.tickets/3)
	custIDs := make([]uuid.UUID, nCust)
	custLang := make([]string, nCust)
	custName := make([]string, nCust)
	langs := []string{"en", "en", "ko", "ro"}
	var custRows, emailRows [][]any
	for i := range custIDs {
		custIDs[i] = uuid.New()
		custLang[i] = langs[r.IntN(len(langs))]
		first, last := scaleFirst[custLang[i]][r.IntN(10)], scaleLast[custLang[i]][r.IntN(10)]
		custName[i] = first + " " + last
		if custLang[i] == "ko" {
			custName[i] = last + first
		}
		custRows = append(custRows, []any{w.id, custIDs[i], custName[i], custLang[i], now})
		emailRows = append(emailRows, []any{w.id, fmt.Sprintf("buyer%d@%s.example", i+1, w.slug), custIDs[i]})
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"customers"}, []string{"tenant_id", "id", "name", "language", "created_at"}, pgx.CopyFromRows(custRows)); err != nil {
		return fmt.Errorf("copy customers: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"customer_emails"}, []string{"tenant_id", "email", "customer_id"}, pgx.CopyFromRows(emailRows)); err != nil {
		return fmt.Errorf("copy customer emails: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE stage_tickets (number bigint, channel text, marketplace text, subject text, customer_id uuid,
		status text, priority smallint, assignee_id uuid, tags text[], language text, presale boolean, sla_due_at timestamptz,
		created_at timestamptz, last_message_at timestamptz, last_customer_at timestamptz, first_reply_at timestamptz,
		resolved_at timestamptz, message_count int, snippet text, terms text[]) ON COMMIT DROP;
		CREATE TEMP TABLE stage_messages (number bigint, kind text, author_user_id uuid, author_customer_id uuid, body_text text,
		created_at timestamptz, delivery_state text, sent_at timestamptz, terms text[]) ON COMMIT DROP`); err != nil {
		return err
	}

	type planned struct {
		cust    int
		lang    string
		created time.Time
		order   string
		replyBy uuid.UUID
	}
	plan := make([]planned, w.tickets)
	ticketRows := make([][]any, 0, w.tickets)
	for n := range w.tickets {
		c := r.IntN(nCust)
		lang := custLang[c]
		ch := scaleChannels[r.IntN(len(scaleChannels))]
		order := fmt.Sprintf("%03d-%07d-%07d", r.IntN(1000), r.IntN(10_000_000), r.IntN(10_000_000))
		if ch.channel == "ebay" {
			order = fmt.Sprintf("%02d-%05d-%05d", r.IntN(100), r.IntN(100_000), r.IntN(100_000))
		}
		subjects := scaleSubjects[lang]
		subject := subjects[r.IntN(len(subjects))]
		if strings.Contains(subject, "%s") {
			subject = fmt.Sprintf(subject, order)
		}
		msgs := w.msgs[n]
		created := now.Add(-time.Duration(r.IntN(365*24*60)) * time.Minute)
		if r.IntN(4) == 0 {
			created = now.Add(-time.Duration(r.IntN(72*60)) * time.Minute)
		}
		status := "resolved"
		switch x := r.IntN(100); {
		case x < 25:
			status = "open"
		case x < 35:
			status = "pending"
		case x < 40:
			status = "snoozed"
		case x < 50:
			status = "closed"
		}
		var assignee any
		var replyBy uuid.UUID = w.agents[r.IntN(len(w.agents))]
		if status != "open" || r.IntN(10) < 6 {
			assignee = replyBy
		}
		var due, resolved any
		if status == "open" || status == "pending" {
			if r.IntN(10) > 0 {
				due = now.Add(time.Duration(r.IntN(96*60)-24*60) * time.Minute)
			}
		} else if status == "resolved" || status == "closed" {
			resolved = created.Add(time.Duration(msgs) * 47 * time.Minute)
		}
		priority := int16(2)
		switch x := r.IntN(100); {
		case x < 5:
			priority = 0
		case x < 20:
			priority = 1
		case x > 90:
			priority = 3
		}
		tags := []string{}
		if r.IntN(3) == 0 {
			tags = append(tags, scaleTags[r.IntN(len(scaleTags))])
		}
		lastAt := created.Add(time.Duration(msgs-1) * 47 * time.Minute)
		lastCustomer := created.Add(time.Duration((msgs-1)/2*2) * 47 * time.Minute)
		var firstReply any
		if msgs > 1 {
			firstReply = created.Add(47 * time.Minute)
		}
		body := scaleBodies[lang][r.IntN(len(scaleBodies[lang]))]
		plan[n] = planned{cust: c, lang: lang, created: created, order: order, replyBy: replyBy}
		terms := search.Terms(strings.Join([]string{subject, custName[c], fmt.Sprintf("buyer%d@%s.example", c+1, w.slug), order}, " "))
		ticketRows = append(ticketRows, []any{int64(n + 1), ch.channel, ch.marketplace, subject, custIDs[c], status, priority, assignee, tags, lang,
			subject == scaleSubjects[lang][3], due, created, lastAt, lastCustomer, firstReply, resolved, int32(msgs), truncate(body, 160), terms})
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"stage_tickets"}, []string{"number", "channel", "marketplace", "subject", "customer_id", "status",
		"priority", "assignee_id", "tags", "language", "presale", "sla_due_at", "created_at", "last_message_at", "last_customer_at",
		"first_reply_at", "resolved_at", "message_count", "snippet", "terms"}, pgx.CopyFromRows(ticketRows)); err != nil {
		return fmt.Errorf("copy tickets: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO tickets (tenant_id, number, channel, marketplace, subject, customer_id, status, priority, assignee_id,
		tags, language, presale, sla_due_at, created_at, updated_at, last_message_at, last_customer_at, first_reply_at, resolved_at,
		message_count, snippet, search_tsv)
		SELECT $1, number, channel, marketplace, subject, customer_id, status, priority, assignee_id, tags, language, presale, sla_due_at,
		       created_at, last_message_at, last_message_at, last_customer_at, first_reply_at, resolved_at, message_count, snippet,
		       search_vector($1, terms)
		FROM stage_tickets`, w.id); err != nil {
		return fmt.Errorf("insert tickets: %w", err)
	}
	prog.add(w.tickets)
	ticketRows = nil

	// Messages stream from the plan, alternating customer and agent.
	n, m := 0, 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		for n < w.tickets && m >= w.msgs[n] {
			n, m = n+1, 0
		}
		if n >= w.tickets {
			return nil, nil
		}
		p := plan[n]
		at := p.created.Add(time.Duration(m) * 47 * time.Minute)
		var row []any
		if m%2 == 0 {
			body := scaleBodies[p.lang][r.IntN(len(scaleBodies[p.lang]))]
			if m == 0 {
				body += " " + p.order
			}
			row = []any{int64(n + 1), "inbound", nil, custIDs[p.cust], body, at, "", nil, search.Terms(body)}
		} else {
			body := scaleReplies[p.lang][r.IntN(len(scaleReplies[p.lang]))]
			row = []any{int64(n + 1), "outbound", p.replyBy, nil, body, at, "sent", at, search.Terms(body)}
		}
		m++
		prog.add(1)
		return row, nil
	})
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"stage_messages"}, []string{"number", "kind", "author_user_id", "author_customer_id",
		"body_text", "created_at", "delivery_state", "sent_at", "terms"}, src); err != nil {
		return fmt.Errorf("copy messages: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO messages (tenant_id, ticket_id, kind, author_user_id, author_customer_id, body_text,
		created_at, delivery_state, sent_at, search_tsv)
		SELECT $1, t.id, s.kind, s.author_user_id, s.author_customer_id, s.body_text, s.created_at, s.delivery_state, s.sent_at,
		       search_vector($1, s.terms)
		FROM stage_messages s JOIN tickets t ON t.tenant_id = $1 AND t.number = s.number`, w.id); err != nil {
		return fmt.Errorf("insert messages: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO ticket_counters (tenant_id, last) VALUES ($1, $2)`, w.id, int64(w.tickets)); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
