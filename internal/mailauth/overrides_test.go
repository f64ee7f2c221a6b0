package mailauth_test

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/mailauth"
)

func TestParseOverrides(t *testing.T) {
	t.Parallel()

	t.Run("Records", func(t *testing.T) {
		t.Parallel()
		o, err := mailauth.ParseOverrides(strings.NewReader(strings.Join([]string{
			"# DKIM keys and DMARC policies for the simulator",
			"",
			"s1._domainkey.Amazon.COM. v=DKIM1; k=rsa; p=MIIBIjAN",
			"   # an indented comment",
			"_dmarc.amazon.com v=DMARC1; p=reject",
			"_dmarc.amazon.com   v=spf1 -all   ",
			"example.test\tv=DMARC1; p=none",
			"\r",
		}, "\n")))
		require.NoError(t, err)
		require.Equal(t, mailauth.Overrides{
			"s1._domainkey.amazon.com": {"v=DKIM1; k=rsa; p=MIIBIjAN"},
			"_dmarc.amazon.com":        {"v=DMARC1; p=reject", "v=spf1 -all"},
			"example.test":             {"v=DMARC1; p=none"},
		}, o)
	})

	t.Run("BadLinesByNumber", func(t *testing.T) {
		t.Parallel()
		_, err := mailauth.ParseOverrides(strings.NewReader("# ok\n_dmarc.a.example v=DMARC1; p=none\nlonely.example\n\nbad_name!.example v=x\n_dmarc.b.example \n"))
		var oe *mailauth.OverridesError
		require.True(t, errors.As(err, &oe), "got %v", err)
		require.Equal(t, []int{3, 5, 6}, []int{oe.Lines[0].Line, oe.Lines[1].Line, oe.Lines[2].Line})
		require.Len(t, oe.Lines, 3)
		require.ErrorContains(t, err, `line 3: "lonely.example" has no value`)
		require.ErrorContains(t, err, `line 5: "bad_name!.example" is not a DNS name`)
		require.ErrorContains(t, err, `line 6: "_dmarc.b.example" has no value`)
	})

	t.Run("LoadNamesTheFile", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "dns.txt")
		require.NoError(t, os.WriteFile(path, []byte("ok.example v=1\nnovalue\n"), 0o600))
		_, err := mailauth.LoadOverrides(path)
		require.ErrorContains(t, err, path+": line 2")
		_, err = mailauth.LoadOverrides(filepath.Join(t.TempDir(), "missing.txt"))
		require.ErrorIs(t, err, os.ErrNotExist)
	})
}

func TestOverrideResolver(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("FileFirstThenNext", func(t *testing.T) {
		t.Parallel()
		next := &mailauth.OverrideResolver{Records: mailauth.Overrides{"_dmarc.real.example": {"v=DMARC1; p=quarantine"}, "_dmarc.amazon.com": {"real"}}}
		r := &mailauth.OverrideResolver{Records: mailauth.Overrides{"_dmarc.amazon.com": {"v=DMARC1; p=reject"}}, Next: next}
		got, err := r.LookupTXT(ctx, "_DMARC.Amazon.com.")
		require.NoError(t, err)
		require.Equal(t, []string{"v=DMARC1; p=reject"}, got, "the file replaces DNS for its names")
		got, err = r.LookupTXT(ctx, "_dmarc.real.example")
		require.NoError(t, err)
		require.Equal(t, []string{"v=DMARC1; p=quarantine"}, got)
	})

	t.Run("WithoutNextNothingElseExists", func(t *testing.T) {
		t.Parallel()
		r := &mailauth.OverrideResolver{Records: mailauth.Overrides{}}
		_, err := r.LookupTXT(ctx, "_dmarc.amazon.com")
		var de *net.DNSError
		require.True(t, errors.As(err, &de))
		require.True(t, de.IsNotFound)
	})
}

func TestNewResolver(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "dns.txt")
	require.NoError(t, os.WriteFile(path, []byte("_dmarc.amazon.com v=DMARC1; p=reject\n"), 0o600))

	t.Run("ProductionRefusesOverrides", func(t *testing.T) {
		t.Parallel()
		_, err := mailauth.NewResolver(mailauth.ResolverConfig{OverridesPath: path, Production: true})
		require.ErrorIs(t, err, mailauth.ErrOverridesInProduction)
		require.ErrorContains(t, err, "SHOPDESK_DNS_OVERRIDES")
		r, err := mailauth.NewResolver(mailauth.ResolverConfig{Production: true})
		require.NoError(t, err)
		require.IsType(t, &mailauth.DNSResolver{}, r)
	})

	t.Run("OverridesBeforeDNS", func(t *testing.T) {
		t.Parallel()
		r, err := mailauth.NewResolver(mailauth.ResolverConfig{OverridesPath: path})
		require.NoError(t, err)
		o, ok := r.(*mailauth.OverrideResolver)
		require.True(t, ok)
		require.IsType(t, &mailauth.DNSResolver{}, o.Next)
		got, err := r.LookupTXT(context.Background(), "_dmarc.amazon.com")
		require.NoError(t, err)
		require.Equal(t, []string{"v=DMARC1; p=reject"}, got)
	})

	t.Run("BadFile", func(t *testing.T) {
		t.Parallel()
		bad := filepath.Join(t.TempDir(), "bad.txt")
		require.NoError(t, os.WriteFile(bad, []byte("x\n"), 0o600))
		_, err := mailauth.NewResolver(mailauth.ResolverConfig{OverridesPath: bad})
		require.ErrorContains(t, err, "line 1")
	})
}

// A name server that never answers costs one timeout, reported as worth retrying.
func TestDNSResolverTimeout(t *testing.T) {
	t.Parallel()
	r := &mailauth.DNSResolver{
		Resolver: &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		}},
		Timeout: 200 * time.Millisecond,
	}
	start := time.Now()
	_, err := r.LookupTXT(context.Background(), "_dmarc.amazon.com")
	require.Less(t, time.Since(start), 5*time.Second)
	var ne net.Error
	require.True(t, errors.As(err, &ne), "got %T %v", err, err)
	require.True(t, ne.Timeout(), "%v", err)
}
