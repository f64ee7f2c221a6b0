package conversation_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/conversation"
)

func TestCountFiltersMatchTheList(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(3, 4))
	seedSpecs(t, w, w.a, r, 40)
	seedSpecs(t, w, w.b, r, 15)

	filters := []conversation.Filter{
		{View: conversation.ViewOpen, Priority: -1},
		{View: conversation.ViewOpen, Tag: "vip", Priority: -1},
		{View: conversation.ViewMine, Channel: "amazon", Priority: -1},
		{View: conversation.ViewOpen, Status: "resolved", Priority: -1, Sort: conversation.SortNewest},
		{View: conversation.ViewUnassigned, Language: "ko", Priority: 1},
		{View: conversation.ViewOpen, Priority: -1, Sort: "sideways"}, // not listable: 0
	}
	got, err := w.svc.CountFilters(ctx, w.a, filters)
	require.NoError(t, err)
	for i, f := range filters[:len(filters)-1] {
		n, after := 0, ""
		for {
			p, err := w.svc.List(ctx, w.a, f, after, 100)
			require.NoError(t, err)
			n += len(p.Items)
			if after = p.Next; after == "" {
				break
			}
		}
		require.Equal(t, n, got[i], "filter %d: %+v", i, f)
	}
	require.Zero(t, got[len(got)-1])
	require.Positive(t, got[0])

	// Counts stop at the cap.
	c, err := pgx.Connect(ctx, w.db.OwnerURL)
	require.NoError(t, err)
	defer c.Close(ctx)
	_, err = c.Exec(ctx, `INSERT INTO tickets (tenant_id, number, channel, customer_id, tags)
		SELECT t.tenant_id, 100000 + g, 'email', t.customer_id, '{bulk}'
		FROM (SELECT tenant_id, customer_id FROM tickets WHERE tenant_id = $1 LIMIT 1) t, generate_series(1, $2::int) g`,
		w.a.TenantID(), conversation.CountCap+5)
	require.NoError(t, err)
	got, err = w.svc.CountFilters(ctx, w.a, []conversation.Filter{{View: conversation.ViewOpen, Tag: "bulk", Priority: -1}})
	require.NoError(t, err)
	require.Equal(t, []int{conversation.CountCap}, got)
}

func TestListSortedByAge(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(5, 6))
	seedSpecs(t, w, w.a, r, 30)
	for _, sort := range []string{conversation.SortNewest, conversation.SortOldest} {
		var all []conversation.ListItem
		after := ""
		for {
			p, err := w.svc.List(ctx, w.a, conversation.Filter{View: conversation.ViewOpen, Priority: -1, Sort: sort}, after, 4)
			require.NoError(t, err)
			all = append(all, p.Items...)
			if after = p.Next; after == "" {
				break
			}
		}
		require.NotEmpty(t, all)
		seen := map[int64]bool{}
		for i := range all {
			require.False(t, seen[all[i].ID], "no ticket twice across pages")
			seen[all[i].ID] = true
			if i == 0 {
				continue
			}
			a, b := all[i-1], all[i]
			if sort == conversation.SortNewest {
				require.True(t, a.CreatedAt.After(b.CreatedAt) || a.CreatedAt.Equal(b.CreatedAt) && a.ID > b.ID)
			} else {
				require.True(t, a.CreatedAt.Before(b.CreatedAt) || a.CreatedAt.Equal(b.CreatedAt) && a.ID < b.ID)
			}
		}
		n, err := w.svc.CountFilters(ctx, w.a, []conversation.Filter{{View: conversation.ViewOpen, Priority: -1}})
		require.NoError(t, err)
		require.Len(t, all, n[0], "the sorted list holds the same tickets")
		// A cursor of another order is refused.
		p, err := w.svc.List(ctx, w.a, conversation.Filter{View: conversation.ViewOpen, Priority: -1}, "", 2)
		require.NoError(t, err)
		_, err = w.svc.List(ctx, w.a, conversation.Filter{View: conversation.ViewOpen, Priority: -1, Sort: sort}, p.Next, 2)
		require.Error(t, err)
	}
}
