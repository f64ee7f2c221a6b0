package email

import "strings"

// Problem kinds a failed connection points to, each a catalog key under "mail.problem.".
const (
	ProblemHostPort    = "host_port"
	ProblemTimeout     = "timeout"
	ProblemCredentials = "credentials"
	ProblemTLS         = "tls"
	ProblemUnknown     = "unknown"
)

var problemSigns = []struct {
	kind  string
	signs []string
}{
	{ProblemHostPort, []string{"no such host", "connection refused", "network is unreachable", "no route to host", "connection reset", "server misbehaving", "eof"}},
	{ProblemTimeout, []string{"i/o timeout", "deadline exceeded", "timed out", "timeout"}},
	{ProblemCredentials, []string{"authenticationfailed", "authentication failed", "auth failed", "invalid credentials", "username and password not accepted",
		"login failed", "535", "534", "application-specific password", "app password", "[auth]", "invalid login", "bad credentials"}},
	{ProblemTLS, []string{"x509", "certificate", "tls", "handshake", "first record does not look like", "starttls"}},
}

// Explain names, in plain kinds, what a mail server's error points to (the page says what to
// check for each), most likely first; ProblemUnknown when nothing in it is recognised.
func Explain(detail string) []string {
	d := strings.ToLower(detail)
	var out []string
	for _, p := range problemSigns {
		for _, s := range p.signs {
			if strings.Contains(d, s) {
				out = append(out, p.kind)
				break
			}
		}
	}
	if len(out) == 0 {
		out = append(out, ProblemUnknown)
	}
	return out
}
