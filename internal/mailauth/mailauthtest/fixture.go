package mailauthtest

import (
	"bytes"
	"crypto"
	"sync"

	"github.com/shopdesk/shopdesk/internal/mailauth"
)

// SignAs prepares a test mail as a fixture's "dkim" field says: "sign" signs it for domain with
// the published key, "wrong_key" with the unpublished one (a spoof that looks signed), anything
// else leaves it unsigned.
func SignAs(raw []byte, how, domain string) []byte {
	var key crypto.Signer
	switch how {
	case "sign":
		key = RSAKey
	case "wrong_key":
		key = Unpublished
	default:
		return raw
	}
	return SignWith(key, raw, domain, Selector)
}

// Verifier verifies mail against the test keys only: the overrides that publish them, and no
// DNS behind (tests never reach the network). Built once; a Verifier is safe for concurrent use.
var Verifier = sync.OnceValue(func() *mailauth.Verifier {
	var buf bytes.Buffer
	if err := WriteOverrides(&buf); err != nil {
		panic(err)
	}
	records, err := mailauth.ParseOverrides(&buf)
	if err != nil {
		panic(err)
	}
	return mailauth.NewVerifier(&mailauth.OverrideResolver{Records: records})
})
