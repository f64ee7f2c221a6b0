package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func valid() map[string]string {
	return map[string]string{
		"DATABASE_URL":        "postgres://shopdesk_app@127.0.0.1:5432/shopdesk",
		"SHOPDESK_SECRET_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()

	t.Run("Defaults", func(t *testing.T) {
		t.Parallel()
		c, err := Load(env(valid()), true, true)
		require.NoError(t, err)
		require.Equal(t, "127.0.0.1:8080", c.Addr)
		require.Equal(t, "shopdesk_app", c.AppRole)
		require.Equal(t, c.DatabaseURL, c.MigrateDatabaseURL)
		require.Equal(t, "http://127.0.0.1:8080", c.BaseURL.String())
		require.Len(t, c.SecretKey, 32)
		require.Equal(t, RoleAll, c.Role)
		require.Nil(t, c.RelayURL, "development mail goes to the sink")
		require.Equal(t, "no-reply@localhost", c.MailFrom.Address)
	})

	t.Run("MailFrom", func(t *testing.T) {
		t.Parallel()
		m := valid()
		m["SHOPDESK_MAIL_FROM"] = "Acme Support <support@acme.example>"
		m["SHOPDESK_RELAY_URL"] = "smtp://relay.internal:2525"
		c, err := Load(env(m), true, true)
		require.NoError(t, err)
		require.Equal(t, "support@acme.example", c.MailFrom.Address)
		require.Equal(t, "2525", c.RelayURL.Port())
	})

	// Every bad value stops start-up with a message naming its variable.
	for _, tc := range []struct{ name, variable, value string }{
		{"MissingDatabase", "DATABASE_URL", ""},
		{"BadDatabase", "DATABASE_URL", "postgres://[::1"},
		{"BadMigrateDatabase", "MIGRATE_DATABASE_URL", "host=x port=notaport"},
		{"MissingSecret", "SHOPDESK_SECRET_KEY", ""},
		{"ShortSecret", "SHOPDESK_SECRET_KEY", "c2hvcnQ="},
		{"NotBase64Secret", "SHOPDESK_SECRET_KEY", "not base64 at all!"},
		{"BadAddr", "SHOPDESK_ADDR", "localhost"},
		{"BadPort", "SHOPDESK_ADDR", "127.0.0.1:99999"},
		{"BadBaseURL", "SHOPDESK_BASE_URL", "ftp://x"},
		{"BadRole", "SHOPDESK_ROLE", "both"},
		{"BadAppRole", "SHOPDESK_APP_ROLE", "Robert'); DROP"},
		{"BadEnv", "SHOPDESK_ENV", "staging"},
		{"BadLogLevel", "SHOPDESK_LOG_LEVEL", "loud"},
		{"BadLogFormat", "SHOPDESK_LOG_FORMAT", "xml"},
		{"BadProxies", "SHOPDESK_TRUSTED_PROXIES", "-1"},
		{"BadTimeout", "SHOPDESK_SHUTDOWN_TIMEOUT", "soon"},
		{"BadWorkers", "SHOPDESK_WORKERS", "0"},
		{"BadJobTimeout", "SHOPDESK_JOB_TIMEOUT", "soon"},
		{"RescueNotAfterTimeout", "SHOPDESK_JOB_RESCUE_AFTER", "30s"},
		{"BadMailPoll", "SHOPDESK_MAIL_POLL", "2d"},
		{"BadSMTPAddr", "SHOPDESK_SMTP_ADDR", "2525"},
		{"BadInboundDomain", "SHOPDESK_INBOUND_DOMAIN", "not a domain"},
		{"BadInboundMax", "SHOPDESK_INBOUND_MAX_BYTES", "12"},
		{"BadOldKey", "SHOPDESK_SECRET_KEY_OLD", "c2hvcnQ="},
		{"FailpointsOutsideTests", "SHOPDESK_FAILPOINTS", "send.after_accept=1"},
		{"RelayNotSMTP", "SHOPDESK_RELAY_URL", "http://smtp.example.com"},
		{"RelayWithoutHost", "SHOPDESK_RELAY_URL", "smtp://"},
		{"RelayBadPort", "SHOPDESK_RELAY_URL", "smtp://smtp.example.com:0"},
		{"RelayWithPath", "SHOPDESK_RELAY_URL", "smtps://smtp.example.com/x"},
		{"BadMailFrom", "SHOPDESK_MAIL_FROM", "not an address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := valid()
			m[tc.variable] = tc.value
			_, err := Load(env(m), true, true)
			var errs Errors
			require.True(t, errors.As(err, &errs), "got %v", err)
			require.Len(t, errs, 1, "%v", err)
			require.Equal(t, tc.variable, errs[0].Name)
			require.Contains(t, err.Error(), tc.variable)
		})
	}

	t.Run("GatewayNeedsDomain", func(t *testing.T) {
		t.Parallel()
		m := valid()
		m["SHOPDESK_SMTP_ADDR"] = "127.0.0.1:2525"
		_, err := Load(env(m), true, true)
		require.ErrorContains(t, err, "SHOPDESK_INBOUND_DOMAIN: is needed")
		m["SHOPDESK_INBOUND_DOMAIN"] = "in.example.test"
		c, err := Load(env(m), true, true)
		require.NoError(t, err)
		require.Equal(t, "in.example.test", c.InboundDomain)
	})

	t.Run("ProductionNeedsHTTPS", func(t *testing.T) {
		t.Parallel()
		m := valid()
		m["SHOPDESK_ENV"] = "production"
		m["SHOPDESK_BASE_URL"] = "http://help.example.com"
		_, err := Load(env(m), true, true)
		require.ErrorContains(t, err, "SHOPDESK_BASE_URL")
		m["SHOPDESK_BASE_URL"] = "https://help.example.com/"
		_, err = Load(env(m), true, true)
		require.ErrorContains(t, err, "SHOPDESK_RELAY_URL: is required in production")
		m["SHOPDESK_RELAY_URL"] = "smtps://shopdesk:s3cret@smtp.example.com"
		c, err := Load(env(m), true, true)
		require.NoError(t, err)
		require.Equal(t, "smtp.example.com", c.RelayURL.Hostname())
		require.Equal(t, "no-reply@help.example.com", c.MailFrom.Address)
		require.Equal(t, "json", c.LogFormat)
		require.Equal(t, "https://help.example.com", c.BaseURL.String())
	})

	// Test keys published through an overrides file would let anyone pass as a marketplace.
	t.Run("DNSOverrides", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		good := filepath.Join(dir, "dns.txt")
		require.NoError(t, os.WriteFile(good, []byte("# test keys\n_dmarc.amazon.com v=DMARC1; p=reject\n"), 0o600))
		bad := filepath.Join(dir, "bad.txt")
		require.NoError(t, os.WriteFile(bad, []byte("_dmarc.amazon.com v=DMARC1; p=reject\n\nno-value\n"), 0o600))

		m := valid()
		m["SHOPDESK_DNS_OVERRIDES"] = good
		c, err := Load(env(m), true, true)
		require.NoError(t, err)
		require.Equal(t, good, c.DNSOverrides)

		m["SHOPDESK_DNS_OVERRIDES"] = bad
		_, err = Load(env(m), true, true)
		require.ErrorContains(t, err, "SHOPDESK_DNS_OVERRIDES")
		require.ErrorContains(t, err, "line 3")

		m["SHOPDESK_DNS_OVERRIDES"] = filepath.Join(dir, "missing.txt")
		_, err = Load(env(m), true, true)
		require.ErrorContains(t, err, "SHOPDESK_DNS_OVERRIDES")

		m = valid()
		m["SHOPDESK_ENV"] = "production"
		m["SHOPDESK_BASE_URL"] = "https://help.example.com"
		m["SHOPDESK_RELAY_URL"] = "smtps://smtp.example.com"
		m["SHOPDESK_DNS_OVERRIDES"] = good
		_, err = Load(env(m), true, true)
		var errs Errors
		require.True(t, errors.As(err, &errs), "got %v", err)
		require.Len(t, errs, 1, "%v", err)
		require.Equal(t, "SHOPDESK_DNS_OVERRIDES", errs[0].Name)
		require.Contains(t, errs[0].Msg, "refused in production")
	})

	t.Run("SecretNotNeededForMigrate", func(t *testing.T) {
		t.Parallel()
		m := valid()
		delete(m, "SHOPDESK_SECRET_KEY")
		_, err := Load(env(m), true, false)
		require.NoError(t, err)
	})

	t.Run("AllErrorsAtOnce", func(t *testing.T) {
		t.Parallel()
		_, err := Load(env(map[string]string{"SHOPDESK_ADDR": "x", "SHOPDESK_ROLE": "y"}), true, true)
		var errs Errors
		require.True(t, errors.As(err, &errs))
		require.Len(t, errs, 4) // addr, role, database, secret
	})
}
