package ingest

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// The admins' notice tells a burst once: the count, each reason with its count, and the link.
func TestQuarantineNotice(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := newPipeline(t)
	for _, raw := range []string{"Subject: a\r\n\r\nno sender", "Subject: b\r\n\r\nno sender", "not a mail at all"} {
		_, out := p.feed(t, raw)
		require.Equal(t, "quarantined", out.State)
	}
	n, err := p.svc.QuarantineNotice(ctx, p.sc.TenantID(), "https://desk.example/")
	require.NoError(t, err)
	require.Len(t, n.IDs, 3)
	require.Equal(t, []string{"admin@mail.test"}, n.To)
	require.Equal(t, "[Mail] 3 incoming messages quarantined", n.Subject)
	require.Len(t, n.Reasons, 2)
	for _, r := range n.Reasons {
		require.Contains(t, n.Body, "× "+r.Error)
	}
	require.Contains(t, n.Body, "- 2 × ")
	require.Contains(t, n.Body, "https://desk.example/w/mail/settings/mail")

	require.NoError(t, p.svc.MarkNotified(ctx, p.sc.TenantID(), n.IDs))
	n, err = p.svc.QuarantineNotice(ctx, p.sc.TenantID(), "https://desk.example/")
	require.NoError(t, err)
	require.Empty(t, n.IDs, "told once")
}
