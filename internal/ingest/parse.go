// Package ingest turns raw inbound mail into what the inbox stores: parsed parts, decoded text,
// attachments, threading headers, and a classification of automatic mail (auto-replies, bounces,
// lists) made before any automation sees the message. Parsing never drops a message: what cannot
// be parsed comes back as a *ParseError whose reason the quarantine shows.
package ingest

import (
	"bytes"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/jhillyerd/enmime/v2"
)

// MaxRawBytes is the largest message parsed; larger ones are quarantined with that reason.
const MaxRawBytes = 40 << 20

// Attachment is one file of a message.
type Attachment struct {
	Name        string
	ContentType string
	ContentID   string
	Inline      bool
	Data        []byte
}

// Parsed is a message ready for threading and storage.
type Parsed struct {
	MessageID   string
	InReplyTo   []string
	References  []string
	From        *mail.Address
	To          []*mail.Address
	ReplyTo     []*mail.Address
	Subject     string
	Date        time.Time
	Text        string
	HTML        string
	Attachments []Attachment
	// Problems are what the parser repaired or skipped; the message is still usable.
	Problems    []string
	header      func(string) string
	headers     func(string) []string
	contentType string
	partTypes   map[string]bool // every content type in the MIME tree, for classification
}

// Header returns a header's first value, decoded as the parser saw it.
func (p *Parsed) Header(name string) string { return p.header(name) }

// ParseError is a message that cannot be used; Reason is shown on the quarantine list.
type ParseError struct{ Reason string }

func (e *ParseError) Error() string { return "ingest: unusable message: " + e.Reason }

// Parse reads one raw RFC 5322 message.
func Parse(raw []byte) (p *Parsed, err error) {
	// A parser panic on hostile input must quarantine the message, not stop the mailbox.
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, &ParseError{Reason: fmt.Sprintf("parser failure: %v", r)}
		}
	}()
	if len(raw) == 0 {
		return nil, &ParseError{Reason: "empty message"}
	}
	if len(raw) > MaxRawBytes {
		return nil, &ParseError{Reason: fmt.Sprintf("message of %d bytes is over the %d byte limit", len(raw), MaxRawBytes)}
	}
	env, err := enmime.ReadEnvelope(bytes.NewReader(raw))
	if err != nil {
		return nil, &ParseError{Reason: err.Error()}
	}
	p = &Parsed{header: env.GetHeader, headers: env.GetHeaderValues, Text: env.Text, HTML: env.HTML}
	p.partTypes = map[string]bool{}
	if env.Root != nil {
		env.Root.BreadthMatchAll(func(part *enmime.Part) bool {
			p.partTypes[strings.ToLower(part.ContentType)] = true
			return false
		})
		p.contentType = strings.ToLower(env.Root.ContentType)
		if rt := env.Root.ContentTypeParams["report-type"]; rt != "" {
			p.contentType += "; report-type=" + strings.ToLower(rt)
		}
	}
	p.MessageID = firstID(env.GetHeader("Message-Id"))
	p.InReplyTo = ids(env.GetHeader("In-Reply-To"))
	p.References = ids(env.GetHeader("References"))
	p.Subject = strings.TrimSpace(env.GetHeader("Subject"))
	if from, err := env.AddressList("From"); err == nil && len(from) > 0 {
		p.From = from[0]
	} else if raw := strings.TrimSpace(env.GetHeader("From")); raw != "" {
		// An unparsable From keeps its text, so the customer is still recognisable.
		p.From = &mail.Address{Address: strings.Trim(raw, "<> ")}
		p.Problems = append(p.Problems, "From header is not a valid address")
	}
	p.To, _ = env.AddressList("To")
	p.ReplyTo, _ = env.AddressList("Reply-To")
	if d, err := env.Date(); err == nil {
		p.Date = d
	}
	for _, part := range env.Attachments {
		p.Attachments = append(p.Attachments, Attachment{Name: part.FileName, ContentType: part.ContentType, ContentID: strings.Trim(part.ContentID, "<>"), Data: part.Content})
	}
	for _, part := range env.Inlines {
		p.Attachments = append(p.Attachments, Attachment{Name: part.FileName, ContentType: part.ContentType, ContentID: strings.Trim(part.ContentID, "<>"), Inline: true, Data: part.Content})
	}
	severe := 0
	for _, e := range env.Errors {
		p.Problems = append(p.Problems, e.Error())
		if e.Severe {
			severe++
		}
	}
	if p.From == nil {
		return nil, &ParseError{Reason: "no sender: the From header is missing"}
	}
	if strings.TrimSpace(p.Text) == "" && strings.TrimSpace(p.HTML) == "" && len(p.Attachments) == 0 {
		if severe > 0 {
			return nil, &ParseError{Reason: "nothing readable survived parsing: " + strings.Join(p.Problems, "; ")}
		}
	}
	return p, nil
}

// ids extracts message ids ("<a@b>") from a header, in order.
func ids(h string) []string {
	var out []string
	for {
		i := strings.IndexByte(h, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(h[i:], '>')
		if j < 0 {
			break
		}
		if id := strings.TrimSpace(h[i+1 : i+j]); id != "" {
			out = append(out, id)
		}
		h = h[i+j+1:]
	}
	if len(out) == 0 {
		for _, f := range strings.Fields(h) {
			out = append(out, strings.Trim(f, "<>"))
		}
	}
	return out
}

func firstID(h string) string {
	if v := ids(h); len(v) > 0 {
		return v[0]
	}
	return ""
}
