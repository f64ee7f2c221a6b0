package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/shopdesk/shopdesk/internal/text"
	"github.com/shopdesk/shopdesk/internal/validate"
)

// FailureKind says what a processing failure means for the message.
type FailureKind int

const (
	// Transient failures (a deadlock, a serialization conflict, a lost connection, a timeout)
	// succeed when tried again soon.
	Transient FailureKind = iota
	// Deterministic failures (data the database refuses, a constraint, an unusable message) fail
	// the same way every time: the message is quarantined at once with the reason.
	Deterministic
	// Unavailable means the database itself cannot be reached: the message waits, never
	// quarantined, until it can.
	Unavailable
)

func (k FailureKind) String() string {
	switch k {
	case Deterministic:
		return "deterministic"
	case Unavailable:
		return "database unavailable"
	default:
		return "transient"
	}
}

// KindOf sorts a processing error.
func KindOf(err error) FailureKind {
	if _, ok := errors.AsType[*ParseError](err); ok {
		return Deterministic
	}
	if _, ok := errors.AsType[validate.Errors](err); ok {
		return Deterministic
	}
	if pg, ok := errors.AsType[*pgconn.PgError](err); ok {
		switch {
		case pg.Code == "23505" && pg.ConstraintName == "messages_channel_id_idx":
			return Transient // a race for a channel id, settled by planning again
		case strings.HasPrefix(pg.Code, "22"), strings.HasPrefix(pg.Code, "23"), strings.HasPrefix(pg.Code, "54"):
			return Deterministic
		case strings.HasPrefix(pg.Code, "08"), pg.Code == "57P01", pg.Code == "57P02", pg.Code == "57P03",
			strings.HasPrefix(pg.Code, "53"):
			// Connection exceptions, a server shutting down or starting, too many connections,
			// out of disk or memory: the database is not there for us now.
			return Unavailable
		}
		return Transient // 40001, 40P01, 55P03, 57014 and anything unknown: try again
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return Transient // the job's time ran out (or the process stops): not the database's absence
	}
	if _, ok := errors.AsType[*pgconn.ConnectError](err); ok {
		return Unavailable
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return Unavailable
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || pgconn.SafeToRetry(err) {
		return Unavailable
	}
	return Transient
}

// sqlstateWords says in plain words what a class of SQLSTATE means for a message.
var sqlstateWords = map[string]string{
	"22": "the database refused a value in this message",
	"23": "this message conflicts with data already stored",
	"54": "a value in this message is too large for the database",
}

// ReasonOf is the quarantine reason for a failure: plain words, then the error with its SQLSTATE.
// Errors may quote the message's own bytes; the reason is stored, so it is Clean.
func ReasonOf(err error) string { return text.Clean(reasonOf(err)) }

func reasonOf(err error) string {
	if pe, ok := errors.AsType[*ParseError](err); ok {
		return pe.Reason
	}
	if pg, ok := errors.AsType[*pgconn.PgError](err); ok {
		words := sqlstateWords[pg.Code[:2]]
		if words == "" {
			words = "the database could not store this message"
		}
		return fmt.Sprintf("Not stored: %s: %s (SQLSTATE %s)", words, pg.Message, pg.Code)
	}
	return "Not stored: " + err.Error()
}

// RetrySchedule says how long to wait before the nth attempt of a failed processing job.
type RetrySchedule func(attempt int) time.Duration

// DefaultRetry retries transient failures quickly: 2 s, 4 s, 8 s … up to 5 minutes.
func DefaultRetry(attempt int) time.Duration {
	if attempt > 8 {
		return 5 * time.Minute
	}
	return min(time.Second<<max(attempt, 1), 5*time.Minute)
}

// MaxAttempts is how often a processing job runs before a transient failure is quarantined too
// (about 1.5 hours with DefaultRetry); while the database is unavailable no attempt counts.
const MaxAttempts = 25

// UnavailableWait is how long a job waits before trying again while the database is unavailable.
const UnavailableWait = 30 * time.Second

// availability remembers, in this process, since when processing found the database unavailable,
// for the health page. It is cleared by the next message processed.
type availability struct {
	mu    sync.Mutex
	since time.Time
	err   string
}

func (a *availability) down(at time.Time, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.since.IsZero() {
		a.since = at
	}
	a.err = err.Error()
}

func (a *availability) up() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.since, a.err = time.Time{}, ""
}

// DatabaseUnavailable reports since when processing in this process has found the database
// unavailable (zero: it has not, or it is back).
func (s *Service) DatabaseUnavailable() (since time.Time, reason string) {
	s.avail.mu.Lock()
	defer s.avail.mu.Unlock()
	return s.avail.since, s.avail.err
}

// Settled says what Settle made of a processing attempt.
type Settled struct {
	Kind        FailureKind
	Quarantined bool
	// Err is returned to River: nil when the message ended somewhere, the failure to retry it.
	Err error
}

// Settle decides what a failed processing attempt of stored messages means: a deterministic
// failure quarantines them now with the reason; a transient one is retried (and quarantined when
// last is set: the attempts are used up); while the database is unavailable they wait. Each
// failure is logged here, once, at WARN.
func (s *Service) Settle(ctx context.Context, tenantID uuid.UUID, ids []int64, procErr error, last bool) Settled {
	if procErr == nil {
		s.avail.up()
		return Settled{}
	}
	kind := KindOf(procErr)
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.Canceled) || !last {
			return Settled{Kind: Transient, Err: procErr} // shutting down, or out of time: River tries again
		}
		// Out of time on the last attempt: the message is quarantined all the same.
		ctx, kind = context.WithoutCancel(ctx), Transient
	}
	log := s.logger.With("tenant_id", tenantID, "inbound_ids", ids, "error", procErr, "kind", kind.String())
	switch {
	case kind == Unavailable:
		s.avail.down(s.now(), procErr)
		log.WarnContext(ctx, "mail processing waits: the database is unavailable")
		return Settled{Kind: kind, Err: errUnavailable{procErr}}
	case kind == Transient && !last:
		log.WarnContext(ctx, "mail processing failed; retrying")
		return Settled{Kind: kind, Err: procErr}
	}
	reason := ReasonOf(procErr)
	if kind == Transient {
		reason = fmt.Sprintf("Not stored after %d attempts: %s", MaxAttempts, ReasonOf(procErr))
	}
	if err := s.quarantine(ctx, tenantID, ids, reason); err != nil {
		log.WarnContext(ctx, "mail processing failed and could not be quarantined", "quarantine_error", err)
		return Settled{Kind: KindOf(err), Err: err}
	}
	log.WarnContext(ctx, "mail quarantined", "reason", reason)
	return Settled{Kind: kind, Quarantined: true}
}

// errUnavailable marks a failure while the database is unavailable, which the job waits out
// without using an attempt.
type errUnavailable struct{ err error }

func (e errUnavailable) Error() string { return "database unavailable: " + e.err.Error() }
func (e errUnavailable) Unwrap() error { return e.err }

// IsUnavailable reports whether Settle said the database is unavailable.
func IsUnavailable(err error) bool {
	_, ok := errors.AsType[errUnavailable](err)
	return ok
}
