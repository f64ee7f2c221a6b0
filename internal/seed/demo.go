// Package seed creates the demo workspace that `make run` signs you into. It is idempotent: a second
// run finds what the first made and adds only what is missing.
package seed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/shopdesk/shopdesk/internal/auth"
	"github.com/shopdesk/shopdesk/internal/automation"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// Demo logins, printed by `make run`.
const (
	DemoSlug     = "demo"
	DemoPassword = "shopdesk-demo"
)

// DemoUser is one demo login.
type DemoUser struct {
	Email, Name, Role, Language string
}

// DemoUsers are the demo workspace's people: one per role, plus a second agent for trying two
// agents on one ticket.
var DemoUsers = []DemoUser{
	{"admin@demo.test", "Ana Admin", "admin", ""},
	{"manager@demo.test", "Minho Manager", "manager", "ko"},
	{"agent@demo.test", "Alex Agent", "agent", ""},
	{"agent2@demo.test", "Ioana Agent", "agent", "ro"},
}

// Result says what a run created.
type Result struct {
	WorkspaceCreated bool
	UsersCreated     int
	TicketsCreated   int
}

// Demo creates or completes the demo workspace.
func Demo(ctx context.Context, st *store.Store) (Result, error) { return DemoWith(ctx, st, nil) }

// DemoWith is Demo with a River client (insert-only is enough), so the sample tickets' SLA
// warnings and breaches are scheduled like any ticket's and fire once the server runs.
func DemoWith(ctx context.Context, st *store.Store, jobs *river.Client[pgx.Tx]) (Result, error) {
	var res Result
	hash, err := auth.HashPassword(DemoPassword)
	if err != nil {
		return res, err
	}
	var ws dbsqlc.Tenant
	users := map[string]uuid.UUID{}
	err = st.InTx(ctx, func(q *dbsqlc.Queries, tx pgx.Tx) error {
		var err error
		ws, err = q.TenantBySlug(ctx, DemoSlug)
		if errors.Is(err, pgx.ErrNoRows) {
			ws, err = q.TenantCreate(ctx, dbsqlc.TenantCreateParams{Slug: DemoSlug, Name: "Demo Shop", TimeZone: "Europe/Bucharest", DefaultLanguage: "en"})
			res.WorkspaceCreated = err == nil
		}
		if err != nil {
			return fmt.Errorf("seed: demo workspace: %w", err)
		}
		if err := store.Pin(ctx, tx, ws.ID); err != nil {
			return err
		}
		// What every new workspace gets (calendar, SLA presets, default rules), also for a demo
		// workspace seeded before those existed.
		if _, err := q.CalendarDefault(ctx, ws.ID); errors.Is(err, pgx.ErrNoRows) {
			if err := automation.SeedDefaults(ctx, q, tx, ws); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		for _, du := range DemoUsers {
			u, err := q.UserByEmail(ctx, du.Email)
			if errors.Is(err, pgx.ErrNoRows) {
				u, err = q.UserCreate(ctx, dbsqlc.UserCreateParams{Email: du.Email, Name: du.Name, PasswordHash: hash, Language: du.Language})
				if err == nil {
					res.UsersCreated++
				}
			}
			if err != nil {
				return fmt.Errorf("seed: user %s: %w", du.Email, err)
			}
			users[du.Email] = u.ID
			if _, err := q.MembershipGet(ctx, dbsqlc.MembershipGetParams{TenantID: ws.ID, UserID: u.ID}); errors.Is(err, pgx.ErrNoRows) {
				if err := q.MembershipCreate(ctx, dbsqlc.MembershipCreateParams{TenantID: ws.ID, UserID: u.ID, Role: du.Role}); err != nil {
					return fmt.Errorf("seed: membership %s: %w", du.Email, err)
				}
			} else if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return res, err
	}
	admin := tenant.Scope{Workspace: ws, UserID: users["admin@demo.test"], Role: tenant.RoleAdmin}
	if err := demoTeams(ctx, st, admin, users); err != nil {
		return res, err
	}
	res.TicketsCreated, err = demoConversations(ctx, st, jobs, admin, users, time.Now())
	return res, err
}

// demoTeams adds the sample teams once: tier 1 with the two agents (round-robin, capacity per
// channel), tier 2 with the manager (manual).
func demoTeams(ctx context.Context, st *store.Store, sc tenant.Scope, users map[string]uuid.UUID) error {
	auto := automation.New(st, nil)
	teams, err := auto.Teams(ctx, sc)
	if err != nil || len(teams) > 0 {
		return err
	}
	t1, err := auto.SaveTeam(ctx, sc, uuid.Nil, automation.TeamInput{Name: "Tier 1 support", Tier: "1", Assignment: "round_robin"})
	if err != nil {
		return err
	}
	for _, email := range []string{"agent@demo.test", "agent2@demo.test"} {
		if err := auto.SetTeamMember(ctx, sc, t1, users[email], automation.MemberInput{Capacity: map[string]int{"email": 10, "amazon": 8, "*": 20},
			Languages: []string{"en", "ro", "ko"}}); err != nil {
			return err
		}
	}
	t2, err := auto.SaveTeam(ctx, sc, uuid.Nil, automation.TeamInput{Name: "Tier 2 escalations", Tier: "2", Assignment: "manual"})
	if err != nil {
		return err
	}
	return auto.SetTeamMember(ctx, sc, t2, users["manager@demo.test"], automation.MemberInput{})
}
