// Package mailauth decides whether a message really comes from the domain in its From address,
// before anything that trusts the sender (Amazon and Walmart relay mail) reads it: DKIM signatures
// verified here, aligned with the From domain under its DMARC policy, or, for mail fetched from a
// mailbox, the verdict of a mailbox provider the admin trusts.
package mailauth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"slices"
	"strings"

	"github.com/emersion/go-msgauth/dkim"
)

// ErrTemporary: a DNS lookup failed in a way worth retrying and the verdict depended on it.
var ErrTemporary = errors.New("authentication lookup unavailable")

// maxSignatures bounds the work one message can cause (each signature costs a DNS lookup).
const maxSignatures = 8

// fromParser reads the From address whatever the display name's charset: net/mail alone refuses
// an encoded word in ISO-2022-JP or Shift_JIS (Japanese buyers' names), and only the address counts.
var fromParser = mail.AddressParser{WordDecoder: &mime.WordDecoder{
	CharsetReader: func(_ string, r io.Reader) (io.Reader, error) { return r, nil },
}}

// Verifier checks messages against DNS through its Resolver.
type Verifier struct {
	Resolver Resolver
}

// NewVerifier returns a Verifier asking res.
func NewVerifier(res Resolver) *Verifier { return &Verifier{Resolver: res} }

// Verify authenticates raw, a whole message as received: the gateway's stored copy with its
// prepended Return-Path and Delivered-To, or IMAP's BODY[] (unsigned fields above the signature and
// LF line ends do no harm). trustedAuthServIDs names the mailbox providers whose
// Authentication-Results count (IMAP route, e.g. "mx.google.com"); pass none for mail that reached
// Shopdesk's own gateway, where such fields were written by others.
//
// A message that is not authenticated is no error: the Result says why. The error is ErrTemporary
// (wrapped) only when a lookup failed for now and no other evidence settled the verdict; the caller
// retries later rather than flag genuine mail as suspicious.
func (v *Verifier) Verify(ctx context.Context, raw []byte, trustedAuthServIDs []string) (Result, error) {
	var res Result
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		res.Reason = ReasonMalformed
		return res, nil
	}
	froms := msg.Header["From"]
	if len(froms) == 0 {
		res.Reason = ReasonNoFrom
		return res, nil
	}
	if len(froms) > 1 {
		// Two From fields let a signature cover one while a reader shows the other.
		res.Reason = ReasonAmbiguousFrom
		return res, nil
	}
	addrs, err := fromParser.ParseList(froms[0])
	if err != nil || len(addrs) == 0 {
		res.Reason = ReasonNoFrom
		return res, nil
	}
	if len(addrs) > 1 {
		res.Reason = ReasonAmbiguousFrom
		return res, nil
	}
	res.From = strings.ToLower(addrs[0].Address)
	if at := strings.LastIndexByte(res.From, '@'); at > 0 {
		res.FromDomain = canonicalName(res.From[at+1:])
	}
	if res.FromDomain == "" {
		res.Reason = ReasonNoFrom
		return res, nil
	}

	var temporary error
	lookup := func(name string) ([]string, error) { return v.Resolver.LookupTXT(ctx, name) }
	verifs, err := dkim.VerifyWithOptions(bytes.NewReader(raw), &dkim.VerifyOptions{LookupTXT: lookup, MaxVerifications: maxSignatures})
	if err != nil && !errors.Is(err, dkim.ErrTooManySignatures) {
		if ctx.Err() != nil {
			return res, fmt.Errorf("verify DKIM: %w", ctx.Err())
		}
		res.Reason = ReasonMalformed
		return res, nil
	}
	for _, vf := range verifs {
		s := Signature{Domain: canonicalName(vf.Domain), Pass: vf.Err == nil}
		if vf.Err != nil {
			s.Reason, s.Detail = signatureReason(vf.Err), vf.Err.Error()
			if dkim.IsTempFail(vf.Err) && temporary == nil {
				temporary = fmt.Errorf("DKIM key of %s: %w: %v", s.Domain, ErrTemporary, vf.Err)
			}
		}
		res.Signatures = append(res.Signatures, s)
	}
	res.Provider = trustedVerdict(msg.Header, res.FromDomain, trustedAuthServIDs)

	// Domains that authenticated, by our own check first, then by the provider's word.
	var passed []string
	methodOf := map[string]Method{}
	for _, s := range res.Signatures {
		if s.Pass && !slices.Contains(passed, s.Domain) {
			passed, methodOf[s.Domain] = append(passed, s.Domain), MethodDKIM
		}
	}
	if res.Provider != nil {
		for _, d := range res.Provider.DKIMPass {
			if !slices.Contains(passed, d) {
				passed, methodOf[d] = append(passed, d), MethodProvider
			}
		}
	}

	if len(passed) > 0 {
		pol, err := lookupPolicy(ctx, v.Resolver, res.FromDomain)
		switch {
		case err == nil:
			res.Policy = pol
			for i, s := range res.Signatures {
				res.Signatures[i].Aligned = s.Pass && aligned(s.Domain, res.FromDomain, pol.StrictDKIM)
			}
			for _, d := range passed {
				if aligned(d, res.FromDomain, pol.StrictDKIM) {
					res.Aligned = append(res.Aligned, d)
					if res.Method == "" {
						res.Method = methodOf[d]
					}
				}
			}
		case errors.Is(err, ErrTemporary):
			if temporary == nil {
				temporary = err
			}
		}
	}
	if len(res.Aligned) == 0 && res.Provider != nil && res.Provider.DMARCPass {
		// The provider found the policy and the alignment itself when the mail arrived.
		res.Aligned, res.Method = []string{res.FromDomain}, MethodProvider
	}
	if len(res.Aligned) > 0 {
		return res, nil
	}

	res.Reason = failureReason(res, len(passed) > 0)
	if temporary != nil {
		res.Reason = ReasonTemporary
		return res, temporary
	}
	return res, nil
}

// failureReason picks the one reason worth telling: the failure of a signature that would have
// counted (one by the From domain's organisation) before the standing of the others.
func failureReason(res Result, anyPassed bool) Reason {
	for _, s := range res.Signatures {
		if !s.Pass && aligned(s.Domain, res.FromDomain, false) {
			return s.Reason
		}
	}
	switch {
	case anyPassed && res.Policy == nil:
		return ReasonNoDMARC
	case anyPassed:
		return ReasonNotAligned
	case len(res.Signatures) > 0:
		return res.Signatures[0].Reason
	case res.Provider != nil:
		return ReasonProviderFailed
	}
	return ReasonNotSigned
}

// signatureReason sorts go-msgauth's failures into what a person can act on.
func signatureReason(err error) Reason {
	msg := err.Error()
	switch {
	case dkim.IsTempFail(err):
		return ReasonTemporary
	case strings.Contains(msg, "body hash did not verify"):
		return ReasonBodyChanged
	case strings.Contains(msg, "signature did not verify"), strings.Contains(msg, "invalid Ed25519 signature"):
		return ReasonSignatureInvalid
	case strings.Contains(msg, "no key for signature"), strings.Contains(msg, "no valid key found"),
		strings.Contains(msg, "key revoked"), strings.Contains(msg, "multiple TXT records found for key"):
		return ReasonKeyNotFound
	default:
		return ReasonSignatureUnusable
	}
}
