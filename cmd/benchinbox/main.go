// Command benchinbox measures the inbox at scale: first page of "All open" and "Mine" in the
// 200,000-ticket workspace, a ticket with 50 messages, search, the bell's panel, the
// notifications page and a priority change (the htmx POST and its out-of-band answer), each as
// real HTTP requests (session, middleware, database, rendering) at 1 and 16 concurrent users,
// plus EXPLAIN of the list queries. It prepares the data set itself on first run (see prepare.go).
//
//	go run ./cmd/benchinbox                 # full scale, local PostgreSQL in .local/bench
//	go run ./cmd/benchinbox -tickets 100000 -messages 500000 -big-tickets 20000 -workspaces 100
package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"runtime/pprof"

	"github.com/shopdesk/shopdesk/internal/app"
	"github.com/shopdesk/shopdesk/internal/seed"
)

func main() {
	o := seed.DefaultScale
	flag.IntVar(&o.Workspaces, "workspaces", o.Workspaces, "workspaces in the data set")
	flag.IntVar(&o.Tickets, "tickets", o.Tickets, "tickets in the data set")
	flag.IntVar(&o.Messages, "messages", o.Messages, "messages in the data set")
	flag.IntVar(&o.BigTickets, "big-tickets", o.BigTickets, "tickets of the big workspace")
	duration := flag.Duration("duration", 0, "measuring time per scenario and concurrency (default 10s)")
	prepareOnly := flag.Bool("prepare-only", false, "generate the data set and stop")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the measuring phase to this file")
	only := flag.String("only", "", "measure only the scenarios whose name contains this text (e.g. Search)")
	saveDir := flag.String("save", "", "write one answer of each scenario to this directory (to see what a page carries)")
	flag.Parse()
	// Measure the handler as `shopdesk serve` runs it.
	app.TuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ownerURL, appURL, stopDB, err := prepare(ctx, o)
	defer stopDB()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	if *prepareOnly {
		return
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(ctx, ownerURL, appURL, *duration, *only, *saveDir); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
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
