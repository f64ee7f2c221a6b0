package email_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/pgtest"
	"github.com/shopdesk/shopdesk/internal/secret"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

func TestRotate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := pgtest.NewDB(t)
	oldKey, newKey := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	oldRing, err := secret.New(oldKey)
	require.NoError(t, err)
	tenants := tenant.New(db.Store, nil)
	ws, uid, err := tenants.SignUp(ctx, tenant.SignUpInput{Workspace: tenant.WorkspaceInput{Name: "Rot", Slug: "rot", TimeZone: "UTC", Language: "en"},
		Name: "Admin", Email: "admin@rot.test", Password: "a long password"}, uuid.Nil, []string{"en"})
	require.NoError(t, err)
	sc, err := tenants.Resolve(ctx, ws.Slug, uid)
	require.NoError(t, err)
	a, err := email.NewService(db.Store, oldRing).Create(ctx, sc, email.Form{Name: "S", Address: "s@rot.test",
		IMAPHost: "imap.rot.test", IMAPPassword: "imap-pw", SMTPHost: "smtp.rot.test", SMTPPassword: "smtp-pw"})
	require.NoError(t, err)

	both, err := secret.New(newKey, oldKey)
	require.NoError(t, err)
	n, err := email.Rotate(ctx, db.Store, both, nil)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	n, err = email.Rotate(ctx, db.Store, both, nil)
	require.NoError(t, err)
	require.Zero(t, n, "already under the new key")

	newOnly, err := secret.New(newKey)
	require.NoError(t, err)
	stored, err := email.NewService(db.Store, newOnly).Get(ctx, sc.TenantID(), a.ID)
	require.NoError(t, err)
	require.Equal(t, newOnly.CurrentID(), secret.KeyID(stored.Secrets))
	// The form round trip keeps the passwords: an edit with empty passwords opens them.
	require.NoError(t, email.NewService(db.Store, newOnly).Update(ctx, sc, a.ID, email.FormOf(stored)))
	_, err = email.NewService(db.Store, oldRing).Test(ctx, sc.TenantID(), a.ID)
	require.ErrorIs(t, err, secret.ErrNoKey)
}
