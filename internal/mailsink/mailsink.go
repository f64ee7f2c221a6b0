// Package mailsink is the development mail sink: outgoing mail that would leave the machine is
// stored in PostgreSQL instead (the dev_mail table, not tenant data) and read on the /dev/mail page.
// System mail (invitations, password resets, notices) goes here when SHOPDESK_ENV is development
// or test and no relay is configured; replies in development can be delivered here too, through
// the same Deliver.
package mailsink

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/mail"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jhillyerd/enmime/v2"

	"github.com/shopdesk/shopdesk/internal/store"
	"github.com/shopdesk/shopdesk/internal/store/dbsqlc"
	"github.com/shopdesk/shopdesk/internal/text"
)

// Keep is how many messages the sink keeps; older ones are deleted as new ones arrive.
const Keep = 1000

// Sink stores mail instead of sending it.
type Sink struct {
	st *store.Store
}

// New builds the sink on the application's store.
func New(st *store.Store) *Sink { return &Sink{st: st} }

// Summary is one stored message as the list shows it.
type Summary struct {
	ID         int64
	ReceivedAt time.Time
	From       string
	To         []string
	Subject    string
}

// Message is one stored message with its text.
type Message struct {
	Summary
	// Text is the plain-text body (the HTML part converted when there is no text part).
	Text string
	// Header lines as received, for the message page.
	Header []HeaderLine
	Raw    []byte
}

// HeaderLine is one header field, decoded.
type HeaderLine struct{ Name, Value string }

// Deliver stores one message as if a mail server had accepted it: from is the envelope sender,
// to the envelope recipients, raw the whole RFC 5322 message. The development sender of replies
// and system mail both end here.
func (s *Sink) Deliver(ctx context.Context, from string, to []string, raw []byte) error {
	if len(to) == 0 {
		return errors.New("mailsink: no recipients")
	}
	subject := ""
	if m, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		subject = decodeHeader(m.Header.Get("Subject"))
	}
	rcpt := make([]string, len(to))
	for i, t := range to {
		rcpt[i] = text.Clean(t)
	}
	return s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		if _, err := q.DevMailInsert(ctx, dbsqlc.DevMailInsertParams{MailFrom: text.Clean(from), RcptTo: rcpt, Subject: text.Clean(subject), Raw: raw}); err != nil {
			return fmt.Errorf("mailsink: store message: %w", err)
		}
		_, err := q.DevMailTrim(ctx, Keep)
		return err
	})
}

// List returns the newest messages first.
func (s *Sink) List(ctx context.Context, n int32) ([]Summary, error) {
	var out []Summary
	err := s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		rows, err := q.DevMailList(ctx, n)
		if err != nil {
			return err
		}
		for _, r := range rows {
			out = append(out, Summary{ID: r.ID, ReceivedAt: r.ReceivedAt, From: r.MailFrom, To: r.RcptTo, Subject: r.Subject})
		}
		return nil
	})
	return out, err
}

// Get reads one message; store.ErrNotFound when there is no such message.
func (s *Sink) Get(ctx context.Context, id int64) (Message, error) {
	var row dbsqlc.DevMail
	err := s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		var err error
		row, err = q.DevMailGet(ctx, id)
		return store.NotFound(err)
	})
	if err != nil {
		return Message{}, err
	}
	return read(row), nil
}

// To returns every stored message for a recipient, oldest first (tests read their mail here).
func (s *Sink) To(ctx context.Context, rcpt string) ([]Message, error) {
	var out []Message
	err := s.st.InTx(ctx, func(q *dbsqlc.Queries, _ pgx.Tx) error {
		rows, err := q.DevMailTo(ctx, rcpt)
		for _, r := range rows {
			out = append(out, read(r))
		}
		return err
	})
	return out, err
}

func read(r dbsqlc.DevMail) Message {
	m := Message{Summary: Summary{ID: r.ID, ReceivedAt: r.ReceivedAt, From: r.MailFrom, To: r.RcptTo, Subject: r.Subject}, Raw: r.Raw}
	env, err := enmime.ReadEnvelope(bytes.NewReader(r.Raw))
	if err != nil {
		m.Text = text.Clean(string(r.Raw))
		return m
	}
	m.Text = text.Clean(env.Text)
	for _, name := range []string{"From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID", "In-Reply-To", "References", "Auto-Submitted"} {
		if v := env.GetHeader(name); v != "" {
			m.Header = append(m.Header, HeaderLine{Name: name, Value: text.Clean(v)})
		}
	}
	return m
}

func decodeHeader(v string) string {
	d, err := new(mime.WordDecoder).DecodeHeader(v)
	if err != nil {
		return v
	}
	return d
}
