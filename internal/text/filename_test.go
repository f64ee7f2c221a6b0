package text_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/text"
)

func TestShortenFileName(t *testing.T) {
	t.Parallel()
	require.Equal(t, "label.pdf", text.ShortenFileName("label.pdf", 20))
	long := strings.Repeat("ș", 100) + ".pdf" // 200 bytes of two-byte letters
	got := text.ShortenFileName(long, 101)
	require.LessOrEqual(t, len(got), 101)
	require.True(t, strings.HasSuffix(got, ".pdf"), "the extension stays")
	require.Equal(t, strings.Repeat("ș", 48)+".pdf", got, "cut on a character boundary")
	require.Equal(t, strings.Repeat("a", 10), text.ShortenFileName(strings.Repeat("a", 30)+"."+strings.Repeat("x", 20), 10), "an over-long extension is not kept")
}
