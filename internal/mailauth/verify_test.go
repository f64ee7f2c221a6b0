package mailauth_test

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/mailauth"
	"github.com/shopdesk/shopdesk/internal/mailauth/mailauthtest"
)

// testResolver publishes the marketplace test keys and policies (mailauthtest's overrides file)
// plus a few domains of the tests' own; every other name does not exist, so no test asks DNS.
func testResolver(t *testing.T) *mailauth.OverrideResolver {
	t.Helper()
	path := filepath.Join(t.TempDir(), "dns.txt")
	require.NoError(t, mailauthtest.WriteOverridesFile(path))
	key := mailauthtest.KeyRecord(mailauthtest.RSAKey)
	extra := strings.Join([]string{
		"# a spoofer's own domain, properly signed and with a policy",
		mailauthtest.Selector + "._domainkey.evil.example " + key,
		"_dmarc.evil.example v=DMARC1; p=none",
		"# a domain that signs but publishes no DMARC policy",
		mailauthtest.Selector + "._domainkey.nodmarc.example " + key,
		"# strict alignment: only d=mail.strict.example counts for From …@mail.strict.example",
		mailauthtest.Selector + "._domainkey.strict.example " + key,
		mailauthtest.Selector + "._domainkey.mail.strict.example " + key,
		"_dmarc.strict.example v=DMARC1; p=reject; adkim=s",
	}, "\n")
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("\n" + extra + "\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	records, err := mailauth.LoadOverrides(path)
	require.NoError(t, err)
	return &mailauth.OverrideResolver{Records: records}
}

// relayMail is a buyer message as Amazon's relay sends it.
func relayMail(from string) []byte {
	return mailauthtest.CRLF([]byte("From: Jane - Amazon Marketplace <" + from + ">\n" +
		"To: acme+amz1@in.shopdesk.test\n" +
		"Subject: Inquiry from Amazon customer Jane (Order: 111-7366207-0755439)\n" +
		"Date: Fri, 04 Dec 2026 09:12:44 +0000\n" +
		"Message-ID: <0100018c.relay.1@email.amazonses.com>\n" +
		"MIME-Version: 1.0\n" +
		"Content-Type: text/plain; charset=UTF-8\n" +
		"\n" +
		"------------- Begin message -------------\n" +
		"\n" +
		"Where is my parcel? It was due on Monday.\n" +
		"\n" +
		"------------- End message -------------\n" +
		"[commMgrTok:AF9E104T7W2Q2]\n"))
}

const buyer = "knsrqr1h8bkp9yh@marketplace.amazon.com"

func TestVerify(t *testing.T) {
	t.Parallel()

	setup := func(t *testing.T) *mailauth.Verifier {
		t.Helper()
		return mailauth.NewVerifier(testResolver(t))
	}
	sign := mailauthtest.Sign
	replace := func(raw []byte, old, new string) []byte {
		require.Contains(t, string(raw), old)
		return bytes.Replace(raw, []byte(old), []byte(new), 1)
	}

	for _, tc := range []struct {
		name    string
		raw     []byte
		reason  mailauth.Reason // ReasonNone: authenticated
		aligned []string
		// domain is what Authenticates is asked about; want its answer.
		domain string
		want   bool
	}{
		{
			name: "AlignedRelaxed", raw: sign(relayMail(buyer), "amazon.com", mailauthtest.Selector),
			aligned: []string{"amazon.com"}, domain: "amazon.com", want: true,
		},
		{
			name: "SignedBySubdomainItself", raw: sign(relayMail(buyer), "marketplace.amazon.com", mailauthtest.Selector),
			aligned: []string{"marketplace.amazon.com"}, domain: "marketplace.amazon.com", want: true,
		},
		{
			name:    "Ed25519",
			raw:     mailauthtest.SignWith(mailauthtest.Ed25519Key, relayMail("x7@marketplace.amazon.de"), "amazon.de", mailauthtest.SelectorEd25519),
			aligned: []string{"amazon.de"}, domain: "marketplace.amazon.de", want: true,
		},
		{
			name:    "WalmartRelay",
			raw:     sign(relayMail("c2f9a1@relay.walmart.com"), "walmart.com", mailauthtest.Selector),
			aligned: []string{"walmart.com"}, domain: "walmart.com", want: true,
		},
		{
			// The gateway prepends Return-Path and Delivered-To before storing the message.
			name:    "GatewayHeadersPrepended",
			raw:     append([]byte("Return-Path: <bounce@email.amazonses.com>\r\nDelivered-To: acme+amz1@in.shopdesk.test\r\n"), sign(relayMail(buyer), "amazon.com", mailauthtest.Selector)...),
			aligned: []string{"amazon.com"}, domain: "amazon.com", want: true,
		},
		{
			// A copy whose line ends were turned into LF still verifies (relaxed canonicalisation).
			name:    "StoredWithLF",
			raw:     bytes.ReplaceAll(sign(relayMail(buyer), "amazon.com", mailauthtest.Selector), []byte("\r\n"), []byte("\n")),
			aligned: []string{"amazon.com"}, domain: "amazon.com", want: true,
		},
		{
			// Japanese buyers' names come as ISO-2022-JP encoded words, which net/mail cannot decode.
			name: "JapaneseDisplayName",
			raw: sign(replace(relayMail("k3j9x@marketplace.amazon.co.jp"), "Jane - Amazon Marketplace",
				"=?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= - Amazon Marketplace"), "amazon.co.jp", mailauthtest.Selector),
			aligned: []string{"amazon.co.jp"}, domain: "amazon.co.jp", want: true,
		},
		{
			name: "OtherMarketplace", raw: sign(relayMail(buyer), "amazon.com", mailauthtest.Selector),
			aligned: []string{"amazon.com"}, domain: "amazon.de", want: false,
		},
		{
			name: "Unsigned", raw: relayMail(buyer),
			reason: mailauth.ReasonNotSigned, domain: "amazon.com",
		},
		{
			name:   "BodyChangedAfterSigning",
			raw:    replace(sign(relayMail(buyer), "amazon.com", mailauthtest.Selector), "Where is my parcel?", "Pay at http://evil.example now."),
			reason: mailauth.ReasonBodyChanged, domain: "amazon.com",
		},
		{
			name:   "HeaderChangedAfterSigning",
			raw:    replace(sign(relayMail(buyer), "amazon.com", mailauthtest.Selector), "Order: 111-7366207-0755439", "Order: 111-0000000-0000000"),
			reason: mailauth.ReasonSignatureInvalid, domain: "amazon.com",
		},
		{
			name:   "UnpublishedKey",
			raw:    mailauthtest.SignWith(mailauthtest.Unpublished, relayMail(buyer), "amazon.com", mailauthtest.Selector),
			reason: mailauth.ReasonSignatureInvalid, domain: "amazon.com",
		},
		{
			name:   "SelectorNotPublished",
			raw:    mailauthtest.SignWith(mailauthtest.Unpublished, relayMail(buyer), "amazon.com", "spoof2026"),
			reason: mailauth.ReasonKeyNotFound, domain: "amazon.com",
		},
		{
			name:   "SignedByAnotherOrganisation",
			raw:    sign(relayMail(buyer), "evil.example", mailauthtest.Selector),
			reason: mailauth.ReasonNotAligned, domain: "amazon.com",
		},
		{
			// Authenticated, but as evil.example: the name only looks like Amazon's.
			name:    "LookalikeDomain",
			raw:     sign(relayMail("jane@marketplace.amazon.com.evil.example"), "evil.example", mailauthtest.Selector),
			aligned: []string{"evil.example"}, domain: "amazon.com", want: false,
		},
		{
			name:   "NoDMARCRecord",
			raw:    sign(relayMail("shop@nodmarc.example"), "nodmarc.example", mailauthtest.Selector),
			reason: mailauth.ReasonNoDMARC, domain: "nodmarc.example",
		},
		{
			name:   "StrictAlignmentRefusesParent",
			raw:    sign(relayMail("shop@mail.strict.example"), "strict.example", mailauthtest.Selector),
			reason: mailauth.ReasonNotAligned, domain: "strict.example",
		},
		{
			name:    "StrictAlignmentExact",
			raw:     sign(relayMail("shop@mail.strict.example"), "mail.strict.example", mailauthtest.Selector),
			aligned: []string{"mail.strict.example"}, domain: "strict.example", want: true,
		},
		{
			name: "MultipleSignaturesOneGood",
			raw: sign(mailauthtest.SignWith(mailauthtest.Unpublished,
				sign(relayMail(buyer), "evil.example", mailauthtest.Selector), "amazon.com", mailauthtest.Selector),
				"amazon.com", mailauthtest.Selector),
			aligned: []string{"amazon.com"}, domain: "amazon.com", want: true,
		},
		{
			// The aligned signature's failure is the one worth telling, not evil.example's.
			name: "MultipleSignaturesNoneAligned",
			raw: mailauthtest.SignWith(mailauthtest.Unpublished,
				sign(relayMail(buyer), "evil.example", mailauthtest.Selector), "amazon.com", mailauthtest.Selector),
			reason: mailauth.ReasonSignatureInvalid, domain: "amazon.com",
		},
		{
			name:   "SecondFromAdded",
			raw:    append([]byte("From: support@acme.example\r\n"), sign(relayMail(buyer), "amazon.com", mailauthtest.Selector)...),
			reason: mailauth.ReasonAmbiguousFrom, domain: "amazon.com",
		},
		{
			name:   "TwoFromAddresses",
			raw:    sign(replace(relayMail(buyer), "<"+buyer+">", "<"+buyer+">, other@acme.example"), "amazon.com", mailauthtest.Selector),
			reason: mailauth.ReasonAmbiguousFrom, domain: "amazon.com",
		},
		{
			name:   "NoFrom",
			raw:    sign(replace(relayMail(buyer), "From: Jane - Amazon Marketplace <"+buyer+">\r\n", "Sender: "+buyer+"\r\n"), "amazon.com", mailauthtest.Selector),
			reason: mailauth.ReasonNoFrom, domain: "amazon.com",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := setup(t)
			res, err := v.Verify(context.Background(), tc.raw, nil)
			require.NoError(t, err)
			require.Equal(t, tc.reason, res.Reason, "%+v", res)
			require.Equal(t, tc.aligned, res.Aligned, "%+v", res)
			require.Equal(t, tc.reason == mailauth.ReasonNone, res.Authenticated())
			require.Equal(t, tc.want, res.Authenticates(tc.domain))
			if tc.reason == mailauth.ReasonNone {
				require.Equal(t, mailauth.MethodDKIM, res.Method)
				require.NotNil(t, res.Policy)
				if !tc.want {
					require.Equal(t, mailauth.ReasonOtherDomain, res.ReasonFor(tc.domain))
				}
			} else {
				require.Equal(t, tc.reason, res.ReasonFor(tc.domain))
				require.Equal(t, "mailauth.reason."+string(tc.reason), tc.reason.MessageKey())
			}
		})
	}

	t.Run("PolicyFoundAtOrganisationalDomain", func(t *testing.T) {
		t.Parallel()
		v := setup(t)
		res, err := v.Verify(context.Background(), sign(relayMail("ab12@marketplace.amazon.co.uk"), "amazon.co.uk", mailauthtest.Selector), nil)
		require.NoError(t, err)
		require.Equal(t, &mailauth.Policy{Domain: "amazon.co.uk", Policy: "reject"}, res.Policy)
		require.Equal(t, "marketplace.amazon.co.uk", res.FromDomain)
		require.Equal(t, "ab12@marketplace.amazon.co.uk", res.From)
		require.True(t, res.Authenticates("amazon.co.uk"))
		require.False(t, res.Authenticates("amazon.co"), "a label boundary, not a string prefix")
	})

	// Without Amazon's policy nothing says which signatures count for its addresses; a record that
	// does not parse is no policy either.
	t.Run("MarketplacePolicyMissing", func(t *testing.T) {
		t.Parallel()
		raw := sign(relayMail(buyer), "amazon.com", mailauthtest.Selector)
		for _, policy := range [][]string{nil, {"v=DMARC1; p=sometimes"}, {"v=spf1 -all"}} {
			r := testResolver(t)
			delete(r.Records, "_dmarc.amazon.com")
			if policy != nil {
				r.Records["_dmarc.amazon.com"] = policy
			}
			res, err := mailauth.NewVerifier(r).Verify(context.Background(), raw, nil)
			require.NoError(t, err)
			require.Equal(t, mailauth.ReasonNoDMARC, res.Reason, "%q", policy)
			require.False(t, res.Authenticates("amazon.com"))
			require.True(t, res.Signatures[0].Pass, "the signature itself is fine")
		}
	})

	t.Run("SignaturesListed", func(t *testing.T) {
		t.Parallel()
		v := setup(t)
		raw := sign(mailauthtest.SignWith(mailauthtest.Unpublished, sign(relayMail(buyer), "evil.example", mailauthtest.Selector),
			"amazon.com", mailauthtest.Selector), "amazon.com", mailauthtest.Selector)
		res, err := v.Verify(context.Background(), raw, nil)
		require.NoError(t, err)
		require.Len(t, res.Signatures, 3)
		// Signatures are listed top-most (last added) first.
		require.Equal(t, mailauth.Signature{Domain: "amazon.com", Pass: true, Aligned: true}, res.Signatures[0])
		require.Equal(t, "amazon.com", res.Signatures[1].Domain)
		require.Equal(t, mailauth.ReasonSignatureInvalid, res.Signatures[1].Reason)
		require.NotEmpty(t, res.Signatures[1].Detail)
		require.Equal(t, mailauth.Signature{Domain: "evil.example", Pass: true}, res.Signatures[2])
	})

	// A DNS failure worth retrying is an error, so the caller retries instead of flagging genuine
	// mail as suspicious; a verdict that did not depend on it stands.
	t.Run("TemporaryDNSFailure", func(t *testing.T) {
		t.Parallel()
		res := &flaky{next: testResolver(t), fail: "shopdesk-test._domainkey.amazon.com"}
		v := mailauth.NewVerifier(res)
		got, err := v.Verify(context.Background(), sign(relayMail(buyer), "amazon.com", mailauthtest.Selector), nil)
		require.ErrorIs(t, err, mailauth.ErrTemporary)
		require.Equal(t, mailauth.ReasonTemporary, got.Reason)
		require.False(t, got.Authenticates("amazon.com"))

		res.fail = "_dmarc.marketplace.amazon.com"
		_, err = v.Verify(context.Background(), sign(relayMail(buyer), "amazon.com", mailauthtest.Selector), nil)
		require.ErrorIs(t, err, mailauth.ErrTemporary)

		// Another signature settles it.
		res.fail = "shopdesk-test-ed._domainkey.amazon.com"
		raw := sign(mailauthtest.SignWith(mailauthtest.Ed25519Key, relayMail(buyer), "amazon.com", mailauthtest.SelectorEd25519), "amazon.com", mailauthtest.Selector)
		got, err = v.Verify(context.Background(), raw, nil)
		require.NoError(t, err)
		require.True(t, got.Authenticates("amazon.com"))
	})

	t.Run("NotAMessage", func(t *testing.T) {
		t.Parallel()
		v := setup(t)
		res, err := v.Verify(context.Background(), []byte("this is not mail"), nil)
		require.NoError(t, err)
		require.Equal(t, mailauth.ReasonMalformed, res.Reason)
		require.False(t, res.Authenticates("amazon.com"))
	})
}

// flaky fails one name with a temporary DNS error.
type flaky struct {
	next mailauth.Resolver
	fail string
}

func (f *flaky) LookupTXT(ctx context.Context, name string) ([]string, error) {
	if name == f.fail {
		return nil, &net.DNSError{Err: "i/o timeout", Name: name, IsTimeout: true, IsTemporary: true}
	}
	return f.next.LookupTXT(ctx, name)
}
