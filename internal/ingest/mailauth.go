package ingest

import (
	"context"

	"github.com/shopdesk/shopdesk/internal/channel/relay"
	"github.com/shopdesk/shopdesk/internal/mailauth"
)

// Authenticator is the pipeline's Verifier over internal/mailauth: a mail authenticates for its
// From domain when a DKIM signature aligned under the domain's DMARC policy verifies, or, on the
// IMAP route, when a provider the admin trusts says so.
type Authenticator struct {
	Verifier *mailauth.Verifier
	// TrustedProviders are the authserv-ids whose Authentication-Results count on the IMAP route.
	TrustedProviders []string
}

// Verify implements Verifier.
func (a Authenticator) Verify(ctx context.Context, raw []byte, route string) (relay.Trust, error) {
	var providers []string
	if route == "imap" {
		providers = a.TrustedProviders
	}
	r, err := a.Verifier.Verify(ctx, raw, providers)
	if err != nil || !r.Authenticated() {
		return relay.Trust{}, err
	}
	return relay.Trust{AuthenticatedDomains: []string{r.FromDomain}}, nil
}
