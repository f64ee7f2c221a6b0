package ui

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Browsers drop tabs and newlines from URLs and read a backslash as a slash, so each of the
// refused values below would leave the site after sign-in.
func TestSafeNext(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ next, want string }{
		{"/", "/"},
		{"/w/demo/inbox", "/w/demo/inbox"},
		{"/w/demo/t/12?tab=order#m-5", "/w/demo/t/12?tab=order#m-5"},
		{"/w/demo/search?q=%2F%2Fx", "/w/demo/search?q=%2F%2Fx"},
		{"/w/d%C3%A9mo/inbox", "/w/d%C3%A9mo/inbox"},
		{"", ""},
		{"w/demo", ""},
		{"//evil.example", ""},
		{"///evil.example", ""},
		{"/\t/evil.example", ""},
		{"/\n/evil.example", ""},
		{"/\r\n/evil.example", ""},
		{"\t//evil.example", ""},
		{"/\\evil.example", ""},
		{"/\\/evil.example", ""},
		{"/w/demo\\..\\x", ""},
		{"/w/demo//inbox", ""},
		{"https://evil.example/", ""},
		{"javascript:alert(1)", ""},
		{"/javascript:alert(1)", "/javascript:alert(1)"}, // a path on this site, harmless
		{"/ /evil.example", ""},
		{"/\x00/evil.example", ""},
		{"/\x7f/evil.example", ""},
		{"/\u200b/evil.example", ""}, // zero-width space, a format character
		{"/\u2028/evil.example", ""},
		{"/\xff", ""}, // not UTF-8
		{"/" + strings.Repeat("a", 3000), ""},
	} {
		require.Equal(t, tc.want, safeNext(tc.next), "next=%q", tc.next)
	}
}
