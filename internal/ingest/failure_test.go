package ingest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"
)

func TestFailureKinds(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		err  error
		want FailureKind
	}{
		{&pgconn.PgError{Code: "22021", Message: "invalid byte sequence"}, Deterministic},
		{&pgconn.PgError{Code: "23502", Message: "null value"}, Deterministic},
		{&pgconn.PgError{Code: "23505", ConstraintName: "messages_channel_id_idx"}, Transient},
		{&pgconn.PgError{Code: "54000", Message: "string is too long for tsvector"}, Deterministic},
		{&ParseError{Reason: "no sender"}, Deterministic},
		{&pgconn.PgError{Code: "40P01"}, Transient},
		{&pgconn.PgError{Code: "40001"}, Transient},
		{&pgconn.PgError{Code: "57P01"}, Unavailable},
		{&pgconn.PgError{Code: "08006"}, Unavailable},
		{&pgconn.PgError{Code: "53300"}, Unavailable},
		{fmt.Errorf("write: %w", context.DeadlineExceeded), Transient},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, Unavailable},
	} {
		require.Equal(t, c.want, KindOf(c.err), "%v", c.err)
	}
	require.Equal(t, "Not stored: the database refused a value in this message: invalid byte sequence (SQLSTATE 22021)",
		ReasonOf(fmt.Errorf("ingest: %w", &pgconn.PgError{Code: "22021", Message: "invalid byte sequence"})))
	// A reason quoting the message's own bytes is stored as text: valid UTF-8, no NUL.
	require.Equal(t, "Not stored: caf\uFFFD name", ReasonOf(errors.New("caf\xe9 \x00name")))
}
