package email

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/shopdesk/shopdesk/internal/channel/marketplace"
	"github.com/shopdesk/shopdesk/internal/ingest"
	"github.com/shopdesk/shopdesk/internal/replytoken"
	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/tenant"
)

// Gateway is the inbound SMTP server behind each workspace's forwarding addresses:
// <slug>@domain (the workspace), <slug>+<account token>@domain (one mailbox),
// <slug>+<marketplace>-<token>@domain (one marketplace account: where Amazon's or Walmart's buyer
// messages are forwarded) and <slug>+r-<reply token>@domain (a customer answering a reply).
// Unknown recipients are refused at RCPT time; accepted mail is stored raw and processed by the
// same pipeline as IMAP.
type Gateway struct {
	Accounts *Service
	Ingest   *ingest.Service
	Tenants  *tenant.Service
	Domain   string
	MaxBytes int64
	Logger   *slog.Logger
}

// Server builds the SMTP server (serve it with Serve or ListenAndServe).
func (g *Gateway) Server(addr string) *smtp.Server {
	s := smtp.NewServer(g)
	s.Addr = addr
	s.Domain = g.Domain
	s.MaxMessageBytes = g.MaxBytes
	// RFC 5321 asks for lines within 1,000 octets, but real senders (HTML mailers, some
	// marketplaces) write far longer ones; refusing them bounced mail for good. Only the message
	// size limit bounds a line (0: no limit, as for the size).
	s.MaxLineLength = int(g.MaxBytes)
	// 8BITMIME is always advertised by go-smtp; SMTPUTF8 (RFC 6531) too, since the pipeline reads
	// UTF-8 headers and addresses as they are (RFC 6532).
	s.EnableSMTPUTF8 = true
	s.MaxRecipients = 50
	s.ReadTimeout = 2 * time.Minute
	s.WriteTimeout = 2 * time.Minute
	return s
}

// NewSession implements smtp.Backend.
func (g *Gateway) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &gatewaySession{g: g, remote: c.Conn().RemoteAddr().String()}, nil
}

type delivery struct {
	tenantID      uuid.UUID
	accountID     int64 // a mailbox's forwarding address
	marketplaceID int64 // a marketplace account's forwarding address
	rcpt          string
}

type gatewaySession struct {
	g      *Gateway
	remote string
	from   string
	to     []delivery
}

func (s *gatewaySession) Reset()        { s.to, s.from = nil, "" }
func (s *gatewaySession) Logout() error { return nil }

// Mail keeps the reverse path for the Return-Path header (empty for delivery reports).
func (s *gatewaySession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

var errNoRecipient = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such recipient here"}

// Rcpt accepts only addresses that name a workspace (and, with a tag, one of its accounts or a
// valid reply token).
func (s *gatewaySession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d, err := s.g.resolve(ctx, to)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return errNoRecipient
		}
		s.g.Logger.ErrorContext(ctx, "gateway: resolve recipient", "rcpt", to, "error", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary failure, try again later"}
	}
	s.to = append(s.to, d)
	return nil
}

func (g *Gateway) resolve(ctx context.Context, to string) (delivery, error) {
	addr := strings.ToLower(strings.TrimSpace(to))
	at := strings.LastIndexByte(addr, '@')
	if at < 0 || addr[at+1:] != g.Domain {
		return delivery{}, store.ErrNotFound
	}
	slug, tag, _ := strings.Cut(addr[:at], "+")
	ws, err := g.Tenants.BySlug(ctx, slug)
	if err != nil {
		return delivery{}, err
	}
	d := delivery{tenantID: ws.ID, rcpt: addr}
	switch {
	case tag == "":
	case strings.HasPrefix(tag, "r-"):
		if _, ok := replytoken.Ticket(g.Accounts.keys, ws.ID, addr); !ok {
			return delivery{}, store.ErrNotFound
		}
	case marketplace.IsToken(tag):
		err := g.Accounts.st.InTenantTx(ctx, ws.ID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
			a, err := marketplace.ByToken(ctx, q, ws.ID, tag)
			d.marketplaceID = a.ID
			return err
		})
		if err != nil {
			return delivery{}, err
		}
	default:
		err := g.Accounts.st.InTenantTx(ctx, ws.ID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
			a, err := q.EmailAccountByToken(ctx, dbsqlc.EmailAccountByTokenParams{TenantID: ws.ID, ForwardToken: tag})
			d.accountID = a.ID
			return store.NotFound(err)
		})
		if err != nil {
			return delivery{}, err
		}
	}
	return d, nil
}

// Data stores the message once per workspace it was addressed to. As the final delivery it adds
// Return-Path (the reverse path; <> marks a delivery report, RFC 5321 §4.4) and Delivered-To (the
// recipient, where a forwarded message's reply token is read from); the rest is kept as received.
func (s *gatewaySession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		if errors.Is(err, smtp.ErrDataTooLarge) {
			return err
		}
		return fmt.Errorf("read message: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	done := map[uuid.UUID]bool{}
	for _, d := range s.to {
		if done[d.tenantID] {
			continue
		}
		done[d.tenantID] = true
		msg := append([]byte("Return-Path: <"+s.from+">\r\nDelivered-To: "+d.rcpt+"\r\n"), raw...)
		var err error
		if d.marketplaceID != 0 {
			_, _, err = s.g.Ingest.AcceptForMarketplace(ctx, d.tenantID, "gateway:"+d.rcpt, d.marketplaceID, msg)
		} else {
			_, _, err = s.g.Ingest.AcceptFor(ctx, d.tenantID, "gateway:"+d.rcpt, d.accountID, msg)
		}
		if err != nil {
			s.g.Logger.ErrorContext(ctx, "gateway: store message", "rcpt", d.rcpt, "remote", s.remote, "error", err)
			return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary failure, try again later"}
		}
	}
	return nil
}

// GatewayAddress is the workspace's forwarding address for an account (its token) or for the
// workspace itself (token "").
func GatewayAddress(slug, token, domain string) string {
	if domain == "" {
		return ""
	}
	if token == "" {
		return slug + "@" + domain
	}
	return slug + "+" + token + "@" + domain
}
