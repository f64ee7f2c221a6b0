package amazon_test

import (
	"net/mail"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/channel/amazon"
	"github.com/shopdesk/shopdesk/internal/channel/relaymail"
)

// The old template is read by its dashed lines, so a template language the corpus lacks (Swedish
// here) parses the same; words inside the buyer's text that look like markers do not end it.
func TestOldTemplateInAnyLanguage(t *testing.T) {
	t.Parallel()
	m := relaymail.Mail{
		From:    mail.Address{Name: "Sven - Amazon Marketplace", Address: "ab12cd34ef56gh7+77aa@marketplace.amazon.se"},
		Subject: "Förfrågan från Amazon-kund Sven (Beställning: 402-1234567-7654321)",
		Text: "Beställnings-ID 402-1234567-7654321:\n1 av TrailPeak Tält [ASIN: B0ABCDEFGH]\n\n" +
			"------------- Meddelandets början -------------\n\nHej -- fungerar tältet i snö?\nSven\n\n" +
			"------------- Meddelandets slut -------------\n\n[commMgrTok:AXYZ123]",
	}
	msg, ok := amazon.Parse(m)
	require.True(t, ok)
	require.Equal(t, relaymail.BuyerMessage, msg.Kind)
	require.Equal(t, "amazon.se", msg.Site)
	require.Equal(t, "Hej -- fungerar tältet i snö?\nSven", msg.BuyerText)
	require.Equal(t, "402-1234567-7654321", msg.OrderID)
	require.Equal(t, "TrailPeak Tält", msg.Product)
	require.Equal(t, "ab12cd34ef56gh7@marketplace.amazon.se", msg.BuyerAlias)
	require.Equal(t, "ab12cd34ef56gh7+77aa@marketplace.amazon.se", msg.ReplyTo)
	require.Equal(t, "sv", msg.Language)
	require.Equal(t, "amazon:ab12cd34ef56gh7@marketplace.amazon.se:order:402-1234567-7654321", msg.ThreadKey())
	require.Equal(t, "amazon:commmgr:AXYZ123", msg.DedupeKey())
}

func TestNotAmazon(t *testing.T) {
	t.Parallel()
	for _, from := range []string{"someone@example.com", "x@marketplace.amazon.evil", "ab12cd34ef56gh7@marketplace.amazon.com.evil.test"} {
		_, ok := amazon.Parse(relaymail.Mail{From: mail.Address{Address: from}, Text: "------ a ------\nhi\n------ b ------"})
		require.False(t, ok, from)
	}
	// An Amazon buyer mail without either template is not read as a buyer message.
	_, ok := amazon.Parse(relaymail.Mail{From: mail.Address{Address: "ab12cd34ef56gh7@marketplace.amazon.com"}, Text: "hello"})
	require.False(t, ok)
}
