package conversation

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMentionHandle: the handle the composer inserts is one the note's parser reads back whole.
func TestMentionHandle(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, email, want string }{
		{"Dana Field", "dana@shop.test", "dana"},
		{"Dana Field", "dana.field@shop.test", "dana.field"},
		{"Dana Field", "dana+support@shop.test", "Dana"},
		{"김민지 Kim", "민지@shop.test", "민지"},
		{"Ana", "ana.@shop.test", "Ana"},
	} {
		got := MentionHandle(tc.name, tc.email)
		require.Equal(t, tc.want, got, tc.email)
		m := mentionPattern.FindStringSubmatch("ping @" + got + " please")
		require.NotNil(t, m)
		local, _, _ := strings.Cut(tc.email, "@")
		first, _, _ := strings.Cut(strings.ToLower(tc.name), " ")
		h := strings.ToLower(strings.TrimRight(m[1], "._-"))
		require.True(t, h == strings.ToLower(local) || h == first, "%q resolves to the member", got)
	}
}
