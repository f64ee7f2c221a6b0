package mailauth

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

// Overrides are TXT records that answer before DNS does: the test keys of the marketplace
// simulator, offline tests and local trials publish their DKIM keys and DMARC policies this way.
// Keys are canonical names (lower case, no root dot); several values for one name are several
// records, in file order.
type Overrides map[string][]string

// LineError is one bad line of an overrides file.
type LineError struct {
	Line int
	Msg  string
}

func (e LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// OverridesError lists every bad line, so the file can be fixed in one go.
type OverridesError struct {
	Path  string
	Lines []LineError
}

func (e *OverridesError) Error() string {
	parts := make([]string, len(e.Lines))
	for i, l := range e.Lines {
		parts[i] = l.Error()
	}
	where := "DNS overrides"
	if e.Path != "" {
		where += " " + e.Path
	}
	return where + ": " + strings.Join(parts, "; ")
}

// dnsName accepts host names and the underscore labels of _dmarc and _domainkey records.
var dnsName = regexp.MustCompile(`^([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$`)

// ParseOverrides reads one TXT record per line: the name, a space, the value (the rest of the
// line, as the record's text). Blank lines and lines starting with # are skipped.
func ParseOverrides(r io.Reader) (Overrides, error) {
	o := Overrides{}
	var bad []LineError
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20) // an RSA 4096 key record is about 800 bytes
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := line, "", false
		if i := strings.IndexAny(line, " \t"); i >= 0 {
			name, value, ok = line[:i], strings.TrimSpace(line[i+1:]), true
		}
		name = canonicalName(name)
		switch {
		case !ok || value == "":
			bad = append(bad, LineError{n, fmt.Sprintf("%q has no value; write the name, a space, then the record", name)})
		case len(name) > 253 || !dnsName.MatchString(name):
			bad = append(bad, LineError{n, fmt.Sprintf("%q is not a DNS name", name)})
		default:
			o[name] = append(o[name], value)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read DNS overrides after line %d: %w", n, err)
	}
	if len(bad) > 0 {
		return nil, &OverridesError{Lines: bad}
	}
	return o, nil
}

// LoadOverrides reads an overrides file.
func LoadOverrides(path string) (Overrides, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open DNS overrides: %w", err)
	}
	defer f.Close()
	o, err := ParseOverrides(f)
	var oe *OverridesError
	if errors.As(err, &oe) {
		oe.Path = path
	}
	return o, err
}

// OverrideResolver answers from Records first and asks Next for every other name. A name present
// in Records is answered from there alone, so a test key replaces the real one. With Next nil,
// every other name does not exist, which keeps tests off the network.
type OverrideResolver struct {
	Records Overrides
	Next    Resolver
}

// LookupTXT implements Resolver.
func (o *OverrideResolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	if txts, ok := o.Records[canonicalName(name)]; ok {
		return append([]string(nil), txts...), nil
	}
	if o.Next == nil {
		return nil, notFound(name)
	}
	return o.Next.LookupTXT(ctx, name)
}

// ErrOverridesInProduction refuses test keys where real marketplace mail is judged.
var ErrOverridesInProduction = errors.New("DNS overrides are refused in production: they let anyone who can write the file pass as Amazon or Walmart; unset SHOPDESK_DNS_OVERRIDES")

// ResolverConfig says how to build the resolver the verifier uses.
type ResolverConfig struct {
	// OverridesPath is SHOPDESK_DNS_OVERRIDES; empty asks DNS only.
	OverridesPath string
	// Production refuses any OverridesPath.
	Production bool
}

// NewResolver builds the resolver for the process: DNS, behind the overrides file when one is
// named outside production.
func NewResolver(c ResolverConfig) (Resolver, error) {
	dns := NewDNSResolver()
	if c.OverridesPath == "" {
		return dns, nil
	}
	if c.Production {
		return nil, ErrOverridesInProduction
	}
	o, err := LoadOverrides(c.OverridesPath)
	if err != nil {
		return nil, err
	}
	return &OverrideResolver{Records: o, Next: dns}, nil
}
