// Package pgtest gives each test its own freshly migrated PostgreSQL database, connected as the
// application role (NOSUPERUSER NOBYPASSRLS) so row-level security applies exactly as in production.
//
// One throwaway server per test binary (initdb + pg_ctl in a temp dir, random port, fsync off)
// holds a template database migrated once; every NewDB clones it, which takes a fraction of a
// second. TEST_DATABASE_URL (a superuser URL) points the harness at an existing server instead.
package pgtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/shopdesk/shopdesk/internal/localpg"
	"github.com/shopdesk/shopdesk/internal/migrate"
	"github.com/shopdesk/shopdesk/internal/store"
)

// AppRole is the role tests connect as; AppPassword is its password on TEST_DATABASE_URL servers.
const (
	AppRole     = "shopdesk_app"
	AppPassword = "shopdesk-test"
)

var (
	once     sync.Once
	startErr error
	server   *localpg.Server
	tmpDir   string
	adminURL string // superuser URL to the maintenance database
	template string
	counter  atomic.Int64
)

// Main runs the package's tests and stops the throwaway server afterwards. Use it as
// `func TestMain(m *testing.M) { pgtest.Main(m) }`; after runs once the tests are done (the
// browser tests stop their shared Chromium there), before the server stops.
func Main(m *testing.M, after ...func()) {
	code := m.Run()
	for _, f := range after {
		f()
	}
	if server != nil && server.Started {
		_ = server.Stop(true)
	}
	if tmpDir != "" {
		os.RemoveAll(tmpDir)
	}
	os.Exit(code)
}

// DB is one test's database.
type DB struct {
	Name     string
	AppURL   string // as the application role
	OwnerURL string // as the schema owner (superuser), for setup that the app may not do
	App      *pgxpool.Pool
	Store    *store.Store
}

func start() error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		adminURL = u
	} else {
		dir, err := os.MkdirTemp("", "shopdesk-pgtest-")
		if err != nil {
			return err
		}
		tmpDir = dir
		// MkdirTemp makes it 0700; the server may run as the postgres user (see localpg).
		if err := os.Chmod(dir, 0o755); err != nil {
			return err
		}
		server, err = localpg.Start(ctx, localpg.Options{Dir: dir, Throwaway: true})
		if err != nil {
			return err
		}
		adminURL = server.URL("postgres", "postgres")
	}
	template = fmt.Sprintf("shopdesk_tmpl_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6)
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("pgtest: connect %s: %w", redact(adminURL), err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+template); err != nil {
		return fmt.Errorf("pgtest: create template: %w", err)
	}
	pool, err := pgxpool.New(ctx, withDatabase(adminURL, template))
	if err != nil {
		return err
	}
	// The role is cluster-wide; parallel test binaries on one TEST_DATABASE_URL server may race to
	// create it, so a second attempt settles it.
	err = migrate.Up(ctx, pool, AppRole, AppPassword, nil)
	if err != nil {
		err = migrate.EnsureAppRole(ctx, pool, AppRole, AppPassword)
	}
	pool.Close()
	if err != nil {
		return fmt.Errorf("pgtest: migrate template: %w", err)
	}
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+template+" WITH IS_TEMPLATE true"); err != nil {
		return err
	}
	return nil
}

// NewDB clones the migrated template into a database of the test's own and drops it afterwards.
// Without PostgreSQL the test is skipped, except under CI=true, where it fails.
func NewDB(t testing.TB) *DB {
	t.Helper()
	once.Do(func() { startErr = start() })
	if startErr != nil {
		if os.Getenv("CI") == "" && startErr == localpg.ErrNoBinaries {
			t.Skipf("pgtest: %v (CI=true turns this skip into a failure)", startErr)
		}
		t.Fatalf("pgtest: %v", startErr)
	}
	ctx := context.Background()
	name := fmt.Sprintf("%s_t%d", template, counter.Add(1))
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE "+template); err != nil {
		t.Fatalf("pgtest: clone template: %v", err)
	}
	db := &DB{Name: name, OwnerURL: withDatabase(adminURL, name)}
	db.AppURL = withUser(db.OwnerURL, AppRole, AppPassword)
	db.App, err = store.Open(ctx, db.AppURL, 20)
	if err != nil {
		t.Fatalf("pgtest: connect as %s: %v", AppRole, err)
	}
	db.Store = store.New(db.App)
	t.Cleanup(func() {
		db.App.Close()
		c, err := pgx.Connect(context.Background(), adminURL)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return db
}

// Owner opens a superuser connection to the test's database, closed at cleanup.
func (db *DB) Owner(t testing.TB) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), db.OwnerURL)
	if err != nil {
		t.Fatalf("pgtest: connect as owner: %v", err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

func withDatabase(raw, db string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	u.Path = "/" + db
	return u.String()
}

func withUser(raw, user, password string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	u.User = url.UserPassword(user, password)
	return u.String()
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}
