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
	Scope string // ScopeAccount, ScopeAddress or ScopeAccountWide
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

// Throttle scopes, for the message shown to people.
const (
	ScopeAccount     = "account"      // this account from this address
	ScopeAddress     = "address"      // this address, any account
	ScopeAccountWide = "account_wide" // this account, any address
)

// ErrBusy: this process is already checking as many passwords as it may at once; try again in a
// moment. Shown as such, never queued without bound.
var ErrBusy = errors.New("auth: too many sign-ins being checked at once; try again in a moment")
