package app

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os"
	"strings"

	"github.com/emersion/go-smtp"
)

// DevGatewayAddr and DevInboundDomain are where `make run` puts the inbound SMTP gateway, so a
// developer can deliver mail to the demo workspace with `shopdesk dev send-mail`.
const (
	DevGatewayAddr   = "127.0.0.1:2525"
	DevInboundDomain = "inbound.localhost"
)

// runDev holds the development helpers; today `dev send-mail FILE...`, which delivers mail files
// to the local inbound gateway as a mail server would.
func runDev(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "send-mail" {
		return errors.New("usage: shopdesk dev send-mail [--to ADDRESS] [--gateway HOST:PORT] FILE...")
	}
	env := envOr(getenv)
	fs := newFlags("dev send-mail", stderr)
	domain := cmp.Or(env("SHOPDESK_INBOUND_DOMAIN"), DevInboundDomain)
	to := fs.String("to", "demo@"+domain, "the forwarding address to deliver to (a workspace's <slug>@"+domain+")")
	gateway := fs.String("gateway", cmp.Or(env("SHOPDESK_SMTP_ADDR"), DevGatewayAddr), "host:port of the inbound SMTP gateway")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("name at least one mail file (RFC 5322, e.g. an .eml saved from a mail program)")
	}
	for _, path := range fs.Args() {
		if err := ctx.Err(); err != nil {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := sendMailFile(*gateway, *to, raw); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		fmt.Fprintf(stdout, "delivered %s to %s through %s\n", path, *to, *gateway)
	}
	return nil
}

// sendMailFile speaks SMTP to the gateway: the envelope sender is the mail's From address (the
// null sender for bounces without one), and lines are sent with CRLF endings as SMTP requires.
func sendMailFile(gateway, to string, raw []byte) error {
	from := ""
	if m, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		if a, err := mail.ParseAddress(m.Header.Get("From")); err == nil {
			from = a.Address
		}
	}
	c, err := smtp.Dial(gateway)
	if err != nil {
		return fmt.Errorf("connect to the inbound gateway at %s (is `make run` running?): %w", gateway, err)
	}
	defer c.Close()
	body := strings.ReplaceAll(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n", "\r\n")
	if err := c.SendMail(from, []string{to}, strings.NewReader(body)); err != nil {
		return fmt.Errorf("the gateway refused the mail: %w", err)
	}
	return c.Quit()
}
