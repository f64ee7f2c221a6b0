// Package app wires configuration, database, services, River and HTTP into the shopdesk
// subcommands. Nothing here is global: Main builds everything from its arguments.
package app

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"

	"github.com/shopdesk/shopdesk/internal/config"
)

// Version is stamped by the Makefile at build time.
var Version = "dev"

const usage = `shopdesk — the helpdesk for e-commerce sellers

Usage:
  shopdesk serve                  HTTP server and background workers (SHOPDESK_ROLE=web|worker splits them)
  shopdesk migrate up             apply every pending migration (Shopdesk's, then River's) and grant the app role
  shopdesk migrate down N         roll back N of Shopdesk's migrations
  shopdesk migrate version        show the schema versions
  shopdesk migrate force N        mark version N as applied after repairing a failed migration by hand
  shopdesk seed --demo            create the demo workspace (idempotent; refused in production)
  shopdesk dev send-mail FILE     deliver a mail file to the local inbound gateway (make run listens on 127.0.0.1:2525)
  shopdesk secrets rotate         re-seal stored secrets under SHOPDESK_SECRET_KEY after a key change
  shopdesk version                print the version

Configuration comes from environment variables; see README.md.
`

// Main runs one subcommand and returns the process exit code.
func Main(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], getenv, stdout, stderr)
	case "migrate":
		err = runMigrate(ctx, args[1:], getenv, stdout, stderr)
	case "seed":
		err = runSeed(ctx, args[1:], getenv, stdout, stderr)
	case "secrets":
		err = runSecrets(ctx, args[1:], getenv, stdout, stderr)
	case "dev":
		err = runDev(ctx, args[1:], getenv, stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintf(stdout, "shopdesk %s (%s)\n", Version, runtime.Version())
		return 0
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "shopdesk: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		if _, ok := err.(config.Errors); ok {
			fmt.Fprintf(stderr, "shopdesk %s: %v\n", args[0], err)
			return 2
		}
		fmt.Fprintf(stderr, "shopdesk %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

// NewLogger makes the one logger of the process; every part gets it passed in.
func NewLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("shopdesk "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// envOr lets tests pass a map while the binary passes os.Getenv.
func envOr(getenv func(string) string) func(string) string {
	if getenv == nil {
		return os.Getenv
	}
	return getenv
}
