package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopdesk/shopdesk/internal/jobs"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// breachRun adds n open tickets whose targets are already due, with their breach jobs available,
// to a workspace, then lets River work them with the production queue settings and reports how
// many breaches per second were processed (marked, written on the trail, escalated).
func breachRun(ctx context.Context, s services, owner, appPool *pgxpool.Pool, logger *slog.Logger, sc tenant.Scope, n int) error {
	tag := fmt.Sprintf("breach-%d", time.Now().Unix())
	ws, _, err := s.tenants.SignUp(ctx, tenant.SignUpInput{Workspace: tenant.WorkspaceInput{Name: tag, Slug: tag, TimeZone: "Europe/Bucharest", Language: "en"}},
		sc.UserID, []string{"en"})
	if err != nil {
		return err
	}
	if err := fill(ctx, owner, ws.ID.String(), n, 25*time.Hour, time.Hour, "available"); err != nil {
		return err
	}
	client, err := jobs.NewClient(appPool, logger, jobs.Options{Work: true, MaxWorkers: 8, SoftStop: time.Second},
		jobs.Deps{Auth: s.auth, Conversations: s.conv, Automation: s.auto, Store: s.st})
	if err != nil {
		return err
	}
	start := time.Now()
	if err := client.Start(ctx); err != nil {
		return err
	}
	defer func() { _ = client.Stop(context.WithoutCancel(ctx)) }()
	for {
		var left int
		if err := owner.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'sla.timer' AND state IN ('available', 'running', 'retryable')
			AND (args->>'tenant_id')::uuid = $1`, ws.ID).Scan(&left); err != nil {
			return err
		}
		if left == 0 {
			break
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		time.Sleep(100 * time.Millisecond)
	}
	elapsed := time.Since(start)
	var breached, events int
	if err := owner.QueryRow(ctx, `SELECT count(*) FROM ticket_slas WHERE tenant_id = $1 AND breached_at IS NOT NULL`, ws.ID).Scan(&breached); err != nil {
		return err
	}
	if err := owner.QueryRow(ctx, `SELECT count(*) FROM ticket_events WHERE tenant_id = $1 AND kind = 'sla_breached'`, ws.ID).Scan(&events); err != nil {
		return err
	}
	fmt.Printf("breach processing: %d due breach jobs worked in %s by one process (sla queue: 8 workers) = %.0f breaches/s; %d targets marked breached, %d audit lines\n",
		n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), breached, events)
	if breached != n || events != n {
		return fmt.Errorf("expected %d breaches exactly once, got %d marked and %d events", n, breached, events)
	}
	return nil
}
