package compliance_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/channel/ebay"
	"github.com/shopdesk/shopdesk/internal/compliance"
)

// TestEBayLengthIsOneDefinition: the composer's eBay length rule and the eBay client count the
// same way, so the composer never lets through what the client refuses, nor refuses what it sends.
func TestEBayLengthIsOneDefinition(t *testing.T) {
	t.Parallel()
	rs, ok := compliance.RulesFor("ebay")
	require.True(t, ok)
	var limit compliance.Rule
	for _, r := range rs.Rules {
		if r.Kind == "length" {
			limit = r
		}
	}
	require.Equal(t, ebay.MaxMessageChars, limit.Max, "the same limit")
	for _, text := range []string{
		"plain",
		strings.Repeat("😀", 1001),
		"Ship\r\ntoday 📦🚚 👍🏽 ❤️",
		"안녕하세요, 주문하신 상품이 발송되었습니다.",
	} {
		out := compliance.Outgoing(text, "", "")
		require.Equal(t, ebay.MessageLength(out), compliance.Length(out, limit.Unit), text)
	}
}
