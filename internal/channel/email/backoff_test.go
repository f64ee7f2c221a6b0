package email_test

import (
	"bytes"
	"context"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/pgtest"
	"github.com/shopdesk/shopdesk/internal/secret"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// A mailbox whose server refuses connections backs off: each failure is recorded with the time of
// the next attempt, twice as far as the one before; periodic syncs before it are skipped, a wake
// from IDLE is not.
func TestFailingSyncBacksOff(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewDB(t)
	keys, err := secret.New(bytes.Repeat([]byte{3}, 32))
	require.NoError(t, err)
	tenants := tenant.New(db.Store, nil)
	ws, uid, err := tenants.SignUp(ctx, tenant.SignUpInput{Workspace: tenant.WorkspaceInput{Name: "Back", Slug: "back", TimeZone: "UTC", Language: "en"},
		Name: "Admin", Email: "admin@back.test", Password: "a long password"}, uuid.Nil, []string{"en"})
	require.NoError(t, err)
	sc, err := tenants.Resolve(ctx, ws.Slug, uid)
	require.NoError(t, err)
	// A port nothing listens on: every connection is refused at once.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close())
	svc := email.NewService(db.Store, keys)
	a, err := svc.Create(ctx, sc, email.Form{Name: "S", Address: "s@back.test", IMAPHost: "127.0.0.1", IMAPPort: strconv.Itoa(port),
		IMAPTLS: "none", IMAPPassword: "pw", SMTPHost: "127.0.0.1", SMTPPassword: "pw"})
	require.NoError(t, err)

	res, err := svc.Sync(ctx, sc.TenantID(), a.ID, nil, false)
	require.Error(t, err)
	require.Equal(t, 1, res.Failures)
	first := res.NextAttempt
	require.WithinDuration(t, time.Now().Add(time.Minute), first, 30*time.Second)

	res, err = svc.Sync(ctx, sc.TenantID(), a.ID, nil, false)
	require.NoError(t, err, "a periodic sync before the next attempt is skipped")
	require.True(t, res.Skipped)

	res, err = svc.Sync(ctx, sc.TenantID(), a.ID, nil, true)
	require.Error(t, err, "a wake syncs anyway")
	require.Equal(t, 2, res.Failures)
	require.WithinDuration(t, time.Now().Add(2*time.Minute), res.NextAttempt, 30*time.Second)

	got, err := svc.Get(ctx, sc.TenantID(), a.ID)
	require.NoError(t, err)
	require.Equal(t, int32(2), got.SyncFailures)
	require.NotEmpty(t, got.LastError)
}
