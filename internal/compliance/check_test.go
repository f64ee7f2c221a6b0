package compliance

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/i18n"
)

func TestFindingSpans(t *testing.T) {
	t.Parallel()
	text := "안녕하세요 😀 연락처: 010-1234-5678"
	res, err := Check(Message{Marketplace: "amazon", Text: text})
	require.NoError(t, err)
	require.Len(t, res.Findings, 1)
	f := res.Findings[0]
	require.Equal(t, "amazon.phone", f.RuleID)
	require.Equal(t, Block, f.Level)
	require.Equal(t, PartText, f.Part)
	require.Equal(t, "010-1234-5678", f.Match)
	require.Equal(t, "010-1234-5678", text[f.Start:f.End])
	require.Equal(t, []rune(text)[f.RuneStart:f.RuneEnd], []rune("010-1234-5678"))
	// The emoji is two UTF-16 units, one code point.
	require.Equal(t, f.RuneStart+1, f.U16Start)
	require.Equal(t, "compliance.reason.phone", f.Reason)
	require.Contains(t, f.Source, "Seller Central")
}

func TestEveryRuleIsComplete(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{"amazon", "ebay", "walmart"}, Marketplaces())
	amazon, ok := RulesFor("amazon")
	require.True(t, ok)
	for _, lang := range []string{"en", "de", "fr", "it", "es", "ja", "ko", "ro"} {
		require.Contains(t, amazon.Languages, lang)
	}
	for _, m := range Marketplaces() {
		rs, _ := RulesFor(m)
		require.NotEmpty(t, rs.Domains)
		for _, r := range rs.Rules {
			require.Contains(t, r.ID, m+".")
			require.NotEmpty(t, r.Source, r.ID)
		}
	}
	_, ok = RulesFor("email")
	require.False(t, ok)
	require.Contains(t, CarrierDomains(), "ups.com")
}

func TestSignatureAndAttachmentParts(t *testing.T) {
	t.Parallel()
	res, err := Check(Message{Marketplace: "walmart", Text: "Thanks!", Signature: "Call 555-123-4567",
		Attachments: []Attachment{{Name: "a.pdf", Size: 10}, {Name: "visit www.shop-example.com.pdf", Size: 10}}})
	require.NoError(t, err)
	require.Len(t, res.Findings, 2)
	require.Equal(t, PartAttachment, res.Findings[0].Part)
	require.Equal(t, 1, res.Findings[0].Attachment)
	require.Equal(t, []any{"www.shop-example.com.pdf"}, res.Findings[0].Args)
	require.Equal(t, PartSignature, res.Findings[1].Part)
	require.Equal(t, "555-123-4567", res.Findings[1].Match)
}

func TestLengthCountsWhatTheAPIReceives(t *testing.T) {
	t.Parallel()
	require.Equal(t, 2, Length("😀", UnitUTF16))
	require.Equal(t, 1, Length("😀", UnitCodePoint))
	require.Equal(t, "a\nb\n\nsig", Outgoing("a\r\nb", "sig", ""))
	require.Equal(t, "a\n\nsig", Outgoing("a \r\n", "sig", ""), "the reply is trimmed before it is stored")
}

// Every rule's reason is in each catalog: the composer shows it in the agent's language.
func TestReasonsAreTranslated(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"en", "ko", "ro"} {
		p := i18n.NewPrinter(lang, time.UTC)
		for _, m := range Marketplaces() {
			rs, _ := RulesFor(m)
			for _, r := range rs.Rules {
				require.NotEqual(t, r.Reason, p.T(r.Reason), "%s: %s", lang, r.ID)
				// The settings page names each rule by its reason's title.
				require.NotEqual(t, r.Reason+"_title", p.T(r.Reason+"_title"), "%s: %s", lang, r.ID)
			}
		}
	}
}
