package email

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestExplain(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		detail string
		want   []string
	}{
		{"dial tcp: lookup imap.exmaple.com: no such host", []string{ProblemHostPort}},
		{"dial tcp 10.0.0.1:993: connect: connection refused", []string{ProblemHostPort}},
		{"dial tcp 10.0.0.1:993: i/o timeout", []string{ProblemTimeout}},
		{"NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)", []string{ProblemCredentials}},
		{"535 5.7.8 Username and Password not accepted", []string{ProblemCredentials}},
		{"tls: failed to verify certificate: x509: certificate signed by unknown authority", []string{ProblemTLS}},
		{"something odd", []string{ProblemUnknown}},
	} {
		require.Equal(t, c.want, Explain(c.detail), c.detail)
	}
}
