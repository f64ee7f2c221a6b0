package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// PipelineFunc issues statements that do not depend on each other's results: q for sqlc queries,
// db for anything else. It runs twice (see pipeline), so it must only assign what it reads, never
// accumulate across runs, must not branch on a result other than its error, and must compute
// arguments that differ between calls (the time now) before it, not inside.
type PipelineFunc func(q *dbsqlc.Queries, db dbsqlc.DBTX) error

// Join runs several services' statements as one PipelineFunc, in order, so a page can read what
// different services own in the same round trip (each part keeps the PipelineFunc rules).
func Join(parts ...PipelineFunc) PipelineFunc {
	return func(q *dbsqlc.Queries, db dbsqlc.DBTX) error {
		for _, p := range parts {
			if p == nil {
				continue
			}
			if err := p(q, db); err != nil {
				return err
			}
		}
		return nil
	}
}

// ErrPipelineDependent means a pipelined statement's text or arguments came out differently once
// results were real: it depended on an earlier statement of the same pipeline.
var ErrPipelineDependent = errors.New("store: pipelined statement depends on an earlier result")

// InTenantPipeline runs fn's statements pinned to a workspace in a single round trip: the pin and
// the statements go out as one batch, which PostgreSQL runs as one implicit transaction ending at
// the batch's Sync, so the transaction-local pin covers every statement and ends with them, and
// any writes among them commit together. A page view needs no BEGIN and COMMIT round trips.
//
// genericPlans is for statements whose best plan does not depend on their arguments, such as a
// list page walking its view's index to the LIMIT. PostgreSQL would otherwise plan such a
// statement afresh on every run: its generic plan, costed for an average workspace, looks dearer
// than a custom plan for a big one, although the two are the same index scan — and the custom
// planning (about 1 ms) then cost more than running the statement.
func (s *Store) InTenantPipeline(ctx context.Context, tenantID uuid.UUID, genericPlans bool, fn PipelineFunc) error {
	pin := []call{{sql: "SELECT set_config('app.tenant_id', $1, true)", args: []any{tenantID.String()}}}
	if genericPlans {
		pin = append(pin, call{sql: "SELECT set_config('plan_cache_mode', 'force_generic_plan', true)"})
	}
	return pipeline(ctx, s.Pool, pin, fn)
}

// AsUserPipeline is InTenantPipeline for the signed-in person (see InUserTx).
func (s *Store) AsUserPipeline(ctx context.Context, userID uuid.UUID, fn PipelineFunc) error {
	return pipeline(ctx, s.Pool, []call{{sql: "SELECT set_config('app.user_id', $1, true)", args: []any{userID.String()}}}, fn)
}

type batchSender interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// pipeline sends pin's statements, then fn's, to PostgreSQL as one batch: one round trip. A page
// such as the ticket view reads a dozen independent things; one after the other they cost a dozen
// network round trips, which on two shared cores cost more CPU (system calls, wake-ups on both
// sides) than the statements themselves. fn runs once against a recorder that answers every
// statement with no rows, which yields the statements and their arguments; they go out as one
// batch, and fn runs again reading the batch's results in the same order.
func pipeline(ctx context.Context, to batchSender, pin []call, fn PipelineFunc) error {
	rec := &recorder{}
	if err := fn(dbsqlc.New(rec), rec); err != nil {
		return err
	}
	if len(rec.calls) == 0 {
		return nil
	}
	batch := &pgx.Batch{}
	for _, c := range append(pin, rec.calls...) {
		batch.Queue(c.sql, c.args...)
	}
	br := to.SendBatch(ctx, batch)
	err := func() error {
		for range pin {
			if _, err := br.Exec(); err != nil {
				return err
			}
		}
		rp := &replayer{br: br, calls: rec.calls}
		if err := fn(dbsqlc.New(rp), rp); err != nil {
			return err
		}
		if rp.next != len(rp.calls) {
			return fmt.Errorf("%w: %d statements recorded, %d read", ErrPipelineDependent, len(rp.calls), rp.next)
		}
		return nil
	}()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return err
}

type call struct {
	sql  string
	args []any
}

// recorder answers every statement with nothing: no rows, a row that scans as zero values.
type recorder struct{ calls []call }

func (r *recorder) record(sql string, args []any) { r.calls = append(r.calls, call{sql, args}) }

func (r *recorder) Exec(_ context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	r.record(sql, args)
	return pgconn.CommandTag{}, nil
}

func (r *recorder) Query(_ context.Context, sql string, args ...any) (pgx.Rows, error) {
	r.record(sql, args)
	return emptyRows{}, nil
}

func (r *recorder) QueryRow(_ context.Context, sql string, args ...any) pgx.Row {
	r.record(sql, args)
	return zeroRow{}
}

type zeroRow struct{}

func (zeroRow) Scan(...any) error { return nil }

type emptyRows struct{}

func (emptyRows) Close()                                       {}
func (emptyRows) Err() error                                   { return nil }
func (emptyRows) CommandTag() pgconn.CommandTag                { return pgconn.CommandTag{} }
func (emptyRows) FieldDescriptions() []pgconn.FieldDescription { return nil }
func (emptyRows) Next() bool                                   { return false }
func (emptyRows) Scan(...any) error                            { return nil }
func (emptyRows) Values() ([]any, error)                       { return nil, nil }
func (emptyRows) RawValues() [][]byte                          { return nil }
func (emptyRows) Conn() *pgx.Conn                              { return nil }
func (emptyRows) TypeMap() *pgtype.Map                         { return nil }

// replayer hands out the batch's results in order, checking each statement is the one recorded.
type replayer struct {
	br    pgx.BatchResults
	calls []call
	next  int
}

func (r *replayer) check(sql string, args []any) error {
	if r.next >= len(r.calls) || r.calls[r.next].sql != sql || !reflect.DeepEqual(r.calls[r.next].args, args) {
		return fmt.Errorf("%w (statement %d)", ErrPipelineDependent, r.next+1)
	}
	r.next++
	return nil
}

func (r *replayer) Exec(_ context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if err := r.check(sql, args); err != nil {
		return pgconn.CommandTag{}, err
	}
	return r.br.Exec()
}

func (r *replayer) Query(_ context.Context, sql string, args ...any) (pgx.Rows, error) {
	if err := r.check(sql, args); err != nil {
		return nil, err
	}
	return r.br.Query()
}

func (r *replayer) QueryRow(_ context.Context, sql string, args ...any) pgx.Row {
	if err := r.check(sql, args); err != nil {
		return errRow{err}
	}
	return r.br.QueryRow()
}

type errRow struct{ err error }

func (e errRow) Scan(...any) error { return e.err }
