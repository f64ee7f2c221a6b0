package pages

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTimeZoneOptions(t *testing.T) {
	t.Parallel()
	opts := timeZoneOptions([]string{"Asia/Seoul", "UTC", "America/Argentina/Buenos_Aires", "Asia/Kolkata"}, "America/Indiana/Indianapolis", "Not/A_Zone", "UTC")
	values := []string{}
	labels := map[string]string{}
	for _, o := range opts {
		values = append(values, o.Value)
		labels[o.Value] = o.Label
	}
	require.Len(t, opts, 5, "a stored zone is added once; a name that is no zone is not offered")
	require.Equal(t, "(UTC+09:00) Asia/Seoul", labels["Asia/Seoul"])
	require.Equal(t, "(UTC+05:30) Asia/Kolkata", labels["Asia/Kolkata"])
	require.Equal(t, "(UTC-03:00) America/Argentina/Buenos_Aires", labels["America/Argentina/Buenos_Aires"])
	require.Equal(t, "(UTC+00:00) UTC", labels["UTC"])
	require.Contains(t, labels["America/Indiana/Indianapolis"], ") America/Indiana/Indianapolis", "a stored zone outside the list stays selectable")
	require.Equal(t, []string{"America/Indiana/Indianapolis", "America/Argentina/Buenos_Aires", "UTC", "Asia/Kolkata", "Asia/Seoul"}, values, "west to east")
}
