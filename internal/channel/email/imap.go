package email

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
)

// dialTimeout bounds connecting and logging in; a server that does not answer in time is an
// error on the account's health page, not a stuck job.
const dialTimeout = 20 * time.Second

// dialIMAP connects and logs in to an account's mailbox. handler receives unsolicited updates
// (IDLE's EXISTS).
func (s *Service) dialIMAP(ctx context.Context, a Account, sec Secrets, handler *imapclient.UnilateralDataHandler) (*imapclient.Client, error) {
	addr := net.JoinHostPort(a.ImapHost, strconv.Itoa(int(a.ImapPort)))
	opts := &imapclient.Options{TLSConfig: s.tlsConfig(a.ImapHost), UnilateralDataHandler: handler, Dialer: &net.Dialer{Timeout: dialTimeout}}
	var (
		c   *imapclient.Client
		err error
	)
	switch a.ImapTls {
	case "tls":
		c, err = imapclient.DialTLS(addr, opts)
	case "starttls":
		c, err = imapclient.DialStartTLS(addr, opts)
	default:
		c, err = imapclient.DialInsecure(addr, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("connect to IMAP server %s: %w", addr, err)
	}
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	defer stop()
	if a.AuthKind == "xoauth2" {
		err = c.Authenticate(newXOAUTH2(a.ImapUsername, sec.IMAP))
	} else {
		err = c.Login(a.ImapUsername, sec.IMAP).Wait()
	}
	if err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("IMAP login as %s: %w", a.ImapUsername, err)
	}
	return c, nil
}

func (s *Service) tlsConfig(host string) *tls.Config {
	cfg := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if s.RootCAs != nil {
		cfg.RootCAs = s.RootCAs
	}
	return cfg
}

// xoauth2 is the SASL mechanism Gmail and Microsoft 365 use with OAuth2 access tokens; go-sasl
// deliberately leaves it out, and Microsoft offers nothing else.
type xoauth2 struct{ user, token string }

func newXOAUTH2(user, token string) sasl.Client { return &xoauth2{user: user, token: token} }

func (x *xoauth2) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + x.user + "\x01auth=Bearer " + x.token + "\x01\x01"), nil
}

// Next answers the server's error challenge (a JSON status) with an empty response, after which
// the server fails the command with its reason.
func (x *xoauth2) Next([]byte) ([]byte, error) { return []byte{}, nil }

// fetchRaw fetches whole messages by UID without setting \Seen (BODY.PEEK[]).
func fetchRaw(c *imapclient.Client, uids []imap.UID) (map[imap.UID][]byte, error) {
	section := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return nil, fmt.Errorf("IMAP fetch: %w", err)
	}
	out := make(map[imap.UID][]byte, len(msgs))
	for _, m := range msgs {
		if b := m.FindBodySection(section); b != nil && m.UID != 0 {
			out[m.UID] = b
		}
	}
	return out, nil
}
