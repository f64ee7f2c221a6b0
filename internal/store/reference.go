package store

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/shopdesk/shopdesk/internal/validate"
)

// referenceProblem turns a write that names a row the workspace does not have (a foreign-key
// violation: an id chosen in a form that belongs to another workspace, or was deleted meanwhile)
// into a problem of the field named like the referencing column, so every form answers it with
// its message instead of a failed request. The database error stays in the chain for the log.
func referenceProblem(err error) error {
	pgErr, ok := errors.AsType[*pgconn.PgError](err)
	if !ok || pgErr.Code != "23503" || !strings.Contains(pgErr.Detail, "is not present in table") {
		return err
	}
	field := referencingColumn(pgErr.Detail)
	if field == "" {
		field = "form"
	}
	return fmt.Errorf("%w: %w", validate.Errors{field: validate.KeyUnknownID}, err)
}

// referencingColumn reads the column of `Key (tenant_id, calendar_id)=(…) is not present…` that is
// not the workspace.
func referencingColumn(detail string) string {
	_, rest, ok := strings.Cut(detail, "Key (")
	if !ok {
		return ""
	}
	cols, _, ok := strings.Cut(rest, ")=")
	if !ok {
		return ""
	}
	field := ""
	for c := range strings.SplitSeq(cols, ",") {
		if c = strings.TrimSpace(c); c != "tenant_id" {
			field = c
		}
	}
	return field
}
