package mailauth

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every reason reaches the person in plain words: its key is in every catalog.
func TestReasonKeysInCatalogs(t *testing.T) {
	t.Parallel()
	reasons := []Reason{ReasonMalformed, ReasonNoFrom, ReasonAmbiguousFrom, ReasonNotSigned, ReasonKeyNotFound,
		ReasonBodyChanged, ReasonSignatureInvalid, ReasonSignatureUnusable, ReasonNotAligned, ReasonNoDMARC,
		ReasonProviderFailed, ReasonOtherDomain, ReasonTemporary}
	for _, lang := range []string{"en", "ko", "ro"} {
		b, err := os.ReadFile(filepath.Join("..", "i18n", "catalog", lang+".json"))
		require.NoError(t, err)
		var cat map[string]any
		require.NoError(t, json.Unmarshal(b, &cat))
		for _, r := range reasons {
			require.Contains(t, cat, r.MessageKey(), lang)
		}
	}
	require.Empty(t, ReasonNone.MessageKey())
}

func TestWithin(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, domain string
		want         bool
	}{
		{"marketplace.amazon.com", "amazon.com", true},
		{"Marketplace.Amazon.COM.", "amazon.com", true},
		{"amazon.com", "amazon.com", true},
		{"amazon.com", "marketplace.amazon.com", false},
		{"notamazon.com", "amazon.com", false},
		{"amazon.com.evil.example", "amazon.com", false},
		{"amazon.com", "", false},
	} {
		require.Equal(t, tc.want, within(tc.name, tc.domain), "%s in %s", tc.name, tc.domain)
	}
}

func TestAligned(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		signing, from string
		strict, want  bool
	}{
		{"amazon.com", "marketplace.amazon.com", false, true},
		{"amazon.com", "marketplace.amazon.com", true, false},
		{"marketplace.amazon.com", "marketplace.amazon.com", true, true},
		{"amazon.co.uk", "marketplace.amazon.co.uk", false, true},
		{"co.uk", "marketplace.amazon.co.uk", false, false},
		{"amazon.com", "marketplace.amazon.de", false, false},
		{"evil.example", "marketplace.amazon.com", false, false},
		{"", "amazon.com", false, false},
	} {
		require.Equal(t, tc.want, aligned(tc.signing, tc.from, tc.strict), "%+v", tc)
	}
}

func TestStripComments(t *testing.T) {
	t.Parallel()
	require.Equal(t, `mx.google.com; spf=pass  smtp.mailfrom=a@b.example`,
		stripComments(`mx.google.com; spf=pass (google.com: domain of a@b (nested; x) designates 1.2.3.4) smtp.mailfrom=a@b.example`))
	require.Equal(t, `x; dkim=pass reason="a (not a comment)"`, stripComments(`x; dkim=pass reason="a (not a comment)"`))
}
