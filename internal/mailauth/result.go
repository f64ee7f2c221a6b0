package mailauth

import "strings"

// Reason says, for machines, why a message's From domain is not authenticated. The UI shows
// MessageKey's text beside a suspicious message.
type Reason string

// Reasons, roughly in the order Verify finds them.
const (
	ReasonNone              Reason = ""                   // authenticated
	ReasonMalformed         Reason = "malformed"          // the header cannot be read
	ReasonNoFrom            Reason = "no_from"            // no From address to authenticate
	ReasonAmbiguousFrom     Reason = "ambiguous_from"     // several From fields or addresses
	ReasonNotSigned         Reason = "not_signed"         // no DKIM signature, no trusted provider verdict
	ReasonKeyNotFound       Reason = "key_not_found"      // the signing domain publishes no such key
	ReasonBodyChanged       Reason = "body_changed"       // the body hash does not match
	ReasonSignatureInvalid  Reason = "signature_invalid"  // headers changed, or signed with another key
	ReasonSignatureUnusable Reason = "signature_unusable" // expired, sha1, l= (part of the body), malformed
	ReasonNotAligned        Reason = "not_aligned"        // valid signatures, none by the From domain's organisation
	ReasonNoDMARC           Reason = "no_dmarc"           // the From domain publishes no DMARC policy
	ReasonProviderFailed    Reason = "provider_failed"    // a trusted provider reported a failure
	ReasonOtherDomain       Reason = "other_domain"       // From is authenticated but not under the domain asked about
	ReasonTemporary         Reason = "dns_unavailable"    // a lookup failed for now; Verify also returns ErrTemporary
)

// MessageKey is the i18n catalog key of the reason in plain words.
func (r Reason) MessageKey() string {
	if r == ReasonNone {
		return ""
	}
	return "mailauth.reason." + string(r)
}

// Method says how a domain was authenticated.
type Method string

const (
	// MethodDKIM: Shopdesk verified the signature itself.
	MethodDKIM Method = "dkim"
	// MethodProvider: a trusted mailbox provider's Authentication-Results said so.
	MethodProvider Method = "provider"
)

// Signature is the outcome of one DKIM-Signature field.
type Signature struct {
	Domain string // d=, lower case
	Pass   bool
	// Aligned: the signing domain aligns with the From domain under its DMARC policy.
	Aligned bool
	// Reason is why it failed (ReasonNone when it passed).
	Reason Reason
	// Detail is go-msgauth's own words, for logs.
	Detail string
}

// Policy is the DMARC record that decided alignment.
type Policy struct {
	// Domain is where the record was found: the From domain or its organisational domain.
	Domain string
	// Policy is p= (sp= when found at the organisational domain and given).
	Policy string
	// StrictDKIM is adkim=s: the signing domain must equal the From domain.
	StrictDKIM bool
}

// ProviderVerdict is the Authentication-Results field that was believed.
type ProviderVerdict struct {
	AuthServID string
	// DMARCPass: the provider's DMARC check passed for the From domain.
	DMARCPass bool
	// DKIMPass lists the signing domains the provider saw pass.
	DKIMPass []string
}

// Result is what Verify found. Aligned holds the domains whose authentication counts for the
// From domain; empty means the message is not authenticated and Reason says why.
type Result struct {
	// From is the RFC 5322 From address, lower case; FromDomain its domain.
	From       string
	FromDomain string
	Signatures []Signature
	Policy     *Policy          // nil when none was found or none was needed
	Provider   *ProviderVerdict // nil when no trusted Authentication-Results field was present
	// Aligned lists the authenticated domains that align with FromDomain.
	Aligned []string
	// Method is how FromDomain was authenticated ("" when it was not).
	Method Method
	Reason Reason
}

// Authenticated reports whether the From domain is authenticated at all.
func (r Result) Authenticated() bool { return r.Reason == ReasonNone && len(r.Aligned) > 0 }

// Authenticates reports whether the message authentically comes from domain or one of its
// subdomains: its From address is there and authenticated. Authenticates("amazon.com") holds for
// an authenticated From …@marketplace.amazon.com, never for …@amazon.com.evil.example.
func (r Result) Authenticates(domain string) bool {
	return r.ReasonFor(domain) == ReasonNone
}

// ReasonFor says why Authenticates(domain) is false (ReasonNone when it is true).
func (r Result) ReasonFor(domain string) Reason {
	if !r.Authenticated() {
		return r.Reason
	}
	if !within(r.FromDomain, domain) {
		return ReasonOtherDomain
	}
	return ReasonNone
}

// within reports whether name is domain or a subdomain of it.
func within(name, domain string) bool {
	name, domain = canonicalName(name), canonicalName(domain)
	return domain != "" && (name == domain || strings.HasSuffix(name, "."+domain))
}
