package automation

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/routing"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// TeamInput is the team form.
type TeamInput struct {
	Name       string
	Tier       string
	Assignment string
	CalendarID uuid.UUID
}

// Team is a team with its members.
type Team struct {
	dbsqlc.Team
	Members []dbsqlc.TeamMembersRow
}

// Teams lists the workspace's teams by tier with their members.
func (e *Engine) Teams(ctx context.Context, sc tenant.Scope) ([]Team, error) {
	var out []Team
	err := e.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		teams, err := q.TeamList(ctx, sc.TenantID())
		if err != nil {
			return err
		}
		for _, t := range teams {
			ms, err := q.TeamMembers(ctx, dbsqlc.TeamMembersParams{TenantID: sc.TenantID(), TeamID: t.ID})
			if err != nil {
				return err
			}
			out = append(out, Team{Team: t, Members: ms})
		}
		return nil
	})
	return out, err
}

// SaveTeam creates (id uuid.Nil) or updates a team.
func (e *Engine) SaveTeam(ctx context.Context, sc tenant.Scope, id uuid.UUID, in TeamInput) (uuid.UUID, error) {
	if err := sc.Require(tenant.RoleAdmin); err != nil {
		return uuid.Nil, err
	}
	errs := validate.Errors{}
	name := strings.TrimSpace(in.Name)
	if name == "" || len(name) > 100 {
		errs.Add("name", "teams.name_required")
	}
	tier, err := strconv.Atoi(in.Tier)
	if err != nil || tier < 1 || tier > 3 {
		errs.Add("tier", "teams.tier_invalid")
	}
	if !slices.Contains(routing.Modes, in.Assignment) {
		errs.Add("assignment", "teams.assignment_invalid")
	}
	if err := errs.Err(); err != nil {
		return uuid.Nil, err
	}
	cal := uuid.NullUUID{UUID: in.CalendarID, Valid: in.CalendarID != uuid.Nil}
	err = e.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, tx pgx.Tx) error {
		if id == uuid.Nil {
			t, err := q.TeamCreate(ctx, dbsqlc.TeamCreateParams{TenantID: sc.TenantID(), Name: name, Tier: int16(tier), Assignment: in.Assignment, CalendarID: cal})
			if _, ok := store.UniqueViolation(err); ok {
				return validate.Errors{"name": "teams.name_taken"}
			} else if err != nil {
				return err
			}
			id = t.ID
		} else {
			n, err := q.TeamUpdate(ctx, dbsqlc.TeamUpdateParams{TenantID: sc.TenantID(), ID: id, Name: name, Tier: int16(tier), Assignment: in.Assignment, CalendarID: cal})
			if _, ok := store.UniqueViolation(err); ok {
				return validate.Errors{"name": "teams.name_taken"}
			} else if err != nil {
				return err
			}
			if n == 0 {
				return store.ErrNotFound
			}
			// Switching to automatic assignment hands out what waits.
			if _, err := e.Router.Drain(ctx, q, tx, sc.TenantID(), id); err != nil {
				return err
			}
		}
		return tenant.Audit(ctx, q, sc, "team.saved", map[string]any{"team": name, "assignment": in.Assignment})
	})
	return id, err
}

// MemberInput is a person's place in a team.
type MemberInput struct {
	Capacity     map[string]int // channel or "*" → open tickets
	Languages    []string
	Marketplaces []string
	// Channels the person may work in this team (empty: all); routing never gives them a ticket of
	// another channel from this team. Their places in other teams are untouched.
	Channels []string
}

// SetTeamMember adds a person to a team or updates their capacity and skills; room freed up is
// handed out at once.
func (e *Engine) SetTeamMember(ctx context.Context, sc tenant.Scope, teamID, userID uuid.UUID, in MemberInput) error {
	if err := sc.Require(tenant.RoleAdmin); err != nil {
		return err
	}
	for ch, n := range in.Capacity {
		if n < 0 || n > 1000 || (ch != "*" && !slices.Contains(conversation.Channels, ch)) {
			return validate.Errors{"capacity": "teams.capacity_invalid"}
		}
	}
	for _, ch := range in.Channels {
		if !slices.Contains(conversation.Channels, ch) {
			return validate.Errors{"channels": "teams.channels_invalid"}
		}
	}
	capb, _ := json.Marshal(in.Capacity)
	if in.Capacity == nil {
		capb = []byte("{}")
	}
	return e.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, tx pgx.Tx) error {
		if _, err := q.MembershipGet(ctx, dbsqlc.MembershipGetParams{TenantID: sc.TenantID(), UserID: userID}); err != nil {
			return validate.Errors{"user": "teams.member_unknown"}
		}
		if err := q.TeamMemberSet(ctx, dbsqlc.TeamMemberSetParams{TenantID: sc.TenantID(), TeamID: teamID, UserID: userID, Capacity: capb,
			Languages: nonNil(in.Languages), Marketplaces: nonNil(in.Marketplaces), Channels: nonNil(in.Channels)}); err != nil {
			return notFound(err)
		}
		_, err := e.Router.Drain(ctx, q, tx, sc.TenantID(), teamID)
		return err
	})
}

// SetAvailability marks a person online or away in the workspace; coming online takes waiting
// tickets from their teams' queues.
func (e *Engine) SetAvailability(ctx context.Context, sc tenant.Scope, userID uuid.UUID, availability string) error {
	if userID != sc.UserID {
		if err := sc.Require(tenant.RoleAdmin); err != nil {
			return err
		}
	}
	if availability != "online" && availability != "away" {
		return validate.Errors{"availability": "teams.availability_invalid"}
	}
	return e.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, tx pgx.Tx) error {
		n, err := q.MembershipSetAvailability(ctx, dbsqlc.MembershipSetAvailabilityParams{TenantID: sc.TenantID(), UserID: userID, Availability: availability})
		if err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		if availability != "online" {
			return nil
		}
		teams, err := q.TeamsOfMember(ctx, dbsqlc.TeamsOfMemberParams{TenantID: sc.TenantID(), UserID: userID})
		if err != nil {
			return err
		}
		for _, t := range teams {
			if _, err := e.Router.Drain(ctx, q, tx, sc.TenantID(), t); err != nil {
				return err
			}
		}
		return nil
	})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Team loads one team of the workspace.
func (e *Engine) Team(ctx context.Context, sc tenant.Scope, id uuid.UUID) (dbsqlc.Team, error) {
	var t dbsqlc.Team
	err := e.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		t, err = q.TeamGet(ctx, dbsqlc.TeamGetParams{TenantID: sc.TenantID(), ID: id})
		return notFound(err)
	})
	return t, err
}

// RemoveTeamMember takes a person out of a team; their open tickets stay theirs.
func (e *Engine) RemoveTeamMember(ctx context.Context, sc tenant.Scope, teamID, userID uuid.UUID) error {
	if err := sc.Require(tenant.RoleAdmin); err != nil {
		return err
	}
	return e.st.InTenantTx(ctx, sc.TenantID(), func(q *dbsqlc.Queries, _ pgx.Tx) error {
		n, err := q.TeamMemberRemove(ctx, dbsqlc.TeamMemberRemoveParams{TenantID: sc.TenantID(), TeamID: teamID, UserID: userID})
		if err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		return tenant.Audit(ctx, q, sc, "team.member_removed", map[string]any{"team": teamID.String(), "user": userID.String()})
	})
}
