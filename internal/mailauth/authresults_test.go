package mailauth_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/mailauth"
	"github.com/shopdesk/shopdesk/internal/mailauth/mailauthtest"
)

// Authentication-Results fields as Gmail and Microsoft 365 write them.
const (
	gmailPass = "Authentication-Results: mx.google.com;\r\n" +
		"       dkim=pass header.i=@amazon.com header.s=shopdesk-test header.b=Ab12Cd34;\r\n" +
		"       spf=pass (google.com: domain of 0100018c@email.amazonses.com designates 54.240.1.1 as permitted sender) smtp.mailfrom=0100018c@email.amazonses.com;\r\n" +
		"       dmarc=pass (p=REJECT sp=REJECT dis=NONE) header.from=marketplace.amazon.com\r\n"
	gmailFail = "Authentication-Results: mx.google.com;\r\n" +
		"       dkim=fail (body hash did not verify) header.i=@amazon.com;\r\n" +
		"       dmarc=fail (p=REJECT sp=REJECT dis=REJECT) header.from=marketplace.amazon.com\r\n"
	gmailDKIMOnly = "Authentication-Results: mx.google.com;\r\n" +
		"       dkim=pass header.i=@amazon.com header.s=shopdesk-test header.b=Ab12Cd34\r\n"
	gmailEvilDKIM = "Authentication-Results: mx.google.com;\r\n" +
		"       dkim=pass header.i=@evil.example header.s=s1 header.b=Ab12Cd34;\r\n" +
		"       dmarc=pass header.from=evil.example\r\n"
	// Microsoft 365 writes no authserv-id, so there is nothing an admin could trust.
	outlookPass = "Authentication-Results: spf=pass (sender IP is 54.240.1.1)\r\n" +
		" smtp.mailfrom=email.amazonses.com; dkim=pass (signature was verified)\r\n" +
		" header.d=amazon.com;dmarc=pass action=none header.from=marketplace.amazon.com;compauth=pass\r\n" +
		" reason=100\r\n"
	forgedPass = "Authentication-Results: mx.evil.example; dkim=pass header.d=amazon.com; dmarc=pass header.from=marketplace.amazon.com\r\n"
)

func TestAuthenticationResults(t *testing.T) {
	t.Parallel()

	gmail := []string{"mx.google.com"}
	for _, tc := range []struct {
		name    string
		fields  string // prepended to the message, top-most first
		raw     []byte // default: unsigned relay mail
		trusted []string
		reason  mailauth.Reason
		method  mailauth.Method
	}{
		{name: "GmailPass", fields: gmailPass, trusted: gmail, method: mailauth.MethodProvider},
		{name: "GmailTrustedByAnotherCase", fields: gmailPass, trusted: []string{" MX.Google.com "}, method: mailauth.MethodProvider},
		{name: "NoAuthServID", fields: outlookPass, trusted: []string{"mx.microsoft.com", "spf=pass"}, reason: mailauth.ReasonNotSigned},
		// dkim=pass alone: the alignment and the policy are checked here.
		{name: "ProviderDKIMPassAligned", fields: gmailDKIMOnly, trusted: gmail, method: mailauth.MethodProvider},
		{name: "NotTrustedOnTheGateway", fields: gmailPass, trusted: nil, reason: mailauth.ReasonNotSigned},
		{name: "UntrustedAuthServID", fields: forgedPass, trusted: gmail, reason: mailauth.ReasonNotSigned},
		{name: "UntrustedAboveTrusted", fields: forgedPass + gmailFail, trusted: gmail, reason: mailauth.ReasonProviderFailed},
		// The newest trusted field wins; an older "pass" below may be the sender's own.
		{name: "NewestTrustedWins", fields: gmailFail + gmailPass, trusted: gmail, reason: mailauth.ReasonProviderFailed},
		{name: "NewestTrustedPasses", fields: gmailPass + gmailFail, trusted: gmail, method: mailauth.MethodProvider},
		{name: "ProviderPassForAnotherDomain", fields: gmailEvilDKIM, trusted: gmail, reason: mailauth.ReasonNotAligned},
		// The provider's failure does not undo a signature that verifies here.
		{
			name: "OwnSignatureBeatsProviderFailure", fields: gmailFail, trusted: gmail, method: mailauth.MethodDKIM,
			raw: mailauthtest.Sign(relayMail(buyer), "amazon.com", mailauthtest.Selector),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := mailauth.NewVerifier(testResolver(t))
			raw := tc.raw
			if raw == nil {
				raw = relayMail(buyer)
			}
			raw = append([]byte(tc.fields), raw...)
			res, err := v.Verify(context.Background(), raw, tc.trusted)
			require.NoError(t, err)
			require.Equal(t, tc.reason, res.Reason, "%+v", res)
			require.Equal(t, tc.method, res.Method)
			require.Equal(t, tc.reason == mailauth.ReasonNone, res.Authenticates("amazon.com"))
			require.Equal(t, tc.reason == mailauth.ReasonNone, res.Authenticates("marketplace.amazon.com"))
			require.False(t, res.Authenticates("walmart.com"))
		})
	}

	t.Run("VerdictRecorded", func(t *testing.T) {
		t.Parallel()
		v := mailauth.NewVerifier(testResolver(t))
		res, err := v.Verify(context.Background(), append([]byte(gmailPass), relayMail(buyer)...), gmail)
		require.NoError(t, err)
		require.Equal(t, &mailauth.ProviderVerdict{AuthServID: "mx.google.com", DMARCPass: true, DKIMPass: []string{"amazon.com"}}, res.Provider)
		require.Equal(t, []string{"amazon.com"}, res.Aligned)
	})

	// A provider's dkim=pass for a domain without DMARC is refused like a signature verified here.
	t.Run("ProviderDKIMPassWithoutPolicy", func(t *testing.T) {
		t.Parallel()
		v := mailauth.NewVerifier(testResolver(t))
		raw := append([]byte("Authentication-Results: mx.google.com; dkim=pass header.d=nodmarc.example\r\n"),
			relayMail("shop@nodmarc.example")...)
		res, err := v.Verify(context.Background(), raw, gmail)
		require.NoError(t, err)
		require.Equal(t, mailauth.ReasonNoDMARC, res.Reason)
	})
}
