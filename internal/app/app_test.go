package app_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/app"
	"github.com/shopdesk/shopdesk/internal/config"
	"github.com/shopdesk/shopdesk/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const key = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code := app.Main(ctx, args, func(k string) string { return env[k] }, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestServeRefusesBadConfig(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		env      map[string]string
		variable string
	}{
		{"MissingDatabase", map[string]string{"SHOPDESK_SECRET_KEY": key}, "DATABASE_URL"},
		{"MissingSecret", map[string]string{"DATABASE_URL": "postgres://x@127.0.0.1:1/x"}, "SHOPDESK_SECRET_KEY"},
		{"BadAddr", map[string]string{"DATABASE_URL": "postgres://x@127.0.0.1:1/x", "SHOPDESK_SECRET_KEY": key, "SHOPDESK_ADDR": "nope"}, "SHOPDESK_ADDR"},
		{"BadRole", map[string]string{"DATABASE_URL": "postgres://x@127.0.0.1:1/x", "SHOPDESK_SECRET_KEY": key, "SHOPDESK_ROLE": "everything"}, "SHOPDESK_ROLE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := run(t, tc.env, "serve")
			require.Equal(t, 2, code)
			require.Contains(t, stderr, tc.variable)
		})
	}
}

func TestServeRefusesSuperuser(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	code, _, stderr := run(t, map[string]string{"DATABASE_URL": db.OwnerURL, "SHOPDESK_SECRET_KEY": key, "SHOPDESK_ADDR": "127.0.0.1:0"}, "serve")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "superuser")
	require.Contains(t, stderr, "row-level security")
}

func TestMigrateAndSeedCommands(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	env := map[string]string{"DATABASE_URL": db.AppURL, "MIGRATE_DATABASE_URL": db.OwnerURL}
	code, out, stderr := run(t, env, "migrate", "up")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "up to date")
	code, out, _ = run(t, env, "migrate", "version")
	require.Equal(t, 0, code)
	require.Regexp(t, `schema version (\d+) of (\d+); river schema version \d+`, out)

	code, _, stderr = run(t, env, "migrate", "down", "1")
	require.Equal(t, 0, code, stderr)
	code, out, _ = run(t, env, "migrate", "version")
	require.Equal(t, 0, code)
	require.Regexp(t, `schema version (\d+) of (\d+)`, out)
	m := regexp.MustCompile(`schema version (\d+) of (\d+)`).FindStringSubmatch(out)
	require.NotEqual(t, m[1], m[2], "one version below the latest")
	code, _, stderr = run(t, env, "migrate", "force", "x")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "not a whole number")
	code, out, stderr = run(t, env, "migrate", "up")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "version "+m[1]+" → "+m[2])

	code, out, stderr = run(t, env, "seed", "--demo", "--history-days", "2")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "created the demo workspace")
	require.Contains(t, out, "tickets of history over the last 2 days")
	code, out, _ = run(t, env, "seed", "--demo", "--history-days", "2")
	require.Equal(t, 0, code)
	require.Contains(t, out, "nothing to do")

	env["SHOPDESK_ENV"] = "production"
	env["SHOPDESK_BASE_URL"] = "https://help.example.com"
	env["SHOPDESK_RELAY_URL"] = "smtp://relay.example.com"
	code, _, stderr = run(t, env, "seed", "--demo")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "production")
}

func TestServeRunsAndStopsGracefully(t *testing.T) {
	t.Parallel()
	db := pgtest.NewDB(t)
	cfg, err := config.Load(func(k string) string {
		return map[string]string{"DATABASE_URL": db.AppURL, "SHOPDESK_SECRET_KEY": key, "SHOPDESK_ADDR": "127.0.0.1:0", "SHOPDESK_SHUTDOWN_TIMEOUT": "5s"}[k]
	}, true, true)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	addrCh := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- app.Serve(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), func(l app.Listening) { addrCh <- l.HTTP })
	}()
	var addr string
	select {
	case addr = <-addrCh:
	case err := <-done:
		t.Fatalf("serve stopped: %v", err)
	}
	res, err := http.Get("http://" + addr + "/readyz")
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, string(body))
	require.True(t, strings.HasPrefix(string(body), "ready"))
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
}
