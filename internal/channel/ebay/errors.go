package ebay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Kind says what a caller can do about a failed call.
type Kind int

const (
	// Permanent: the request is wrong or refused (4xx); repeating it changes nothing.
	Permanent Kind = iota
	// Transient: a server error, a timeout or a broken connection; try again later.
	Transient
	// RateLimited: eBay answered 429; try again after RetryAfter.
	RateLimited
	// Revoked: the seller's consent is gone (invalid_grant); the account needs to be connected
	// again, and no retry can help.
	Revoked
)

func (k Kind) String() string {
	switch k {
	case Transient:
		return "transient"
	case RateLimited:
		return "rate limited"
	case Revoked:
		return "revoked"
	default:
		return "permanent"
	}
}

// ErrorDetail is one entry of eBay's error list, kept as eBay sent it.
type ErrorDetail struct {
	ErrorID     int    `json:"errorId"`
	Domain      string `json:"domain"`
	Category    string `json:"category"`
	Message     string `json:"message"`
	LongMessage string `json:"longMessage"`
}

// Error is a failed call, classified.
type Error struct {
	Kind       Kind
	Op         string // "getConversations", "token refresh", ...
	Status     int    // HTTP status; 0 when no answer came
	RetryAfter time.Duration
	Details    []ErrorDetail // eBay's errors, when it sent any
	// OAuthError is the token endpoint's "error" (invalid_grant, invalid_client, ...).
	OAuthError string
	Err        error // the transport error, for Transient without an answer
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ebay: %s: %s", e.Op, e.Kind)
	if e.Status != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.Status)
	}
	if e.OAuthError != "" {
		fmt.Fprintf(&b, ": %s", e.OAuthError)
	}
	for _, d := range e.Details {
		fmt.Fprintf(&b, ": error %d: %s", d.ErrorID, d.Message)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf classifies any error a client call returned. A cancelled or timed-out context is
// Transient (the job was stopped, not refused); other errors that are not *Error (a reply
// refused before sending, a bug) are Permanent so nothing loops on them.
func KindOf(err error) Kind {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Kind
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return Transient
	}
	return Permanent
}

// RetryAfter is how long to wait before trying again after a rate-limited call (what a River
// job snoozes for), and whether err was one.
func RetryAfter(err error) (time.Duration, bool) {
	e, ok := errors.AsType[*Error](err)
	if !ok || e.Kind != RateLimited {
		return 0, false
	}
	return e.RetryAfter, true
}

// IsRevoked says whether err means the seller's consent is gone.
func IsRevoked(err error) bool { return KindOf(err) == Revoked }

// DefaultRetryAfter is the wait after a 429 without a usable Retry-After header.
const DefaultRetryAfter = 60 * time.Second

// maxRetryAfter caps what a server may ask, so a bad header cannot park an account for days.
const maxRetryAfter = 24 * time.Hour

// parseRetryAfter reads Retry-After as seconds or as an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return DefaultRetryAfter
	}
	var d time.Duration
	if n, err := strconv.Atoi(v); err == nil {
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	} else {
		return DefaultRetryAfter
	}
	switch {
	case d < time.Second:
		return time.Second
	case d > maxRetryAfter:
		return maxRetryAfter
	}
	return d
}

// responseError classifies a non-2xx answer of the REST APIs.
func responseError(op string, resp *http.Response, body []byte, now time.Time) *Error {
	e := &Error{Op: op, Status: resp.StatusCode}
	var parsed struct {
		Errors []ErrorDetail `json:"errors"`
	}
	if json.Unmarshal(body, &parsed) == nil {
		e.Details = parsed.Errors
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		e.Kind = RateLimited
		e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), now)
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusRequestTimeout:
		e.Kind = Transient
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			e.RetryAfter = parseRetryAfter(ra, now)
		}
	default:
		e.Kind = Permanent
	}
	return e
}
