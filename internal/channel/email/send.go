package email

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	gomail "github.com/wneessen/go-mail"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/failpoint"
	"github.com/shopdesk/shopdesk/internal/replytoken"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/text"
)

// DefaultConfirmGrace is how long an interrupted send is checked for before it is sent again.
const DefaultConfirmGrace = 2 * time.Minute

// Sender delivers replies over SMTP through the ticket's account (or the workspace's default one).
//
// Exactly once: the reply's Message-ID is derived from the workspace and the message, so every
// attempt carries the same one, and each send also delivers a copy to the account's own address
// in the same SMTP transaction. When an attempt was interrupted (the process died after the
// server might have accepted it), the next attempt looks for that copy over IMAP: found means
// accepted, so it records "sent" without sending again. Only after Grace passes without the copy
// is the reply sent again. Accounts without IMAP cannot be checked; there a retry after Grace may
// repeat the reply, with the same Message-ID so mail clients show it once.
type Sender struct {
	Accounts *Service
	// InboundDomain, when set, is the gateway's domain: the Reply-To token then points at
	// <workspace slug>@<domain> rather than at the account's mailbox.
	InboundDomain string
	// Fallback delivers the replies of workspaces with no email account. It is nil in production
	// (such a reply is refused when it is written); development plugs its mail sink in here.
	Fallback conversation.Sender
	Grace    time.Duration
	// Slugs resolves a workspace's slug for gateway addresses.
	Slugs func(ctx context.Context, tenantID uuid.UUID) (string, error)
}

// Ready implements conversation.ChannelSender: an email reply needs the ticket's account or the
// workspace's default one (or the development fallback). A paused account is connected: its
// replies fail with what to do, and the admin sees why on the account.
func (s *Sender) Ready(ctx context.Context, q *dbsqlc.Queries, t conversation.Ticket) error {
	if s.Fallback != nil {
		return nil
	}
	if t.EmailAccountID.Valid {
		a, err := q.EmailAccountGet(ctx, dbsqlc.EmailAccountGetParams{TenantID: t.TenantID, ID: t.EmailAccountID.Int64})
		if err == nil && a.SmtpHost == "" {
			return conversation.ErrNoChannel // the ticket's mailbox only receives
		}
		if err == nil {
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
	}
	_, err := q.EmailAccountDefault(ctx, t.TenantID)
	if errors.Is(err, pgx.ErrNoRows) {
		return conversation.ErrNoChannel
	}
	return err
}

// MessageID is the Message-ID of one reply (without angle brackets, as channel message ids are
// stored): the same on every attempt.
func MessageID(tenantID uuid.UUID, ticketNumber, messageID int64, address string) string {
	domain := address[strings.LastIndexByte(address, '@')+1:]
	return fmt.Sprintf("sd.%d.%d.%s@%s", ticketNumber, messageID, tenantID.String()[:8], domain)
}

// Send implements conversation.Sender.
func (s *Sender) Send(ctx context.Context, out conversation.Outgoing) (conversation.Sent, error) {
	a, err := s.account(ctx, out)
	if errors.Is(err, ErrNoAccount) && s.Fallback != nil {
		return s.Fallback.Send(ctx, out)
	}
	if errors.Is(err, ErrNoAccount) {
		return conversation.Sent{}, &conversation.PermanentError{Reason: err.Error()}
	}
	if err != nil {
		return conversation.Sent{}, err // a paused account's PermanentError passes through as is
	}
	sent := conversation.Sent{ChannelMessageID: MessageID(out.TenantID, out.Ticket.Number, out.MessageID, a.Address)}
	if len(out.To) == 0 {
		return sent, &conversation.PermanentError{Reason: "the customer has no email address to reply to"}
	}
	sec, err := s.Accounts.open(a)
	if err != nil {
		return sent, &conversation.PermanentError{Reason: err.Error()}
	}
	if out.Interrupted {
		accepted, err := s.Accounts.hasCopy(ctx, a, sec, sent.ChannelMessageID)
		switch {
		case err == nil && accepted:
			return sent, nil
		case time.Since(out.StartedAt) < s.grace():
			reason := "looking for the copy of an interrupted send"
			if err != nil {
				reason += ": " + err.Error()
			}
			return sent, &conversation.UnconfirmedError{Reason: reason}
		}
	}
	msg, err := s.compose(ctx, a, out, sent.ChannelMessageID)
	if err != nil {
		return sent, &conversation.PermanentError{Reason: err.Error()}
	}
	return sent, s.Accounts.submit(ctx, a, sec, msg)
}

func (s *Sender) grace() time.Duration {
	if s.Grace > 0 {
		return s.Grace
	}
	return DefaultConfirmGrace
}

func (s *Sender) account(ctx context.Context, out conversation.Outgoing) (Account, error) {
	var a Account
	err := s.Accounts.st.InTenantTx(ctx, out.TenantID, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		if out.Ticket.EmailAccountID.Valid {
			a, err = q.EmailAccountGet(ctx, dbsqlc.EmailAccountGetParams{TenantID: out.TenantID, ID: out.Ticket.EmailAccountID.Int64})
			if err == nil {
				return nil
			}
			if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		}
		a, err = q.EmailAccountDefault(ctx, out.TenantID)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNoAccount
		}
		return err
	})
	if err != nil {
		return a, err
	}
	switch {
	case a.Status != "active":
		return a, &conversation.PermanentError{Reason: fmt.Sprintf("the email account %s is paused: resume it in Settings → Mail, then resend", a.Address)}
	case a.SmtpHost == "":
		return a, &conversation.PermanentError{Reason: fmt.Sprintf("the email account %s has no SMTP server to send with: add one in Settings → Mail, then resend", a.Address)}
	}
	return a, nil
}

func (s *Sender) compose(ctx context.Context, a Account, out conversation.Outgoing, messageID string) (*gomail.Msg, error) {
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	name := a.FromName
	if out.AuthorName != "" {
		name = out.AuthorName
		if a.FromName != "" {
			name += " (" + a.FromName + ")"
		}
	}
	if err := m.FromFormat(name, a.Address); err != nil {
		return nil, fmt.Errorf("from address: %w", err)
	}
	if err := m.To(out.To...); err != nil {
		return nil, fmt.Errorf("customer address: %w", err)
	}
	// The copy to ourselves is what lets an interrupted send be confirmed (see Sender).
	if a.ImapHost != "" {
		if err := m.Bcc(a.Address); err != nil {
			return nil, err
		}
	}
	replyTo := a.Address
	if s.InboundDomain != "" && s.Slugs != nil {
		slug, err := s.Slugs(ctx, out.TenantID)
		if err != nil {
			return nil, err
		}
		replyTo = slug + "@" + s.InboundDomain
	}
	if err := m.ReplyTo(replytoken.Address(s.Accounts.keys, out.TenantID, out.Ticket.ID, replyTo)); err != nil {
		return nil, err
	}
	m.SetMessageIDWithValue(messageID)
	if len(out.Thread) > 0 {
		m.SetGenHeader(gomail.HeaderInReplyTo, "<"+out.Thread[0]+">")
		refs := make([]string, 0, len(out.Thread))
		for i := len(out.Thread) - 1; i >= 0; i-- { // oldest first
			refs = append(refs, "<"+out.Thread[i]+">")
		}
		m.SetGenHeader(gomail.HeaderReferences, strings.Join(refs, " "))
	}
	subject := out.Ticket.Subject
	if !strings.HasPrefix(strings.ToLower(subject), "re:") {
		subject = "Re: " + subject
	}
	m.Subject(subject)
	m.SetDate()
	m.SetGenHeader(gomail.Header(replytoken.Header), replytoken.Own(s.Accounts.keys, out.TenantID, out.MessageID))
	body := out.Body
	if a.Signature != "" {
		body += "\n\n-- \n" + a.Signature
	}
	m.SetBodyString(gomail.TypeTextPlain, body)
	for _, att := range out.Attachments {
		if err := m.AttachReader(headerFileName(att.Name), bytes.NewReader(att.Data), gomail.WithFileContentType(gomail.ContentType(att.ContentType))); err != nil {
			return nil, fmt.Errorf("attachment %s: %w", att.Name, err)
		}
	}
	return m, nil
}

// submit sends one message and sorts failures: temporary ones are retried, permanent ones (5xx,
// rejected login) fail the reply with the server's answer, and a connection lost after the data
// was handed over is unconfirmed (the next attempt checks for the copy).
func (s *Service) submit(ctx context.Context, a Account, sec Secrets, m *gomail.Msg) error {
	c, err := s.smtpClient(a, sec)
	if err != nil {
		return &conversation.PermanentError{Reason: err.Error()}
	}
	err = c.DialAndSendWithContext(ctx, m)
	if err == nil {
		failpoint.Hit("send.after_accept")
		return nil
	}
	return classifySMTP(a, err)
}

func classifySMTP(a Account, err error) error {
	var se *gomail.SendError
	if errors.As(err, &se) {
		code := se.ErrorCode()
		switch {
		case se.Reason == gomail.ErrSMTPDataClose && code == 0:
			return &conversation.UnconfirmedError{Reason: "the connection ended while the server was accepting the message: " + err.Error()}
		case code == 535 || code == 534 || code == 530:
			return &conversation.PermanentError{Reason: fmt.Sprintf("the SMTP server rejected the login of %s: check the password in Settings → Mail, then resend (%s)", a.SmtpUsername, err)}
		case code >= 500 && se.Reason == gomail.ErrSMTPRcptTo:
			return &conversation.PermanentError{Reason: "the mail server refused the customer's address (" + serverAnswer(err) + ")"}
		case code >= 500 || (!se.IsTemp() && code == 0 && se.Reason != gomail.ErrConnCheck && se.Reason != gomail.ErrSMTPDataClose):
			return &conversation.PermanentError{Reason: "the mail server refused the reply: " + err.Error()}
		case code >= 400:
			return errors.New("the mail server asked to try again later (" + serverAnswer(err) + ")")
		}
		return fmt.Errorf("mail server: %w", err)
	}
	msg := err.Error()
	if strings.Contains(msg, "535") || strings.Contains(strings.ToLower(msg), "authentication failed") || strings.Contains(msg, "auth") && strings.Contains(msg, "5.7.8") {
		return &conversation.PermanentError{Reason: fmt.Sprintf("the SMTP server rejected the login of %s: check the password in Settings → Mail, then resend (%s)", a.SmtpUsername, msg)}
	}
	var ne net.Error
	if errors.As(err, &ne) || strings.Contains(msg, "connection refused") || strings.Contains(msg, "dial") {
		return fmt.Errorf("cannot reach the SMTP server %s:%d: %w", a.SmtpHost, a.SmtpPort, err)
	}
	return fmt.Errorf("SMTP: %w", err)
}

var smtpReply = regexp.MustCompile(`\b([245][0-9][0-9]) "?([245]\.[0-9]{1,3}\.[0-9]{1,3})?\s*([^"]*)"?`)

// serverAnswer is the server's own reply in an SMTP error ("550 5.1.1 <a@b>: mailbox
// unavailable"), without the client library's wording around it.
func serverAnswer(err error) string {
	msg := err.Error()
	m := smtpReply.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	return strings.Join(strings.Fields(m[1]+" "+m[2]+" "+m[3]), " ")
}

func (s *Service) smtpClient(a Account, sec Secrets) (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(int(a.SmtpPort)), gomail.WithTimeout(dialTimeout),
		gomail.WithTLSConfig(s.tlsConfig(a.SmtpHost)), gomail.WithHELO("shopdesk")}
	switch a.SmtpTls {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "starttls":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if a.SmtpUsername != "" {
		auth := gomail.SMTPAuthPlain
		switch {
		case a.AuthKind == "xoauth2":
			auth = gomail.SMTPAuthXOAUTH2
		case a.SmtpTls == "none":
			// Plain login without TLS is only for servers on a private network (and tests).
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(a.SmtpUsername), gomail.WithPassword(sec.SMTP))
	}
	c, err := gomail.NewClient(a.SmtpHost, opts...)
	if err != nil {
		return nil, fmt.Errorf("SMTP settings of %s: %w", a.Address, err)
	}
	return c, nil
}

// hasCopy reports whether the account's mailbox holds our copy of a message.
func (s *Service) hasCopy(ctx context.Context, a Account, sec Secrets, messageID string) (bool, error) {
	if a.ImapHost == "" {
		return false, errors.New("the account has no IMAP mailbox to check")
	}
	c, err := s.dialIMAP(ctx, a, sec, nil)
	if err != nil {
		return false, err
	}
	defer func() { _ = c.Logout().Wait(); _ = c.Close() }()
	folders := a.ImapFolders
	if !slices.Contains(folders, "INBOX") {
		folders = append([]string{"INBOX"}, folders...)
	}
	for _, folder := range folders {
		if _, err := c.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
			continue
		}
		data, err := c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: messageID}}}, nil).Wait()
		if err != nil {
			return false, fmt.Errorf("IMAP search: %w", err)
		}
		if len(data.AllUIDs()) > 0 {
			return true, nil
		}
	}
	return false, nil
}

// maxFileNameBytes bounds an attachment's name in our mail: go-mail writes the encoded name on one
// header line, and even fully encoded (three octets per byte) it must stay within the 998 octets
// a line may have (RFC 5322 §2.1.1).
const maxFileNameBytes = 200

// headerFileName shortens a long file name to maxFileNameBytes, keeping its extension.
func headerFileName(name string) string { return text.ShortenFileName(name, maxFileNameBytes) }
