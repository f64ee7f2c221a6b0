package sysmail_test

import (
	"context"
	"errors"
	"net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/config"
	"github.com/shopdesk/shopdesk/internal/mailtest"
	"github.com/shopdesk/shopdesk/internal/sysmail"
)

func TestSender(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("ProductionNeedsARelay", func(t *testing.T) {
		t.Parallel()
		_, err := sysmail.New(config.Config{Env: config.EnvProduction}, nil)
		require.ErrorContains(t, err, "SHOPDESK_RELAY_URL is not set")
	})

	t.Run("ThroughTheRelay", func(t *testing.T) {
		t.Parallel()
		mt := mailtest.Start(t)
		box := mt.Mailbox(t)
		relay, err := config.ParseRelayURL("smtp://" + url.QueryEscape(box) + ":" + mailtest.Password + "@" + mt.SMTPAddr())
		require.NoError(t, err)
		s, err := sysmail.New(config.Config{Env: config.EnvProduction, RelayURL: relay,
			MailFrom: &mail.Address{Name: "Shopdesk", Address: "no-reply@" + mailtest.Domain}}, nil)
		require.NoError(t, err)
		require.False(t, s.UsesSink())
		require.NotContains(t, s.Via(), mailtest.Password, "the password stays out of logs")
		subject := "Reset your password " + box
		require.NoError(t, s.Send(ctx, sysmail.Message{To: box, Subject: subject, Text: "Choose a new password: https://help.example.test/password/reset/x\n"}))
		found := mt.Find(t, box, "Subject", subject, 20*time.Second)
		require.Len(t, found, 1)
		raw := string(found[0])
		require.Contains(t, raw, "From: \"Shopdesk\" <no-reply@"+mailtest.Domain+">")
		require.Contains(t, raw, "Auto-Submitted: auto-generated")
		require.Contains(t, raw, "https://help.example.test/password/reset/x")
	})

	t.Run("RefusedLoginIsAnError", func(t *testing.T) {
		t.Parallel()
		mt := mailtest.Start(t)
		box := mt.Mailbox(t)
		relay, err := config.ParseRelayURL("smtp://" + url.QueryEscape(box) + ":wrong@" + mt.SMTPAddr())
		require.NoError(t, err)
		s, err := sysmail.New(config.Config{Env: config.EnvProduction, RelayURL: relay}, nil)
		require.NoError(t, err)
		err = s.Send(ctx, sysmail.Message{To: "someone@elsewhere.example", Subject: "x", Text: "x"})
		require.Error(t, err, "never dropped silently")
		require.True(t, strings.Contains(err.Error(), "relay smtp://"), err.Error())
		_, permanent := errors.AsType[*sysmail.PermanentError](err)
		require.True(t, permanent, "a refused login is not retried for a day: %v", err)
	})
}
