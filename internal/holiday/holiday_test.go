package holiday

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

func dates(code, prefix string, name func(string) bool) []string {
	var out []string
	for _, h := range Of(code) {
		if len(h.Date) >= len(prefix) && h.Date[:len(prefix)] == prefix && (name == nil || name(h.Name)) {
			if !slices.Contains(out, h.Date) {
				out = append(out, h.Date)
			}
		}
	}
	return out
}

func TestShippedLists(t *testing.T) {
	t.Parallel()
	require.NotEmpty(t, Source())
	codes := []string{}
	for _, c := range Countries() {
		codes = append(codes, c.Code)
		require.NotEmpty(t, Of(c.Code), c.Code)
	}
	require.Subset(t, codes, []string{"KR", "RO", "US", "GB", "DE", "NL", "BE"})
	require.Nil(t, Of("XX"))

	// Lunar holidays: Seollal is the day before, the day and the day after the lunar new year.
	starts := func(p string) func(string) bool {
		return func(n string) bool { return len(n) >= len(p) && n[:len(p)] == p }
	}
	require.Equal(t, []string{"2026-02-16", "2026-02-17", "2026-02-18"}, dates("KR", "2026-02", starts("설날")))
	require.Equal(t, []string{"2026-09-24", "2026-09-25", "2026-09-26"}, dates("KR", "2026-09", starts("추석")))
	// Orthodox Easter (Romania) is not the western date: 2027-05-02, with Easter Monday.
	require.Subset(t, dates("RO", "2027", nil), []string{"2027-01-24", "2027-05-02", "2027-05-03", "2027-12-01"})
	require.NotContains(t, dates("RO", "2027", nil), "2027-03-29")
	require.Contains(t, dates("US", "2026", nil), "2026-06-19") // Juneteenth
	require.Contains(t, dates("NL", "2027", nil), "2027-04-27") // King's Day
}
