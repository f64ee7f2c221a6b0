// Command benchsla measures the SLA clocks and rules at scale: a data set of open tickets with
// running SLA targets and their scheduled warning and breach jobs (1,000,000 by default), then
//
//   - the cost of a ticket event that reschedules: a customer message (rules, SLA recompute, new
//     jobs) and an agent reply (target met, recorded), against the same event with automation
//     off, at 1 and 4 concurrent writers;
//
//   - breach processing: due breach jobs worked by River (mark, audit line, escalation), per second;
//
//   - the same customer message with 50 active rules in the workspace.
//
//     go run ./cmd/benchsla                     # local PostgreSQL in .local/benchsla
//     go run ./cmd/benchsla -tickets 100000     # smaller
package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
)

func main() {
	tickets := flag.Int("tickets", 1_000_000, "open tickets with SLA timers")
	workspaces := flag.Int("workspaces", 20, "workspaces the tickets are spread over")
	events := flag.Int("events", 600, "ticket events measured per scenario and concurrency")
	breaches := flag.Int("breaches", 20_000, "due breach jobs to work")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *tickets, *workspaces, *events, *breaches); err != nil {
		fmt.Fprintln(os.Stderr, "benchsla:", err)
		os.Exit(1)
	}
}

func withUser(raw, user, password string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.User = url.UserPassword(user, password)
	return u.String()
}
