// Package mailauthtest signs mail the way a marketplace would, with test keys committed under
// testdata, and writes the DNS overrides file that publishes them. Tests and the development
// marketplace simulator use it; nothing here may be trusted in production, which is why
// mailauth refuses overrides there.
package mailauthtest

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"embed"
	"encoding/base64"
	"encoding/pem"
	"fmt"
)

//go:embed testdata/*.pem
var keyFiles embed.FS

// Selectors under which the overrides publish the test keys.
const (
	Selector        = "shopdesk-test"    // RSA 2048
	SelectorEd25519 = "shopdesk-test-ed" // Ed25519 (RFC 8463)
)

// Keys, parsed once. Unpublished is never written to an overrides file: mail signed with it
// stands for a spoofer holding a key of its own.
var (
	RSAKey      = mustKey("rsa.pem")
	Ed25519Key  = mustKey("ed25519.pem")
	Unpublished = mustKey("unpublished.pem")
)

func mustKey(name string) crypto.Signer {
	b, err := keyFiles.ReadFile("testdata/" + name)
	if err != nil {
		panic(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		panic("mailauthtest: " + name + " is not PEM")
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		panic(fmt.Sprintf("mailauthtest: %s: %v", name, err))
	}
	return k.(crypto.Signer)
}

// KeyRecord is the DKIM TXT record (RFC 6376 §3.6.1) publishing key's public half.
func KeyRecord(key crypto.Signer) string {
	switch pub := key.Public().(type) {
	case *rsa.PublicKey:
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			panic(err)
		}
		return "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der)
	case ed25519.PublicKey:
		return "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)
	default:
		panic(fmt.Sprintf("mailauthtest: unsupported key %T", pub))
	}
}
