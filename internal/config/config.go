// Package config reads Shopdesk's settings from environment variables and
// validates them once, so a bad value stops the process with a message that
// names the variable instead of failing later in some unrelated place.
package config

import (
	"cmp"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/failpoint"
	"github.com/shopdesk/shopdesk/internal/mailauth"
)

// Environments Shopdesk knows. Production refuses demo seeding and insists on TLS-ready settings.
const (
	EnvDevelopment = "development"
	EnvProduction  = "production"
	EnvTest        = "test"
)

// Role selects what a `serve` process does, so several processes can share one database.
const (
	RoleAll    = "all"
	RoleWeb    = "web"
	RoleWorker = "worker"
)

// Config is every setting, parsed and validated. It is passed by value; there is no global.
type Config struct {
	Env                string
	DatabaseURL        string
	MigrateDatabaseURL string
	Addr               string
	BaseURL            *url.URL
	SecretKey          []byte
	OldSecretKeys      [][]byte
	AppRole            string
	Role               string
	LogFormat          string
	LogLevel           string
	TrustedProxies     int
	ShutdownTimeout    time.Duration
	WorkerCount        int
	JobTimeout         time.Duration
	JobRescueAfter     time.Duration
	SMTPAddr           string
	InboundDomain      string
	MailPoll           time.Duration
	InboundMaxBytes    int64
	// RelayURL is the outbound relay for system mail (invitations, password resets, notices);
	// nil outside production sends it to the development mail sink.
	RelayURL *url.URL
	// MailFrom is the From address of system mail.
	MailFrom *mail.Address
	// Failpoints arms crash points (test environment only; see internal/failpoint).
	Failpoints map[string]int
	// SendRetryWindow is how long a reply's transient send failures are retried before it fails.
	SendRetryWindow time.Duration
	// DNSOverrides is the file of TXT records (test DKIM keys, DMARC policies) answered before DNS
	// when marketplace mail is authenticated; never set in production. Build the resolver with
	// mailauth.NewResolver.
	DNSOverrides string
}

// Var documents one environment variable; README's configuration table is written from this list.
type Var struct {
	Name    string
	Default string
	Help    string
}

// Vars lists every variable Shopdesk reads.
var Vars = []Var{
	{"DATABASE_URL", "(required)", "PostgreSQL URL the app connects with, as the non-owner application role (no superuser, no BYPASSRLS)."},
	{"MIGRATE_DATABASE_URL", "DATABASE_URL", "PostgreSQL URL of the schema owner, used by `shopdesk migrate` and `seed`."},
	{"SHOPDESK_ENV", "development", "development, test or production. Production refuses demo seeding."},
	{"SHOPDESK_ADDR", "127.0.0.1:8080", "host:port the HTTP server listens on."},
	{"SHOPDESK_BASE_URL", "http://SHOPDESK_ADDR", "Public URL of the app, used in invitation links; https:// turns on Secure cookies."},
	{"SHOPDESK_SECRET_KEY", "(required)", "At least 32 random bytes, base64 (std or URL) encoded. Signs sessions and encrypts stored secrets."},
	{"SHOPDESK_SECRET_KEY_OLD", "(none)", "Earlier secret keys, comma-separated, still accepted to open stored secrets after a rotation (see docs/operations.md)."},
	{"SHOPDESK_APP_ROLE", "shopdesk_app", "Name of the application role `migrate` creates and grants."},
	{"SHOPDESK_ROLE", "all", "What `serve` runs: all (web and jobs), web (HTTP only) or worker (River workers only)."},
	{"SHOPDESK_LOG_FORMAT", "text (json in production)", "text or json."},
	{"SHOPDESK_LOG_LEVEL", "info", "debug, info, warn or error."},
	{"SHOPDESK_TRUSTED_PROXIES", "0", "How many reverse proxies in front of the app append to X-Forwarded-For (0: use the peer address)."},
	{"SHOPDESK_SHUTDOWN_TIMEOUT", "25s", "How long a stopping process waits for requests and running jobs."},
	{"SHOPDESK_WORKERS", "20", "Maximum concurrent River jobs in this process."},
	{"SHOPDESK_JOB_TIMEOUT", "1m", "How long one background job may run before it is cancelled and retried."},
	{"SHOPDESK_JOB_RESCUE_AFTER", "10m", "How long a job may stay running before it counts as abandoned by a crashed process and is retried; longer than SHOPDESK_JOB_TIMEOUT."},
	{"SHOPDESK_SMTP_ADDR", "(off)", "host:port of the inbound SMTP gateway (e.g. :2525 behind port 25); empty turns it off."},
	{"SHOPDESK_INBOUND_DOMAIN", "(off)", "Domain of the workspaces' forwarding addresses (<workspace>@domain); its MX points at the gateway."},
	{"SHOPDESK_INBOUND_MAX_BYTES", "31457280", "Largest message the gateway accepts (30 MiB)."},
	{"SHOPDESK_FAILPOINTS", "(none)", "Test environment only: crash points for the kill tests, name=N,... (see internal/failpoint)."},
	{"SHOPDESK_MAIL_POLL", "1m", "How often every connected mailbox is synced (IMAP IDLE wakes a sync sooner)."},
	{"SHOPDESK_RELAY_URL", "(development mail sink; required in production)", "Outbound relay for system mail (invitations, password resets, notices): smtp://[user:password@]host[:587] (STARTTLS) or smtps://[user:password@]host[:465]."},
	{"SHOPDESK_MAIL_FROM", "Shopdesk <no-reply@host of SHOPDESK_BASE_URL>", "From address of system mail, e.g. Shopdesk <no-reply@example.com>."},
	{"SHOPDESK_SEND_RETRY_WINDOW", "1h", "How long a reply whose sending fails temporarily (4xx, no connection) is retried before it shows as failed."},
	{"SHOPDESK_DNS_OVERRIDES", "(none)", "Not in production: a file of DNS TXT records (one a line: the name, a space, the value) answered before DNS when marketplace mail's DKIM and DMARC are checked; the simulator's and tests' test keys."},
}

// FieldError names the variable that holds a bad value.
type FieldError struct {
	Name string
	Msg  string
}

func (e *FieldError) Error() string { return e.Name + ": " + e.Msg }

// Errors is every problem found, so an operator can fix them all in one go.
type Errors []*FieldError

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = "  " + e.Error()
	}
	return "invalid configuration:\n" + strings.Join(lines, "\n")
}

var domainName = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

var roleName = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// Load parses the environment through getenv. Which variables are required depends on the command:
// needDB and needSecret let `version` and `migrate` run without a secret key.
func Load(getenv func(string) string, needDB, needSecret bool) (Config, error) {
	var errs Errors
	bad := func(name, format string, args ...any) {
		errs = append(errs, &FieldError{Name: name, Msg: fmt.Sprintf(format, args...)})
	}
	c := Config{
		Env:       cmp.Or(getenv("SHOPDESK_ENV"), EnvDevelopment),
		Addr:      cmp.Or(getenv("SHOPDESK_ADDR"), "127.0.0.1:8080"),
		AppRole:   cmp.Or(getenv("SHOPDESK_APP_ROLE"), "shopdesk_app"),
		Role:      cmp.Or(getenv("SHOPDESK_ROLE"), RoleAll),
		LogLevel:  cmp.Or(getenv("SHOPDESK_LOG_LEVEL"), "info"),
		LogFormat: getenv("SHOPDESK_LOG_FORMAT"),
	}
	switch c.Env {
	case EnvDevelopment, EnvProduction, EnvTest:
	default:
		bad("SHOPDESK_ENV", "%q is not one of development, test, production", c.Env)
	}
	if c.LogFormat == "" {
		c.LogFormat = "text"
		if c.Env == EnvProduction {
			c.LogFormat = "json"
		}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("SHOPDESK_LOG_FORMAT", "%q is not text or json", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("SHOPDESK_LOG_LEVEL", "%q is not one of debug, info, warn, error", c.LogLevel)
	}
	switch c.Role {
	case RoleAll, RoleWeb, RoleWorker:
	default:
		bad("SHOPDESK_ROLE", "%q is not one of all, web, worker", c.Role)
	}
	if !roleName.MatchString(c.AppRole) {
		bad("SHOPDESK_APP_ROLE", "%q is not a plain lower-case PostgreSQL role name", c.AppRole)
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil {
		bad("SHOPDESK_ADDR", "%q is not host:port (%v)", c.Addr, err)
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		bad("SHOPDESK_ADDR", "port %q is not a number from 0 to 65535", port)
	}

	c.DatabaseURL = getenv("DATABASE_URL")
	c.MigrateDatabaseURL = cmp.Or(getenv("MIGRATE_DATABASE_URL"), c.DatabaseURL)
	if needDB {
		if c.DatabaseURL == "" && getenv("MIGRATE_DATABASE_URL") == "" {
			bad("DATABASE_URL", "is not set; give a PostgreSQL URL such as postgres://shopdesk_app:secret@localhost:5432/shopdesk (make run starts a local database for you)")
		}
		for _, v := range []struct{ name, val string }{{"DATABASE_URL", c.DatabaseURL}, {"MIGRATE_DATABASE_URL", getenv("MIGRATE_DATABASE_URL")}} {
			if v.val == "" {
				continue
			}
			if _, err := pgx.ParseConfig(v.val); err != nil {
				bad(v.name, "is not a valid PostgreSQL connection string: %v", redact(err))
			}
		}
	}

	base := getenv("SHOPDESK_BASE_URL")
	if base == "" {
		base = "http://" + c.Addr
	}
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("SHOPDESK_BASE_URL", "%q is not an absolute http(s) URL", base)
	} else {
		u.Path = strings.TrimSuffix(u.Path, "/")
		c.BaseURL = u
		if c.Env == EnvProduction && u.Scheme != "https" {
			bad("SHOPDESK_BASE_URL", "must use https:// in production (sessions need Secure cookies)")
		}
	}

	if key := getenv("SHOPDESK_SECRET_KEY"); key != "" {
		raw, err := DecodeKey(key)
		if err != nil {
			bad("SHOPDESK_SECRET_KEY", "%v", err)
		}
		c.SecretKey = raw
	} else if needSecret {
		bad("SHOPDESK_SECRET_KEY", "is not set; generate one with: head -c 32 /dev/urandom | base64")
	}

	c.TrustedProxies = 0
	if v := getenv("SHOPDESK_TRUSTED_PROXIES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 10 {
			bad("SHOPDESK_TRUSTED_PROXIES", "%q is not a whole number from 0 to 10", v)
		}
		c.TrustedProxies = n
	}
	c.ShutdownTimeout = 25 * time.Second
	if v := getenv("SHOPDESK_SHUTDOWN_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 || d > 10*time.Minute {
			bad("SHOPDESK_SHUTDOWN_TIMEOUT", "%q is not a duration between 0 and 10m, such as 25s", v)
		}
		c.ShutdownTimeout = d
	}
	c.WorkerCount = 20
	if v := getenv("SHOPDESK_WORKERS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			bad("SHOPDESK_WORKERS", "%q is not a whole number from 1 to 1000", v)
		}
		c.WorkerCount = n
	}
	durations := []struct {
		name     string
		def      time.Duration
		min, max time.Duration
		dst      *time.Duration
	}{
		{"SHOPDESK_JOB_TIMEOUT", time.Minute, time.Second, time.Hour, &c.JobTimeout},
		{"SHOPDESK_JOB_RESCUE_AFTER", 10 * time.Minute, time.Second, 24 * time.Hour, &c.JobRescueAfter},
		{"SHOPDESK_MAIL_POLL", time.Minute, time.Second, time.Hour, &c.MailPoll},
		{"SHOPDESK_SEND_RETRY_WINDOW", time.Hour, time.Second, 72 * time.Hour, &c.SendRetryWindow},
	}
	for _, d := range durations {
		*d.dst = d.def
		if v := getenv(d.name); v != "" {
			n, err := time.ParseDuration(v)
			if err != nil || n < d.min || n > d.max {
				bad(d.name, "%q is not a duration from %s to %s", v, d.min, d.max)
			}
			*d.dst = n
		}
	}
	if c.JobRescueAfter <= c.JobTimeout {
		bad("SHOPDESK_JOB_RESCUE_AFTER", "%s must be longer than SHOPDESK_JOB_TIMEOUT (%s)", c.JobRescueAfter, c.JobTimeout)
	}
	if v := getenv("SHOPDESK_SECRET_KEY_OLD"); v != "" {
		for i, part := range strings.Split(v, ",") {
			raw, err := DecodeKey(part)
			if err != nil {
				bad("SHOPDESK_SECRET_KEY_OLD", "key %d %v", i+1, err)
			}
			c.OldSecretKeys = append(c.OldSecretKeys, raw)
		}
	}
	c.SMTPAddr = getenv("SHOPDESK_SMTP_ADDR")
	if c.SMTPAddr != "" {
		if _, _, err := net.SplitHostPort(c.SMTPAddr); err != nil {
			bad("SHOPDESK_SMTP_ADDR", "%q is not host:port (%v)", c.SMTPAddr, err)
		} else if getenv("SHOPDESK_INBOUND_DOMAIN") == "" {
			bad("SHOPDESK_INBOUND_DOMAIN", "is needed when SHOPDESK_SMTP_ADDR turns the gateway on")
		}
	}
	c.InboundDomain = strings.ToLower(strings.TrimSpace(getenv("SHOPDESK_INBOUND_DOMAIN")))
	if c.InboundDomain != "" && !domainName.MatchString(c.InboundDomain) {
		bad("SHOPDESK_INBOUND_DOMAIN", "%q is not a domain name such as in.example.com", c.InboundDomain)
	}
	c.InboundMaxBytes = 30 << 20
	if v := getenv("SHOPDESK_INBOUND_MAX_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1024 || n > 200<<20 {
			bad("SHOPDESK_INBOUND_MAX_BYTES", "%q is not a whole number of bytes from 1024 to %d", v, 200<<20)
		}
		c.InboundMaxBytes = n
	}
	if v := getenv("SHOPDESK_RELAY_URL"); v != "" {
		if u, err := ParseRelayURL(v); err != nil {
			bad("SHOPDESK_RELAY_URL", "%v", err)
		} else {
			c.RelayURL = u
		}
	} else if c.Env == EnvProduction && needSecret {
		bad("SHOPDESK_RELAY_URL", "is required in production: invitations, password resets and notices are sent through it (smtp://user:password@smtp.example.com:587)")
	}
	if v := getenv("SHOPDESK_MAIL_FROM"); v != "" {
		a, err := mail.ParseAddress(v)
		if err != nil {
			bad("SHOPDESK_MAIL_FROM", "%q is not an address such as Shopdesk <no-reply@example.com>", v)
		}
		c.MailFrom = a
	} else if c.BaseURL != nil {
		host := c.BaseURL.Hostname()
		if !domainName.MatchString(host) {
			host = "localhost"
		}
		c.MailFrom = &mail.Address{Name: "Shopdesk", Address: "no-reply@" + host}
	}
	if v := getenv("SHOPDESK_FAILPOINTS"); v != "" {
		if c.Env != EnvTest {
			bad("SHOPDESK_FAILPOINTS", "is only allowed with SHOPDESK_ENV=test")
		} else if fp, err := failpoint.Parse(v); err != nil {
			bad("SHOPDESK_FAILPOINTS", "%v", err)
		} else {
			c.Failpoints = fp
		}
	}
	if v := getenv("SHOPDESK_DNS_OVERRIDES"); v != "" {
		if c.Env == EnvProduction {
			bad("SHOPDESK_DNS_OVERRIDES", "is refused in production: its test keys would let anyone pass as Amazon or Walmart; unset it")
		} else if _, err := mailauth.LoadOverrides(v); err != nil {
			bad("SHOPDESK_DNS_OVERRIDES", "%v", err)
		} else {
			c.DNSOverrides = v
		}
	}
	if len(errs) > 0 {
		return Config{}, errs
	}
	return c, nil
}

// ParseRelayURL checks an outbound relay URL: smtp:// (STARTTLS, port 587 by default) or smtps://
// (TLS from the start, port 465), a host, optional user:password, nothing else.
func ParseRelayURL(v string) (*url.URL, error) {
	u, err := url.Parse(v)
	if err != nil {
		return nil, errors.New("is not a URL such as smtp://user:password@smtp.example.com:587")
	}
	if u.Scheme != "smtp" && u.Scheme != "smtps" {
		return nil, fmt.Errorf("scheme %q is not smtp or smtps", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, errors.New("has no host; use smtp://user:password@smtp.example.com:587")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("port %q is not a number from 1 to 65535", p)
		}
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("takes only user:password@host:port, no path or query")
	}
	return u, nil
}

// DecodeKey accepts standard or URL-safe base64, padded or not, and insists on 32 bytes or more.
func DecodeKey(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if raw, err := enc.DecodeString(strings.TrimSpace(s)); err == nil {
			if len(raw) < 32 {
				return nil, fmt.Errorf("decodes to %d bytes; it needs at least 32 (head -c 32 /dev/urandom | base64)", len(raw))
			}
			return raw, nil
		}
	}
	return nil, errors.New("is not base64; generate one with: head -c 32 /dev/urandom | base64")
}

// redact keeps passwords out of error messages that quote a connection string.
func redact(err error) string {
	s := err.Error()
	if i := strings.Index(s, "password="); i >= 0 {
		return s[:i] + "password=…"
	}
	return s
}
