package sla

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// What reached the customer counts: a reply meets a target when its channel accepted it, and a
// resolved ticket waits for nobody until it is reopened.
func TestClockCountsWhatReachedTheCustomer(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	at := func(h float64) time.Time { return t0.Add(time.Duration(h * float64(time.Hour))) }
	c := &Clock{Minutes: map[string]int32{FirstResponse: 12 * 60, NextResponse: 12 * 60}, Location: time.UTC, WarnPercent: 80}
	first := func(in Input) Target {
		ts, err := c.Compute(in)
		require.NoError(t, err)
		for _, tg := range ts {
			if tg.Metric == FirstResponse {
				return tg
			}
		}
		t.Fatal("no first response")
		return Target{}
	}

	t.Run("MetWhenAcceptedNotWhenClicked", func(t *testing.T) {
		t.Parallel()
		in := Input{Created: t0, Status: "open", Messages: []Msg{{At: at(0), Kind: "inbound"}, {At: at(1), Kind: "outbound", Unsent: true}}}
		fr := first(in)
		require.Equal(t, "running", fr.State, "still being sent")
		require.Equal(t, at(12), *fr.Due)
		in.Messages[1] = Msg{At: at(1), Kind: "outbound", Accepted: at(1.5)}
		fr = first(in)
		require.Equal(t, "met", fr.State)
		require.Equal(t, at(1.5), *fr.MetAt)
		in.Messages[1] = Msg{At: at(1), Kind: "outbound", Failed: true, Accepted: at(1.5)}
		require.Equal(t, "running", first(in).State, "a failed (or bounced) reply answered nothing")
	})

	t.Run("ResolvedStopsAndReopeningStartsOver", func(t *testing.T) {
		t.Parallel()
		msgs := []Msg{{At: at(0), Kind: "inbound"}}
		resolved := []StatusChange{{At: at(2), To: "resolved"}}
		fr := first(Input{Created: t0, Status: "resolved", Messages: msgs, Statuses: resolved})
		require.Equal(t, "met", fr.State)
		require.True(t, fr.Skipped, "stopped, not answered")
		require.Nil(t, fr.Due)

		reopened := append(resolved, StatusChange{At: at(30), To: "open"})
		fr = first(Input{Created: t0, Status: "open", Messages: msgs, Statuses: reopened})
		require.Equal(t, "running", fr.State)
		require.Equal(t, at(30), fr.Start)
		require.Equal(t, at(42), *fr.Due, "the policy's full target from the reopening")

		// A reopening that takes back a resolution whose reply failed continues the old clock.
		undone := append(resolved, StatusChange{At: at(30), To: "open", Undo: true})
		fr = first(Input{Created: t0, Status: "open", Messages: msgs, Statuses: undone})
		require.Equal(t, at(0), fr.Start)
		require.Equal(t, at(12), *fr.Due)
	})
}
