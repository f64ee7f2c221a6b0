package apptest

import (
	"sync"
	"time"
)

// Clock is real time moved by an offset the test controls. It stubs River's clock too
// (rivertype.TimeGenerator), so scheduled jobs become due when the test moves it.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// Now is the moved time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// NowOrNil always answers: the clock is always stubbed.
func (c *Clock) NowOrNil() *time.Time {
	t := c.Now()
	return &t
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// AdvanceTo moves the clock to t (forward only).
func (c *Clock) AdvanceTo(t time.Time) {
	c.mu.Lock()
	if d := time.Until(t) - c.offset; d > 0 {
		c.offset += d
	}
	c.mu.Unlock()
}
