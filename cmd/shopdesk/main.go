// Command shopdesk is the whole product in one binary: `serve`, `migrate`, `seed`, `version`.
package main

import (
	"context"
	"os"

	"github.com/shopdesk/shopdesk/internal/app"
)

func main() {
	os.Exit(app.Main(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}
