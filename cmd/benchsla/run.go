package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopdesk/shopdesk/internal/auth"
	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/jobs"
	"github.com/shopdesk/shopdesk/internal/rule"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

type services struct {
	st      *store.Store
	tenants *tenant.Service
	conv    *conversation.Service
	auto    *automation.Engine
	auth    *auth.Service
}

func run(ctx context.Context, tickets, workspaces, events, breaches int) error {
	ownerURL, stop, err := database(ctx)
	defer stop()
	if err != nil {
		return err
	}
	owner, err := pgxpool.New(ctx, ownerURL)
	if err != nil {
		return err
	}
	defer owner.Close()
	if err := migrateUp(ctx, owner); err != nil {
		return err
	}
	appPool, err := store.Open(ctx, withUser(ownerURL, "shopdesk_app", "bench"), 20)
	if err != nil {
		return err
	}
	defer appPool.Close()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := services{st: store.New(appPool)}
	s.tenants = tenant.New(s.st, nil)
	s.tenants.OnCreate = automation.SeedDefaults
	s.conv = conversation.New(s.st, nil, nil)
	s.auto = automation.New(s.st, nil)
	s.auth = auth.New(s.st, auth.DefaultThrottle, nil)
	inserter, err := jobs.NewClient(appPool, logger, jobs.Options{}, jobs.Deps{})
	if err != nil {
		return err
	}
	s.conv.UseJobs(inserter)
	s.auto.UseJobs(inserter)

	scopes, err := prepareWorkspaces(ctx, s, owner, tickets, workspaces)
	if err != nil {
		return err
	}
	var total int64
	if err := owner.QueryRow(ctx, "SELECT count(*) FROM ticket_slas WHERE state = 'running'").Scan(&total); err != nil {
		return err
	}
	var scheduled int64
	if err := owner.QueryRow(ctx, "SELECT count(*) FROM river_job WHERE kind = 'sla.timer' AND state = 'scheduled'").Scan(&scheduled); err != nil {
		return err
	}
	fmt.Printf("data set: %d running SLA targets on open tickets, %d scheduled SLA jobs, %d workspaces\n\n", total, scheduled, len(scopes))

	perWS := tickets / workspaces
	used := map[string]bool{}
	pick := func(n int, from []tenant.Scope) []target {
		var out []target
		for len(out) < n {
			sc := from[rand.IntN(len(from))]
			num := int64(1 + rand.IntN(perWS))
			key := sc.Workspace.Slug + fmt.Sprint(num)
			if !used[key] {
				used[key] = true
				out = append(out, target{sc, num})
			}
		}
		return out
	}
	fmt.Println("| event | automation | writers | events | p50 | p95 | events/s |")
	fmt.Println("|---|---|---|---|---|---|---|")
	plain := scopes[2:]
	for _, writers := range []int{1, 4} {
		for _, auto := range []bool{false, true} {
			if auto {
				s.conv.UseAutomation(s.auto)
			} else {
				s.conv.UseAutomation(nil)
			}
			ts := pick(events, plain)
			label := map[bool]string{false: "off", true: "on"}[auto]
			res, err := measure(ctx, ts, writers, func(t target) error {
				_, err := s.conv.Reply(ctx, t.sc, t.number, conversation.ReplyInput{Body: "On its way.", Confirm: true})
				return err
			})
			if err != nil {
				return err
			}
			res.print("agent reply (first response met)", label, writers)
			res, err = measure(ctx, ts, writers, func(t target) error {
				_, err := s.conv.AppendInbound(ctx, t.sc, t.number, conversation.Inbound{Text: "Thanks, and the invoice?"})
				return err
			})
			if err != nil {
				return err
			}
			res.print("customer writes again (next response scheduled)", label, writers)
		}
	}
	// 50 active rules in one workspace: the same customer message.
	s.conv.UseAutomation(s.auto)
	if err := fiftyRules(ctx, s, scopes[1]); err != nil {
		return err
	}
	for _, writers := range []int{1, 4} {
		ts := pick(events, scopes[1:2])
		if _, err := measure(ctx, ts, writers, func(t target) error {
			_, err := s.conv.Reply(ctx, t.sc, t.number, conversation.ReplyInput{Body: "On its way.", Confirm: true})
			return err
		}); err != nil {
			return err
		}
		res, err := measure(ctx, ts, writers, func(t target) error {
			_, err := s.conv.AppendInbound(ctx, t.sc, t.number, conversation.Inbound{Text: "Thanks, and the invoice for order 302-1234567-7654321?"})
			return err
		})
		if err != nil {
			return err
		}
		res.print("customer writes again, 50 active rules", "on", writers)
	}
	fmt.Println()
	return breachRun(ctx, s, owner, appPool, logger, scopes[0], breaches)
}

type target struct {
	sc     tenant.Scope
	number int64
}

type result struct {
	lat     []time.Duration
	elapsed time.Duration
}

func (r result) print(name, auto string, writers int) {
	slices.Sort(r.lat)
	q := func(p float64) time.Duration { return r.lat[int(p*float64(len(r.lat)-1))] }
	fmt.Printf("| %s | %s | %d | %d | %.1f ms | %.1f ms | %.0f |\n", name, auto, writers, len(r.lat),
		ms(q(0.5)), ms(q(0.95)), float64(len(r.lat))/r.elapsed.Seconds())
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// measure runs fn for every target with the given number of concurrent writers.
func measure(ctx context.Context, ts []target, writers int, fn func(target) error) (result, error) {
	var mu sync.Mutex
	var res result
	var firstErr error
	ch := make(chan target)
	var wg sync.WaitGroup
	start := time.Now()
	for range writers {
		wg.Go(func() {
			for t := range ch {
				t0 := time.Now()
				err := fn(t)
				d := time.Since(t0)
				mu.Lock()
				res.lat = append(res.lat, d)
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("ticket %s#%d: %w", t.sc.Workspace.Slug, t.number, err)
				}
				mu.Unlock()
			}
		})
	}
	for _, t := range ts {
		if ctx.Err() != nil {
			break
		}
		ch <- t
	}
	close(ch)
	wg.Wait()
	res.elapsed = time.Since(start)
	return res, firstErr
}

// prepareWorkspaces signs up the workspaces (with their default presets and rules) and fills them
// once; later runs reuse them.
func prepareWorkspaces(ctx context.Context, s services, owner *pgxpool.Pool, tickets, workspaces int) ([]tenant.Scope, error) {
	var out []tenant.Scope
	var userID uuid.UUID
	for w := range workspaces {
		slug := fmt.Sprintf("sla-%d", w)
		ws, err := s.tenants.BySlug(ctx, slug)
		if err == nil {
			var uid uuid.UUID
			if err := owner.QueryRow(ctx, "SELECT user_id FROM memberships WHERE tenant_id = $1 LIMIT 1", ws.ID).Scan(&uid); err != nil {
				return nil, err
			}
			sc, err := s.tenants.Resolve(ctx, slug, uid)
			if err != nil {
				return nil, err
			}
			userID = uid
			var have int
			if err := owner.QueryRow(ctx, "SELECT count(*) FROM tickets WHERE tenant_id = $1", ws.ID).Scan(&have); err != nil {
				return nil, err
			}
			if have == 0 { // signed up by an interrupted run, never filled
				if err := fill(ctx, owner, ws.ID.String(), tickets/workspaces, 0, 9*time.Hour, "scheduled"); err != nil {
					return nil, err
				}
			}
			out = append(out, sc)
			continue
		}
		in := tenant.SignUpInput{Workspace: tenant.WorkspaceInput{Name: "SLA " + slug, Slug: slug, TimeZone: "Europe/Bucharest", Language: "en"},
			Name: "Bench admin", Email: "admin@benchsla.test", Password: "bench password 123"}
		ws, uid, err := s.tenants.SignUp(ctx, in, userID, []string{"en"})
		if err != nil {
			return nil, err
		}
		userID = uid
		t0 := time.Now()
		if err := fill(ctx, owner, ws.ID.String(), tickets/workspaces, 0, 9*time.Hour, "scheduled"); err != nil {
			return nil, err
		}
		fmt.Fprintf(os.Stderr, "benchsla: workspace %d/%d filled with %d open tickets in %s\n", w+1, workspaces, tickets/workspaces, time.Since(t0).Round(time.Second))
		sc, err := s.tenants.Resolve(ctx, slug, uid)
		if err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	if _, err := owner.Exec(ctx, "ANALYZE"); err != nil {
		return nil, err
	}
	return out, nil
}

// fiftyRules gives a workspace 50 enabled customer-message rules of the kinds sellers write;
// none of them matches the benchmark's message, so every one is evaluated.
func fiftyRules(ctx context.Context, s services, sc tenant.Scope) error {
	have, err := s.auto.Rules(ctx, sc)
	if err != nil {
		return err
	}
	for i := len(have); i < 52; i++ {
		in := automation.RuleInput{Name: fmt.Sprintf("Rule %02d", i), Trigger: rule.TriggerCustomerMsg, Match: "all", Enabled: true,
			Actions: []rule.Action{{Type: "add_tag", Value: fmt.Sprintf("t%d", i)}}}
		switch i % 4 {
		case 0:
			in.Conditions = []rule.Condition{{Field: "subject_body", Op: "contains", Value: fmt.Sprintf("keyword%d|phrase %d", i, i)}}
		case 1:
			in.Conditions = []rule.Condition{{Field: "channel", Op: "is", Value: "etsy"}, {Field: "language", Op: "is", Value: "de"}}
		case 2:
			in.Conditions = []rule.Condition{{Field: "body", Op: "regex", Value: fmt.Sprintf(`\b%03d-\d{7}-\d{7}\b`, i)}}
		default:
			in.Conditions = []rule.Condition{{Field: "customer_tag", Op: "has", Value: "vip"}, {Field: "order_value", Op: "gt", Value: "500"}}
		}
		if _, err := s.auto.SaveRule(ctx, sc, uuid.Nil, in); err != nil {
			return err
		}
	}
	return nil
}
