package routing

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func TestPick(t *testing.T) {
	t.Parallel()
	a, b, c := uuid.MustParse("00000000-0000-0000-0000-00000000000a"), uuid.MustParse("00000000-0000-0000-0000-00000000000b"), uuid.MustParse("00000000-0000-0000-0000-00000000000c")
	email := Need{Channel: "email", Language: "ko"}
	cands := func() []Candidate {
		return []Candidate{
			{UserID: a, Online: true, Capacity: map[string]int{"email": 2}},
			{UserID: b, Online: true, Capacity: map[string]int{"email": 2}, Languages: []string{"ko", "en"}},
			{UserID: c, Online: false},
		}
	}

	got, ok := Pick(RoundRobin, cands(), email, uuid.Nil)
	require.True(t, ok)
	require.Equal(t, a, got)
	got, _ = Pick(RoundRobin, cands(), email, a)
	require.Equal(t, b, got, "round-robin continues after the last one")
	got, _ = Pick(RoundRobin, cands(), email, b)
	require.Equal(t, a, got, "an away agent is skipped")

	cs := cands()
	cs[0].LoadAll, cs[0].LoadChannel = 1, 1
	got, _ = Pick(LeastLoaded, cs, email, uuid.Nil)
	require.Equal(t, b, got, "least-loaded")

	cs[0].LoadChannel, cs[1].LoadChannel = 2, 2
	_, ok = Pick(LeastLoaded, cs, email, uuid.Nil)
	require.False(t, ok, "everyone at capacity: the ticket waits")
	_, ok = Pick(RoundRobin, cs, Need{Channel: "amazon"}, uuid.Nil)
	require.True(t, ok, "capacity is per channel")

	cs = cands()
	cs[0].Channels = []string{"amazon"}
	got, _ = Pick(RoundRobin, cs, email, uuid.Nil)
	require.Equal(t, b, got, "never to someone without access to the channel")
	got, _ = Pick(RoundRobin, cands(), Need{Channel: "email", Language: "ro"}, a)
	require.Equal(t, a, got, "skills: b does not speak Romanian")
	_, ok = Pick(Manual, cands(), email, uuid.Nil)
	require.False(t, ok)
}
