package secret

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSealOpen(t *testing.T) {
	t.Parallel()
	setup := func(t *testing.T) (*Keyring, []byte) {
		t.Helper()
		master := bytes.Repeat([]byte{7}, 32)
		k, err := New(master)
		require.NoError(t, err)
		return k, master
	}

	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		k, _ := setup(t)
		s := k.Seal([]byte("hunter2"), []byte("t1/a1"))
		require.NotContains(t, string(s), "hunter2")
		p, err := k.Open(s, []byte("t1/a1"))
		require.NoError(t, err)
		require.Equal(t, "hunter2", string(p))
		require.NotEqual(t, s, k.Seal([]byte("hunter2"), []byte("t1/a1")), "a fresh nonce every time")
	})
	t.Run("BoundToRow", func(t *testing.T) {
		t.Parallel()
		k, _ := setup(t)
		s := k.Seal([]byte("hunter2"), []byte("t1/a1"))
		_, err := k.Open(s, []byte("t2/a1"))
		require.Error(t, err)
		s[len(s)-1] ^= 1
		_, err = k.Open(s, []byte("t1/a1"))
		require.Error(t, err)
		_, err = k.Open([]byte("plain"), nil)
		require.Error(t, err)
	})
	t.Run("Rotation", func(t *testing.T) {
		t.Parallel()
		old, oldMaster := setup(t)
		sealed := old.Seal([]byte("pw"), nil)
		token := old.Sign("ticket 1")

		newMaster := bytes.Repeat([]byte{9}, 32)
		withoutOld, err := New(newMaster)
		require.NoError(t, err)
		_, err = withoutOld.Open(sealed, nil)
		require.ErrorIs(t, err, ErrNoKey)
		require.False(t, withoutOld.Verify("ticket 1", token))

		ring, err := New(newMaster, oldMaster)
		require.NoError(t, err)
		p, err := ring.Open(sealed, nil)
		require.NoError(t, err)
		require.Equal(t, "pw", string(p))
		require.True(t, ring.Verify("ticket 1", token))
		require.Equal(t, old.CurrentID(), KeyID(sealed))
		require.Equal(t, ring.CurrentID(), KeyID(ring.Seal(p, nil)))
		require.NotEqual(t, old.CurrentID(), ring.CurrentID())
	})
	t.Run("Sign", func(t *testing.T) {
		t.Parallel()
		k, _ := setup(t)
		mac := k.Sign("x")
		require.Len(t, mac, 8)
		require.True(t, k.Verify("x", mac))
		require.True(t, k.Verify("x", bytes.NewBufferString(mac).String()))
		require.False(t, k.Verify("y", mac))
	})
}
