package mailauth

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-msgauth/dmarc"
)

// errNoPolicy: neither the From domain nor its organisational domain publishes DMARC.
var errNoPolicy = errors.New("no DMARC policy")

// lookupPolicy finds the DMARC record for a From domain (RFC 7489 §6.6.3): at the domain itself,
// else at its organisational domain, whose sp= then applies.
func lookupPolicy(ctx context.Context, res Resolver, from string) (*Policy, error) {
	opts := &dmarc.LookupOptions{LookupTXT: func(name string) ([]string, error) { return res.LookupTXT(ctx, name) }}
	domains := []string{from}
	if org := orgDomain(from); org != from {
		domains = append(domains, org)
	}
	for i, d := range domains {
		rec, err := dmarc.LookupWithOptions(d, opts)
		switch {
		case err == nil:
			p := &Policy{Domain: d, Policy: string(rec.Policy), StrictDKIM: rec.DKIMAlignment == dmarc.AlignmentStrict}
			if i > 0 && rec.SubdomainPolicy != "" {
				p.Policy = string(rec.SubdomainPolicy)
			}
			return p, nil
		case errors.Is(err, dmarc.ErrNoPolicy):
			continue
		case dmarc.IsTempFail(err), strings.HasPrefix(err.Error(), "dmarc: failed to lookup"):
			return nil, fmt.Errorf("DMARC policy of %s: %w: %v", d, ErrTemporary, err)
		default:
			// A record that does not parse protects nothing, the same as none (RFC 7489 §6.6.3).
			continue
		}
	}
	return nil, errNoPolicy
}
