package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// ExplainGeneric shows the plan the application runs for a list statement: list views use one
// generic plan (see InTenantPipeline), so the statement is prepared and executed in tx under
// force_generic_plan, its arguments written as literals of the parameters. options are EXPLAIN's
// ("COSTS OFF", "ANALYZE, BUFFERS, COSTS OFF"). The caller pins the workspace and sets any other
// planner settings in tx first. For benchmarks and plan tests, never for serving.
func ExplainGeneric(ctx context.Context, tx pgx.Tx, options, sql string, args []any) (string, error) {
	if _, err := tx.Exec(ctx, "SET LOCAL plan_cache_mode = force_generic_plan"); err != nil {
		return "", err
	}
	if _, err := tx.Exec(ctx, "PREPARE explain_generic AS "+sql, pgx.QueryExecModeSimpleProtocol); err != nil {
		return "", err
	}
	// Prepared statements belong to the connection, not the transaction.
	defer func() { _, _ = tx.Exec(ctx, "DEALLOCATE explain_generic", pgx.QueryExecModeSimpleProtocol) }()
	lits := make([]string, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case int, int16, int32, int64:
			lits[i] = fmt.Sprint(v)
		case time.Time:
			lits[i] = "'" + v.Format(time.RFC3339Nano) + "'"
		default:
			lits[i] = "'" + strings.ReplaceAll(fmt.Sprint(v), "'", "''") + "'"
		}
	}
	rows, err := tx.Query(ctx, "EXPLAIN ("+options+") EXECUTE explain_generic("+strings.Join(lits, ", ")+")", pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var out strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return "", err
		}
		out.WriteString(line + "\n")
	}
	return out.String(), rows.Err()
}
