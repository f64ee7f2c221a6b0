package mailauth

import (
	"context"
	"net"
	"strings"
	"time"
)

// Resolver answers DNS TXT queries: DKIM keys (<selector>._domainkey.<domain>) and DMARC policies
// (_dmarc.<domain>). A name that does not exist is reported as a *net.DNSError with IsNotFound set,
// and a failure worth retrying as one with IsTemporary or IsTimeout set, as net.Resolver does, so
// go-msgauth tells "no key or policy" from "ask again later".
type Resolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
}

// DNSResolver asks the system's DNS, bounding every query by a timeout so one slow name server
// cannot hold an ingest job.
type DNSResolver struct {
	Resolver *net.Resolver
	Timeout  time.Duration
}

// DefaultTimeout bounds one TXT query.
const DefaultTimeout = 5 * time.Second

// NewDNSResolver uses the system resolver with DefaultTimeout.
func NewDNSResolver() *DNSResolver {
	return &DNSResolver{Resolver: net.DefaultResolver, Timeout: DefaultTimeout}
}

// LookupTXT implements Resolver.
func (d *DNSResolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	timeout := d.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	r := d.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	txts, err := r.LookupTXT(ctx, name)
	if err != nil {
		if _, ok := err.(*net.DNSError); !ok && ctx.Err() != nil {
			// A deadline or cancellation that net did not wrap still means "try again later".
			return nil, &net.DNSError{Err: ctx.Err().Error(), Name: name, IsTimeout: true, IsTemporary: true}
		}
		return nil, err
	}
	return txts, nil
}

// notFound is the answer for a name that has no TXT records.
func notFound(name string) error {
	return &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

// canonicalName lower-cases a DNS name and drops the root dot, so overrides and lookups match
// however they are written.
func canonicalName(name string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(name)), ".")
}
