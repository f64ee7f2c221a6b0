package pages

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLinkify(t *testing.T) {
	t.Parallel()
	require.Equal(t, []TextPart{
		{Text: "Accept here:\n"},
		{Text: "http://127.0.0.1:8080/invite/demo/abc_-1", Link: true},
		{Text: ".\nOr ("},
		{Text: "https://x.example/a?b=c", Link: true},
		{Text: ")"},
	}, Linkify("Accept here:\nhttp://127.0.0.1:8080/invite/demo/abc_-1.\nOr (https://x.example/a?b=c)"))
	require.Equal(t, []TextPart{{Text: "no links, javascript:alert(1)"}}, Linkify("no links, javascript:alert(1)"))
	require.Nil(t, Linkify(""))
}
