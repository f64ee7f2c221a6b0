package auth

import (
	"errors"
	"fmt"
	"time"
)

// ErrBadCredentials is the one answer for an unknown email or a wrong password.
var ErrBadCredentials = errors.New("auth: email or password is wrong")

// ThrottledError says sign-in is paused for a key and until when.
type ThrottledError struct {
	Scope string // "account" or "address"
	Until time.Time
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("auth: too many failed sign-ins for this %s; locked until %s", e.Scope, e.Until.Format(time.RFC3339))
}

// RetryAfter rounds the lock's remainder up to whole minutes for the message shown to people.
func (e *ThrottledError) RetryAfter(now time.Time) time.Duration {
	d := e.Until.Sub(now)
	if d < time.Minute {
		return time.Minute
	}
	return d.Round(time.Minute)
}
