package conversation_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// The ticket page reuses the workspace's members for 30 s; someone who joined meanwhile and wrote
// in the thread is still named, because a missing author makes the page read them again.
func TestTicketNamesANewMemberAtOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	tk := open(t, w, w.a, "Parcel", "Where is it?", conversation.CustomerRef{Email: "c@example.com"})
	d, err := w.svc.Detail(ctx, w.a, tk.Number)
	require.NoError(t, err)
	before := len(d.Members)

	_, token, err := w.tenants.Invite(ctx, w.a, "three@alpha.test", tenant.RoleAgent)
	require.NoError(t, err)
	three, err := w.tenants.AcceptInvitationNewAccount(ctx, "alpha", token, "Three", "a long password", "a long password")
	require.NoError(t, err)
	_, err = w.svc.Reply(ctx, three, tk.Number, conversation.ReplyInput{Body: "Checking with the carrier.", Note: true})
	require.NoError(t, err)

	d, err = w.svc.Detail(ctx, w.a, tk.Number)
	require.NoError(t, err)
	require.Equal(t, "Three", d.Names[three.UserID])
	require.Len(t, d.Members, before+1, "and the mention list has them too")
}

// Lists name assignees from the cached members, and someone who joined since by their account.
func TestListNamesAssignees(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	tk := open(t, w, w.a, "Parcel", "Where is it?", conversation.CustomerRef{Email: "c@example.com"})
	require.NoError(t, w.svc.Assign(ctx, w.a, tk.Number, w.a2.UserID))
	name := func() string {
		t.Helper()
		p, err := w.svc.List(ctx, w.a, conversation.Filter{View: conversation.ViewOpen, Priority: -1}, "", 10)
		require.NoError(t, err)
		require.Len(t, p.Items, 1)
		return p.Items[0].AssigneeName
	}
	require.Equal(t, "Two", name())

	_, token, err := w.tenants.Invite(ctx, w.a, "three@alpha.test", tenant.RoleAgent)
	require.NoError(t, err)
	three, err := w.tenants.AcceptInvitationNewAccount(ctx, "alpha", token, "Three", "a long password", "a long password")
	require.NoError(t, err)
	require.NoError(t, w.svc.Assign(ctx, w.a, tk.Number, three.UserID))
	require.Equal(t, "Three", name(), "not in the cached members yet, named all the same")
}
