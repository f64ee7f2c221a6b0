package replytoken

import (
	"bytes"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/secret"
)

func TestTokens(t *testing.T) {
	t.Parallel()
	setup := func(t *testing.T) (*secret.Keyring, uuid.UUID, uuid.UUID) {
		t.Helper()
		k, err := secret.New(bytes.Repeat([]byte{3}, 32))
		require.NoError(t, err)
		return k, uuid.New(), uuid.New()
	}

	t.Run("ReplyAddress", func(t *testing.T) {
		t.Parallel()
		k, a, b := setup(t)
		addr := Address(k, a, 12345, "support+old@shop.example")
		require.Regexp(t, `^support\+r-9ix-[a-z2-7]{8}@shop\.example$`, addr)
		id, ok := Ticket(k, a, addr)
		require.True(t, ok)
		require.Equal(t, int64(12345), id)
		id, ok = Ticket(k, a, "  "+string(bytes.ToUpper([]byte(addr)))+" ")
		require.True(t, ok, "addresses are case-insensitive")
		require.Equal(t, int64(12345), id)

		_, ok = Ticket(k, b, addr)
		require.False(t, ok, "another workspace's token")
		forged := Address(k, a, 12346, "support@shop.example")
		_, ok = Ticket(k, a, forged[:len("support+r-9iy-")]+"aaaaaaaa@shop.example")
		require.False(t, ok, "a guessed MAC")
		for _, s := range []string{"support@shop.example", "x+r-@y", "x+r-zz@y", "nope"} {
			_, ok = Ticket(k, a, s)
			require.False(t, ok, s)
		}
	})
	t.Run("OwnHeader", func(t *testing.T) {
		t.Parallel()
		k, a, b := setup(t)
		v := Own(k, a, 77)
		require.True(t, IsOwn(k, a, v))
		require.False(t, IsOwn(k, b, v))
		require.False(t, IsOwn(k, a, "77.aaaaaaaa"))
		require.False(t, IsOwn(k, a, ""))
	})
}
