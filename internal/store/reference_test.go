package store

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/validate"
)

func TestReferenceProblem(t *testing.T) {
	t.Parallel()
	missing := &pgconn.PgError{Code: "23503", ConstraintName: "teams_calendar_fkey",
		Detail: `Key (tenant_id, calendar_id)=(5f0c…, 9a1b…) is not present in table "business_calendars".`}
	err := referenceProblem(fmt.Errorf("automation: save team: %w", missing))
	var ve validate.Errors
	require.True(t, errors.As(err, &ve))
	require.Equal(t, validate.Errors{"calendar_id": validate.KeyUnknownID}, ve)
	require.ErrorIs(t, err, missing, "the database's error stays for the log")

	// A row still referenced elsewhere is not a form's choice: left alone.
	stillUsed := &pgconn.PgError{Code: "23503", Detail: `Key (tenant_id, id)=(…) is still referenced from table "teams".`}
	require.Same(t, stillUsed, referenceProblem(stillUsed))
	other := errors.New("boom")
	require.Equal(t, other, referenceProblem(other))
	require.NoError(t, referenceProblem(nil))
}
