package mailauthtest

import (
	"bytes"
	"crypto"
	"strings"

	"github.com/emersion/go-msgauth/dkim"
)

// signedHeaders are the fields a marketplace's signature covers (RFC 6376 §5.4.1). From is listed
// twice so that a second From added later breaks the signature (oversigning).
var signedHeaders = []string{"From", "From", "Reply-To", "To", "Cc", "Subject", "Date", "Message-ID",
	"In-Reply-To", "References", "MIME-Version", "Content-Type", "Content-Transfer-Encoding"}

// Sign signs raw with the published RSA test key as domain under selector (use Selector, or a
// selector nobody published to test a missing key). Bare LF line ends are turned into CRLF first,
// as SMTP would, so the signature matches what the gateway receives.
func Sign(raw []byte, domain, selector string) []byte {
	return SignWith(RSAKey, raw, domain, selector)
}

// SignWith signs raw with key: RSAKey, Ed25519Key (use SelectorEd25519) or Unpublished.
func SignWith(key crypto.Signer, raw []byte, domain, selector string) []byte {
	raw = CRLF(raw)
	var out bytes.Buffer
	err := dkim.Sign(&out, bytes.NewReader(raw), &dkim.SignOptions{
		Domain:                 domain,
		Selector:               selector,
		Signer:                 key,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed,
		BodyCanonicalization:   dkim.CanonicalizationRelaxed,
		HeaderKeys:             signedHeaders,
	})
	if err != nil {
		panic("mailauthtest: sign: " + err.Error())
	}
	return out.Bytes()
}

// CRLF turns bare LF line ends into CRLF, leaving CRLF alone.
func CRLF(raw []byte) []byte {
	s := strings.ReplaceAll(string(raw), "\r\n", "\n")
	return []byte(strings.ReplaceAll(s, "\n", "\r\n"))
}
