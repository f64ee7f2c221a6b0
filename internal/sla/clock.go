// Package sla keeps every ticket's SLA targets — first response, next response (each customer
// message waiting for an answer) and resolution — on a calendar or business-hours clock, with
// pauses while pending or snoozed where the policy says so. Each running target schedules a
// warning and a breach job at its exact minute; a change to the ticket recomputes the targets and
// schedules jobs for the new due times, and a job whose due time is no longer the target's does
// nothing. Nothing scans all open tickets.
package sla

import (
	"fmt"
	"time"

	"github.com/shopdesk/shopdesk/internal/businesshours"
)

// Metrics, in the order they are shown.
const (
	FirstResponse = "first_response"
	NextResponse  = "next_response"
	Resolution    = "resolution"
)

// Metrics lists the three targets.
var Metrics = []string{FirstResponse, NextResponse, Resolution}

// Msg is what the clocks need of a message.
type Msg struct {
	At         time.Time
	Kind       string // inbound, outbound, note
	Automated  bool
	Failed     bool
	Unsent     bool // a reply its channel has not accepted yet (queued, sending, retrying)
	NoResponse bool // "no response needed" on a customer message
	// Accepted is when the channel accepted a reply (zero: at At, for replies from before).
	Accepted time.Time
}

// human reports a reply that satisfies a target: written by a person and accepted by its
// channel. Automated replies (acknowledgements, after-hours notices) never do, nor do replies
// still being sent or failed ones: what counts is what reached the customer.
func (m Msg) human() bool { return m.Kind == "outbound" && !m.Automated && !m.Failed && !m.Unsent }

// answeredAt is when a reply answered: when its channel accepted it.
func (m Msg) answeredAt() time.Time {
	if m.Accepted.IsZero() || m.Accepted.Before(m.At) {
		return m.At
	}
	return m.Accepted
}

// StatusChange is one entry of the ticket's status history.
type StatusChange struct {
	At time.Time
	To string
	// Undo marks a reopening that takes back a resolution (its reply failed): the ticket was
	// never really answered, so the targets continue from where they started.
	Undo bool
}

// Input is one ticket's timeline.
type Input struct {
	Created    time.Time
	Messages   []Msg // by time
	Statuses   []StatusChange
	Status     string
	ResolvedAt *time.Time
}

// Target is one metric's current instance.
type Target struct {
	Metric  string
	Start   time.Time
	Minutes int32
	// Due and Warn are set while the clock runs.
	Due, Warn *time.Time
	// State: running, paused, met.
	State string
	// MetAt is when it was met; Skipped marks a clock closed by "no response needed".
	MetAt   *time.Time
	Skipped bool
}

// Clock is a policy's targets resolved against calendars.
type Clock struct {
	Minutes     map[string]int32 // metric → target minutes (absent: no target)
	Business    map[string]bool  // metric → on business hours
	Calendar    *businesshours.Calendar
	Location    *time.Location
	PausePend   bool
	PauseSnooze bool
	WarnPercent int32
}

// Compute returns the running or last instance of each target the clock has.
func (c *Clock) Compute(in Input) ([]Target, error) {
	pauses, pausedNow := c.pauses(in)
	var out []Target
	for _, metric := range Metrics {
		minutes, ok := c.Minutes[metric]
		if !ok || minutes <= 0 {
			continue
		}
		t, ok := instance(metric, in)
		if !ok {
			continue
		}
		t.Minutes = minutes
		if metric != Resolution && t.State == "running" {
			if in.Status == "resolved" || in.Status == "closed" {
				// A resolved ticket waits for nobody: the clock stops (a closed instance).
				t.State, t.Skipped = "met", true
			} else if at := reopenedAfter(in.Statuses, t.Start); at != nil {
				// Reopened after it was resolved unanswered: the target starts over from then.
				t.Start = *at
			}
		}
		if t.State == "running" && pausedNow {
			t.State = "paused"
		}
		if t.State == "running" {
			cal := c.calendar(metric)
			target := time.Duration(minutes) * time.Minute
			due, err := cal.AddPaused(t.Start, target, pauses...)
			if err != nil {
				return nil, fmt.Errorf("sla: %s due time: %w", metric, err)
			}
			warn, err := cal.AddPaused(t.Start, target*time.Duration(c.WarnPercent)/100, pauses...)
			if err != nil {
				return nil, fmt.Errorf("sla: %s warning time: %w", metric, err)
			}
			t.Due, t.Warn = &due, &warn
		}
		out = append(out, t)
	}
	return out, nil
}

func (c *Clock) calendar(metric string) *businesshours.Calendar {
	if c.Business[metric] && c.Calendar != nil {
		return c.Calendar
	}
	return &businesshours.Calendar{Location: c.Location, AlwaysOpen: true}
}

// instance finds the metric's current instance on the timeline.
func instance(metric string, in Input) (Target, bool) {
	t := Target{Metric: metric, State: "running"}
	switch metric {
	case FirstResponse:
		first := -1
		for i, m := range in.Messages {
			if m.Kind == "inbound" {
				first = i
				break
			}
		}
		if first < 0 {
			return t, false
		}
		t.Start = in.Messages[first].At
		if at := AnsweredAt(in.Messages, t.Start); at != nil {
			t.State, t.MetAt = "met", at
		} else if lastInbound(in.Messages).NoResponse {
			t.State, t.Skipped = "met", true
		}
	case NextResponse:
		// Only after the first human reply; from the oldest customer message since the last one.
		lastReply := -1
		for i, m := range in.Messages {
			if m.human() {
				lastReply = i
			}
		}
		if lastReply < 0 {
			return t, false
		}
		start := -1
		for i := lastReply + 1; i < len(in.Messages); i++ {
			if in.Messages[i].Kind == "inbound" {
				start = i
				break
			}
		}
		if start < 0 {
			// Nothing waits: the last instance is the one the last reply answered.
			prev := -1
			for i := lastReply - 1; i >= 0 && !in.Messages[i].human(); i-- {
				if in.Messages[i].Kind == "inbound" {
					prev = i
				}
			}
			if prev < 0 || !hadReplyBefore(in.Messages, prev) {
				return t, false
			}
			at := in.Messages[lastReply].answeredAt()
			t.Start, t.State, t.MetAt = in.Messages[prev].At, "met", &at
			return t, true
		}
		t.Start = in.Messages[start].At
		if lastInbound(in.Messages).NoResponse {
			t.State, t.Skipped = "met", true
		}
	case Resolution:
		t.Start = in.Created
		if in.Status == "resolved" || in.Status == "closed" {
			at := in.Created
			if in.ResolvedAt != nil {
				at = *in.ResolvedAt
			}
			t.State, t.MetAt = "met", &at
		}
	}
	return t, true
}

// reopenedAfter is the last time the ticket was reopened after being resolved or closed at or
// after start (nil: it was not).
func reopenedAfter(statuses []StatusChange, start time.Time) *time.Time {
	var at *time.Time
	closed := false
	for _, ch := range statuses {
		if ch.At.Before(start) {
			continue
		}
		switch ch.To {
		case "resolved", "closed":
			closed = true
		default:
			if closed && !ch.Undo {
				t := ch.At
				at = &t
			}
			closed = false
		}
	}
	return at
}

func hadReplyBefore(ms []Msg, i int) bool {
	for _, m := range ms[:i] {
		if m.human() {
			return true
		}
	}
	return false
}

func lastInbound(ms []Msg) Msg {
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Kind == "inbound" {
			return ms[i]
		}
	}
	return Msg{}
}

// AnsweredAt is the first human reply at or after start.
func AnsweredAt(ms []Msg, start time.Time) *time.Time {
	for _, m := range ms {
		if m.human() && !m.At.Before(start) {
			at := m.answeredAt()
			return &at
		}
	}
	return nil
}

// pauses are the ranges the ticket spent in a pausing status; pausedNow says the last is open.
func (c *Clock) pauses(in Input) ([]businesshours.Range, bool) {
	if !c.PausePend && !c.PauseSnooze {
		return nil, false
	}
	pausing := func(s string) bool { return (s == "pending" && c.PausePend) || (s == "snoozed" && c.PauseSnooze) }
	var out []businesshours.Range
	var from *time.Time
	for _, ch := range in.Statuses {
		at := ch.At
		switch {
		case pausing(ch.To) && from == nil:
			from = &at
		case !pausing(ch.To) && from != nil:
			out = append(out, businesshours.Range{From: *from, To: at})
			from = nil
		}
	}
	if from != nil {
		// Open pause: the clock stands still; the far end keeps the arithmetic finite.
		out = append(out, businesshours.Range{From: *from, To: from.Add(100 * 365 * 24 * time.Hour)})
		return out, pausing(in.Status)
	}
	return out, false
}
