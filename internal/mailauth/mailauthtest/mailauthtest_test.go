package mailauthtest_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rsa"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/mailauth"
	"github.com/shopdesk/shopdesk/internal/mailauth/mailauthtest"
)

func TestKeys(t *testing.T) {
	t.Parallel()
	require.Equal(t, 2048, mailauthtest.RSAKey.Public().(*rsa.PublicKey).N.BitLen())
	require.Equal(t, 2048, mailauthtest.Unpublished.Public().(*rsa.PublicKey).N.BitLen())
	require.IsType(t, ed25519.PublicKey{}, mailauthtest.Ed25519Key.Public())
	require.NotEqual(t, mailauthtest.KeyRecord(mailauthtest.RSAKey), mailauthtest.KeyRecord(mailauthtest.Unpublished))
	require.True(t, strings.HasPrefix(mailauthtest.KeyRecord(mailauthtest.Ed25519Key), "v=DKIM1; k=ed25519; p="))
}

func TestWriteOverrides(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "dns.txt")
	require.NoError(t, mailauthtest.WriteOverridesFile(path))
	o, err := mailauth.LoadOverrides(path)
	require.NoError(t, err)

	rsaRec, edRec := mailauthtest.KeyRecord(mailauthtest.RSAKey), mailauthtest.KeyRecord(mailauthtest.Ed25519Key)
	for _, d := range []string{"amazon.com", "marketplace.amazon.com", "amazon.co.uk", "marketplace.amazon.co.jp",
		"amazon.com.au", "marketplace.amazon.se", "walmart.com", "relay.walmart.com"} {
		require.Equal(t, []string{rsaRec}, o[mailauthtest.Selector+"._domainkey."+d], d)
		require.Equal(t, []string{edRec}, o[mailauthtest.SelectorEd25519+"._domainkey."+d], d)
	}
	for _, d := range append(append([]string(nil), mailauthtest.AmazonDomains...), mailauthtest.WalmartDomains...) {
		require.Equal(t, []string{mailauthtest.DMARCRecord}, o["_dmarc."+d], d)
	}
	require.Len(t, mailauthtest.AmazonDomains, 22, "every Amazon site an account can name")
	require.NotContains(t, o, "_dmarc.marketplace.amazon.com", "found at the organisational domain, as for the real relay")
	var all bytes.Buffer
	require.NoError(t, mailauthtest.WriteOverrides(&all))
	require.NotContains(t, all.String(), strings.TrimPrefix(mailauthtest.KeyRecord(mailauthtest.Unpublished), "v=DKIM1; k=rsa; p="))
}

func TestSignNormalisesLineEnds(t *testing.T) {
	t.Parallel()
	signed := mailauthtest.Sign([]byte("From: a@amazon.com\nSubject: x\n\nbody\n"), "amazon.com", mailauthtest.Selector)
	require.True(t, bytes.HasPrefix(signed, []byte("DKIM-Signature: ")))
	require.Contains(t, string(signed), "d=amazon.com")
	require.Contains(t, string(signed), "s="+mailauthtest.Selector)
	require.NotContains(t, strings.ReplaceAll(string(signed), "\r\n", ""), "\n")
}
