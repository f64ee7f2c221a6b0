package app

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/channel/marketplace"
	"github.com/shopdesk/shopdesk/internal/config"
	"github.com/shopdesk/shopdesk/internal/secret"
	"github.com/shopdesk/shopdesk/internal/store"
)

// runSecrets is `shopdesk secrets rotate`: after SHOPDESK_SECRET_KEY is replaced (the old key
// moved to SHOPDESK_SECRET_KEY_OLD), it re-seals every stored secret under the new key, so the
// old key can then be dropped.
func runSecrets(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) != 1 || args[0] != "rotate" {
		return errors.New("usage: shopdesk secrets rotate (re-seals stored secrets under SHOPDESK_SECRET_KEY; see docs/operations.md)")
	}
	cfg, err := config.Load(envOr(getenv), true, true)
	if err != nil {
		return err
	}
	keys, err := secret.New(cfg.SecretKey, cfg.OldSecretKeys...)
	if err != nil {
		return err
	}
	pool, err := store.Open(ctx, cfg.MigrateDatabaseURL, 4)
	if err != nil {
		return err
	}
	defer pool.Close()
	progress := func(what string) func(done, total int) {
		return func(done, total int) {
			if done == total || done%100 == 0 {
				fmt.Fprintf(stderr, "\rre-sealing %s: %d/%d workspaces", what, done, total)
			}
		}
	}
	n, err := email.Rotate(ctx, store.New(pool), keys, progress("mailbox secrets"))
	fmt.Fprintln(stderr)
	if err == nil {
		var m int
		m, err = marketplace.Rotate(ctx, store.New(pool), keys, progress("marketplace credentials"))
		fmt.Fprintln(stderr)
		n += m
	}
	if err != nil {
		return fmt.Errorf("%w (secrets already re-sealed stay re-sealed; fix the cause and run it again)", err)
	}
	fmt.Fprintf(stdout, "re-sealed %d secrets under key %s; SHOPDESK_SECRET_KEY_OLD can be removed now\n", n, keys.CurrentID())
	return nil
}
