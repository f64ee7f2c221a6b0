// Package routing assigns tickets within a team: manual, round-robin or least-loaded, with
// per-agent capacity per channel, skills (languages, marketplaces), availability and channel
// access. A ticket nobody can take waits in the team's queue and is assigned as soon as someone
// frees up (Drain), oldest first.
package routing

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// Modes a team assigns by.
const (
	Manual      = "manual"
	RoundRobin  = "round_robin"
	LeastLoaded = "least_loaded"
)

// Modes lists them for forms.
var Modes = []string{Manual, RoundRobin, LeastLoaded}

// Candidate is a team member as routing sees them.
type Candidate struct {
	UserID                  uuid.UUID
	Capacity                map[string]int // channel → open tickets; "*" all channels; none: no limit
	Languages, Marketplaces []string
	Channels                []string // channels they may work in this team; empty: all
	Online                  bool
	LoadAll, LoadChannel    int
}

// Need is what a ticket asks of its agent.
type Need struct {
	Channel, Marketplace, Language string
}

// Eligible says whether c may take a ticket with need now.
func (c *Candidate) Eligible(n Need) bool {
	if !c.Online || !c.CanSee(n.Channel) {
		return false
	}
	if len(c.Languages) > 0 && n.Language != "" && !slices.Contains(c.Languages, n.Language) {
		return false
	}
	if len(c.Marketplaces) > 0 && n.Marketplace != "" && !slices.Contains(c.Marketplaces, n.Marketplace) {
		return false
	}
	if capacity, ok := c.Capacity[n.Channel]; ok && c.LoadChannel >= capacity {
		return false
	}
	if capacity, ok := c.Capacity["*"]; ok && c.LoadAll >= capacity {
		return false
	}
	return true
}

// CanSee reports access to a channel: a ticket is never assigned to someone without it.
func (c *Candidate) CanSee(channel string) bool {
	return len(c.Channels) == 0 || slices.Contains(c.Channels, channel)
}

// Pick chooses the member for a ticket; candidates are in a stable order (by id) and last is the
// member the team assigned last, so round-robin continues after them.
func Pick(mode string, cands []Candidate, n Need, last uuid.UUID) (uuid.UUID, bool) {
	if mode == Manual || len(cands) == 0 {
		return uuid.Nil, false
	}
	// Rotation order: those after last first, then from the start.
	start := 0
	for i, c := range cands {
		if c.UserID == last {
			start = i + 1
			break
		}
	}
	best := -1
	for k := range cands {
		i := (start + k) % len(cands)
		c := &cands[i]
		if !c.Eligible(n) {
			continue
		}
		if mode == RoundRobin {
			return c.UserID, true
		}
		if best < 0 || c.LoadAll < cands[best].LoadAll {
			best = i
		}
	}
	if best < 0 {
		return uuid.Nil, false
	}
	return cands[best].UserID, true
}

// Recorder writes the assignment on the ticket's trail.
type Recorder func(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, tenantID uuid.UUID, ticketID int64, kind string, data map[string]any) error

// Router assigns in the caller's transaction.
type Router struct {
	Record Recorder
}

// Route assigns an unassigned ticket of a team with automatic assignment; false means it waits.
func (r *Router) Route(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, tenantID uuid.UUID, ticketID int64) (bool, error) {
	t, err := q.TicketByID(ctx, dbsqlc.TicketByIDParams{TenantID: tenantID, ID: ticketID})
	if err != nil {
		return false, err
	}
	if t.AssigneeID.Valid || !t.TeamID.Valid || t.MergedInto.Valid || (t.Status != "open" && t.Status != "pending") {
		return false, nil
	}
	team, err := q.TeamForUpdate(ctx, dbsqlc.TeamForUpdateParams{TenantID: tenantID, ID: t.TeamID.UUID})
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	if team.Assignment == Manual {
		return false, nil
	}
	cands, err := Candidates(ctx, q, tenantID, team.ID, t.Channel)
	if err != nil {
		return false, err
	}
	last := uuid.Nil
	if team.LastAssigned.Valid {
		last = team.LastAssigned.UUID
	}
	who, ok := Pick(team.Assignment, cands, Need{Channel: t.Channel, Marketplace: t.Marketplace, Language: t.Language}, last)
	if !ok {
		return false, nil
	}
	if err := q.TicketSetAssignee(ctx, dbsqlc.TicketSetAssigneeParams{TenantID: tenantID, ID: t.ID, AssigneeID: uuid.NullUUID{UUID: who, Valid: true}}); err != nil {
		return false, err
	}
	if err := q.TeamSetLastAssigned(ctx, dbsqlc.TeamSetLastAssignedParams{TenantID: tenantID, ID: team.ID, UserID: uuid.NullUUID{UUID: who, Valid: true}}); err != nil {
		return false, err
	}
	if r.Record != nil {
		if err := r.Record(ctx, q, tx, tenantID, t.ID, "assigned", map[string]any{"from": "", "to": who.String(), "by": "routing", "team": team.Name, "mode": team.Assignment}); err != nil {
			return false, err
		}
	}
	return true, nil
}

// Drain assigns the team's waiting tickets, oldest first, while someone has room. Waiting tickets
// are locked and skipped when another transaction holds them.
func (r *Router) Drain(ctx context.Context, q *dbsqlc.Queries, tx pgx.Tx, tenantID, teamID uuid.UUID) (int, error) {
	waiting, err := q.TeamQueue(ctx, dbsqlc.TeamQueueParams{TenantID: tenantID, TeamID: uuid.NullUUID{UUID: teamID, Valid: true}, Max: 50})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range waiting {
		ok, err := r.Route(ctx, q, tx, tenantID, id)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// Candidates loads a team's members for a channel.
func Candidates(ctx context.Context, q *dbsqlc.Queries, tenantID, teamID uuid.UUID, channel string) ([]Candidate, error) {
	rows, err := q.TeamCandidates(ctx, dbsqlc.TeamCandidatesParams{TenantID: tenantID, TeamID: teamID, Channel: channel})
	if err != nil {
		return nil, err
	}
	out := make([]Candidate, 0, len(rows))
	for _, r := range rows {
		c := Candidate{UserID: r.UserID, Languages: r.Languages, Marketplaces: r.Marketplaces, Channels: r.Channels,
			Online: r.Availability == "online", LoadAll: int(r.LoadAll), LoadChannel: int(r.LoadChannel)}
		if len(r.Capacity) > 0 {
			if err := json.Unmarshal(r.Capacity, &c.Capacity); err != nil {
				return nil, err
			}
		}
		out = append(out, c)
	}
	return out, nil
}
