package mailauth

import (
	"golang.org/x/net/publicsuffix"
)

// orgDomain is the organisational domain of RFC 7489 §3.2: one label below the public suffix
// (marketplace.amazon.co.uk → amazon.co.uk). A name that is itself a public suffix is its own.
func orgDomain(name string) string {
	name = canonicalName(name)
	org, err := publicsuffix.EffectiveTLDPlusOne(name)
	if err != nil {
		return name
	}
	return org
}

// aligned applies DMARC identifier alignment (RFC 7489 §3.1.1) to a signing domain and the From
// domain: strict wants them equal, relaxed wants the same organisational domain.
func aligned(signing, from string, strict bool) bool {
	signing, from = canonicalName(signing), canonicalName(from)
	if signing == "" || from == "" {
		return false
	}
	if strict {
		return signing == from
	}
	return orgDomain(signing) == orgDomain(from)
}
