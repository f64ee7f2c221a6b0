package validate_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/validate"
)

func TestText(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		max  int
		want string
	}{
		{"Bună ziua, 안녕하세요", 100, ""},
		{"", 0, ""},
		{"a\x00b", 100, validate.KeyNUL},
		{"caf\xe9", 100, validate.KeyEncoding},
		{"\xed\xa0\x80", 100, validate.KeyEncoding}, // a UTF-16 surrogate, not UTF-8
		{strings.Repeat("a", 101), 100, validate.KeyTooLong},
		{strings.Repeat("ă", 50), 100, ""},
		{strings.Repeat("ă", 51), 100, validate.KeyTooLong},
	} {
		require.Equal(t, c.want, validate.Text(c.in, c.max), "%q", c.in)
	}
}

func TestForm(t *testing.T) {
	t.Parallel()
	limit := func(f string) int {
		if f == "body" {
			return 1000
		}
		return 10
	}
	errs := validate.Form(map[string][]string{
		"name":    {"ok"},
		"body":    {strings.Repeat("x", 500)},
		"tags":    {"fine", "bad\x00"},
		"city":    {strings.Repeat("x", 11)},
		"bad\xff": {"x"},
	}, limit)
	require.Equal(t, validate.Errors{"tags": validate.KeyNUL, "city": validate.KeyTooLong, "form": validate.KeyEncoding}, errs)
}
