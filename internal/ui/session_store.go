package ui

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"reflect"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
)

// sessionTouchEvery is how far a session's idle expiry may lag before a request writes it again.
// With an idle timeout scs commits the session on every request to move the expiry forward; written
// through, every page view was an INSERT … ON CONFLICT and a durable commit, the largest single cost
// of a list page under load. A session whose data did not change is now rewritten at most once in
// this interval, so it can expire up to this much earlier than the idle timeout says.
const sessionTouchEvery = 10 * time.Minute

// sessionStore keeps sessions in the sessions table (the layout pgxstore used) and skips writes
// that would only move an unchanged session's expiry by less than sessionTouchEvery.
type sessionStore struct {
	q *dbsqlc.Queries
}

func newSessionStore(pool *pgxpool.Pool) *sessionStore { return &sessionStore{q: dbsqlc.New(pool)} }

// sessionSeen carries what FindCtx read to CommitCtx of the same request (see rememberSession).
type sessionSeen struct {
	token  string
	data   []byte
	expiry time.Time
}

type sessionSeenKey struct{}

// rememberSession gives the request a place for the session as it was read; it runs before scs's
// LoadAndSave, whose Find and Commit both receive contexts derived from this request's.
func rememberSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionSeenKey{}, &sessionSeen{})))
	})
}

func (s *sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	row, err := s.q.SessionFind(ctx, token)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if seen, ok := ctx.Value(sessionSeenKey{}).(*sessionSeen); ok {
		*seen = sessionSeen{token: token, data: row.Data, expiry: row.Expiry}
	}
	return row.Data, true, nil
}

func (s *sessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if seen, ok := ctx.Value(sessionSeenKey{}).(*sessionSeen); ok && seen.token == token &&
		!expiry.Before(seen.expiry) && expiry.Sub(seen.expiry) < sessionTouchEvery && sameSessionData(seen.data, b) {
		return nil
	}
	if err := s.q.SessionCommit(ctx, dbsqlc.SessionCommitParams{Token: token, Data: b, Expiry: expiry}); err != nil {
		return err
	}
	if seen, ok := ctx.Value(sessionSeenKey{}).(*sessionSeen); ok {
		*seen = sessionSeen{token: token, data: b, expiry: expiry}
	}
	return nil
}

// sameSessionData compares two encodings of session data by what they hold: gob writes a map in
// iteration order, so equal sessions of two or more values rarely encode to equal bytes.
func sameSessionData(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	da, va, errA := scs.GobCodec{}.Decode(a)
	db, vb, errB := scs.GobCodec{}.Decode(b)
	return errA == nil && errB == nil && da.Equal(db) && reflect.DeepEqual(va, vb)
}

func (s *sessionStore) DeleteCtx(ctx context.Context, token string) error {
	return s.q.SessionDelete(ctx, token)
}

// The context-free methods satisfy scs.Store; scs calls the Ctx ones when a store has them.

func (s *sessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

func (s *sessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

func (s *sessionStore) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }
