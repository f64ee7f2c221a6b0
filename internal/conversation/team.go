package conversation

import (
	"context"
	"errors"
	"slices"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// Teams lists the workspace's teams (tier, then name), for the ticket's team picker.
func (s *Service) Teams(ctx context.Context, sc tenant.Scope) ([]dbsqlc.Team, error) {
	var out []dbsqlc.Team
	err := s.inTenant(ctx, sc, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		out, err = q.TeamList(ctx, sc.TenantID())
		return err
	})
	return out, err
}

// SetTeam hands the ticket to a team (uuid.Nil: no team). An assignee who is not in the new team
// leaves the ticket, as when a rule moves it, so the team's routing can give it to one of its own.
func (s *Service) SetTeam(ctx context.Context, sc tenant.Scope, number int64, teamID uuid.UUID) error {
	return s.change(ctx, sc, number, func(q *dbsqlc.Queries, _ pgx.Tx, t Ticket) (string, map[string]any, error) {
		if t.TeamID.Valid == (teamID != uuid.Nil) && t.TeamID.UUID == teamID {
			return "", nil, nil
		}
		data := map[string]any{"from": "", "to": ""}
		if t.TeamID.Valid {
			old, err := q.TeamGet(ctx, dbsqlc.TeamGetParams{TenantID: sc.TenantID(), ID: t.TeamID.UUID})
			if err == nil {
				data["from"] = old.Name
			} else if !errors.Is(err, pgx.ErrNoRows) {
				return "", nil, err
			}
		}
		to := uuid.NullUUID{UUID: teamID, Valid: teamID != uuid.Nil}
		if to.Valid {
			team, err := q.TeamGet(ctx, dbsqlc.TeamGetParams{TenantID: sc.TenantID(), ID: teamID})
			if errors.Is(err, pgx.ErrNoRows) {
				return "", nil, validate.Errors{"team": "ticket.team_invalid"}
			} else if err != nil {
				return "", nil, err
			}
			data["to"], data["tier"] = team.Name, team.Tier
		}
		if err := q.TicketSetTeam(ctx, dbsqlc.TicketSetTeamParams{TenantID: sc.TenantID(), ID: t.ID, TeamID: to}); err != nil {
			return "", nil, err
		}
		if t.AssigneeID.Valid && to.Valid {
			teams, err := q.TeamsOfMember(ctx, dbsqlc.TeamsOfMemberParams{TenantID: sc.TenantID(), UserID: t.AssigneeID.UUID})
			if err != nil {
				return "", nil, err
			}
			if !slices.Contains(teams, teamID) {
				if err := q.TicketSetAssignee(ctx, dbsqlc.TicketSetAssigneeParams{TenantID: sc.TenantID(), ID: t.ID}); err != nil {
					return "", nil, err
				}
				data["unassigned"] = t.AssigneeID.UUID.String()
			}
		}
		return "team", data, nil
	})
}
