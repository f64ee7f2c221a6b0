// Package sysmail sends Shopdesk's own mail — invitations, password resets, notices — through one
// sender: the outbound relay (SHOPDESK_RELAY_URL) when one is configured, otherwise, outside
// production, the development mail sink. Production without a relay does not start (see config),
// so system mail is never dropped silently. Replies to customers do not come through here: they go
// out through the workspace's own mailbox.
package sysmail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/shopdesk/shopdesk/internal/config"
	"github.com/shopdesk/shopdesk/internal/mailsink"
)

// Message is one system mail: plain text to one person.
type Message struct {
	To      string
	Subject string
	Text    string
}

// PermanentError: the relay refused the message for good (5xx, a refused login); retrying the
// same message will not help.
type PermanentError struct{ Reason string }

func (e *PermanentError) Error() string { return "system mail: " + e.Reason }

// Sender delivers system mail.
type Sender struct {
	from  *mail.Address
	relay *url.URL
	sink  *mailsink.Sink
	// RootCAs, when set, replaces the system's trusted roots for the relay (tests use a test CA).
	RootCAs *x509.CertPool
}

// New chooses the way out from the configuration: the relay when SHOPDESK_RELAY_URL is set,
// otherwise the sink (refused in production).
func New(cfg config.Config, sink *mailsink.Sink) (*Sender, error) {
	s := &Sender{from: cfg.MailFrom, relay: cfg.RelayURL, sink: sink}
	if s.from == nil {
		s.from = &mail.Address{Name: "Shopdesk", Address: "no-reply@localhost"}
	}
	if s.relay == nil {
		if cfg.Env == config.EnvProduction {
			return nil, errors.New("SHOPDESK_RELAY_URL is not set: production needs a relay for invitations, password resets and notices")
		}
		if sink == nil {
			return nil, errors.New("sysmail: no relay and no development mail sink")
		}
	}
	return s, nil
}

// UsesSink reports whether mail goes to the development mail sink.
func (s *Sender) UsesSink() bool { return s.relay == nil }

// Via names the way out for logs and the startup line, without the relay's password.
func (s *Sender) Via() string {
	if s.relay == nil {
		return "development mail sink"
	}
	return "relay " + s.relay.Scheme + "://" + s.relay.Host
}

// Send builds the message and hands it to the relay or the sink.
func (s *Sender) Send(ctx context.Context, m Message) error {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.FromFormat(s.from.Name, s.from.Address); err != nil {
		return &PermanentError{Reason: fmt.Sprintf("From address %s: %v", s.from, err)}
	}
	if err := msg.To(m.To); err != nil {
		return &PermanentError{Reason: fmt.Sprintf("recipient %q: %v", m.To, err)}
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	// The From address's domain, not this machine's host name, names the message.
	msg.SetMessageIDWithValue(rand.Text() + "@" + s.from.Address[strings.LastIndexByte(s.from.Address, '@')+1:])
	// Automatic mail by RFC 3834, so no one's auto-responder answers it.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if s.relay == nil {
		var buf bytes.Buffer
		if _, err := msg.WriteTo(&buf); err != nil {
			return fmt.Errorf("system mail: write message: %w", err)
		}
		return s.sink.Deliver(ctx, s.from.Address, []string{m.To}, buf.Bytes())
	}
	c, err := s.client()
	if err != nil {
		return &PermanentError{Reason: err.Error()}
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return s.classify(err)
	}
	return nil
}

func (s *Sender) client() (*gomail.Client, error) {
	host := s.relay.Hostname()
	port := 587
	opts := []gomail.Option{gomail.WithTimeout(30 * time.Second), gomail.WithHELO("shopdesk")}
	if s.relay.Scheme == "smtps" {
		port = 465
		opts = append(opts, gomail.WithSSL())
	}
	if p := s.relay.Port(); p != "" {
		port, _ = strconv.Atoi(p)
	}
	opts = append(opts, gomail.WithPort(port))
	loopback := host == "localhost"
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		loopback = true
	}
	if s.relay.Scheme == "smtp" {
		// A relay on this machine may speak plain SMTP; anywhere else the login needs TLS.
		if loopback {
			opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
		} else {
			opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
		}
	}
	opts = append(opts, gomail.WithTLSConfig(&tls.Config{ServerName: host, RootCAs: s.RootCAs, MinVersion: tls.VersionTLS12}))
	if u := s.relay.User; u != nil {
		pw, _ := u.Password()
		auth := gomail.SMTPAuthPlain
		if loopback && s.relay.Scheme == "smtp" {
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(u.Username()), gomail.WithPassword(pw))
	}
	c, err := gomail.NewClient(host, opts...)
	if err != nil {
		return nil, fmt.Errorf("SHOPDESK_RELAY_URL %s: %w", s.Via(), err)
	}
	return c, nil
}

func (s *Sender) classify(err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) && se.ErrorCode() >= 500 {
		return &PermanentError{Reason: fmt.Sprintf("the relay %s refused the message: %v", s.Via(), err)}
	}
	if strings.Contains(strings.ToLower(err.Error()), "authentication failed") {
		return &PermanentError{Reason: fmt.Sprintf("the relay %s refused the login in SHOPDESK_RELAY_URL: %v", s.Via(), err)}
	}
	return fmt.Errorf("system mail through %s: %w", s.Via(), err)
}
