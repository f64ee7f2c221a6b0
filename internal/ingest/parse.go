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

	"github.com/shopdesk/shopdesk/internal/text"
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
			p, err = nil, &ParseError{Reason: text.Clean(fmt.Sprintf("parser failure: %v", r))}
		}
	}()
	if len(raw) == 0 {
		return nil, &ParseError{Reason: "empty message"}
	}
	if len(raw) > MaxRawBytes {
		return nil, &ParseError{Reason: fmt.Sprintf("message of %d bytes is over the %d byte limit", len(raw), MaxRawBytes)}
	}
	root, err := parser.ReadParts(bytes.NewReader(normalizeHeader(raw)))
	if err != nil {
		return nil, &ParseError{Reason: text.Clean(err.Error())}
	}
	hd := headerText{h: root.Header, charset: bodyCharset(root)}
	decodeTextParts(root)
	env, err := parser.EnvelopeFromPart(root)
	if err != nil {
		return nil, &ParseError{Reason: text.Clean(err.Error())}
	}
	p = &Parsed{header: hd.get, headers: hd.values, Text: text.Clean(env.Text), HTML: text.Clean(env.HTML)}
	p.partTypes = map[string]bool{}
	root.BreadthMatchAll(func(part *enmime.Part) bool {
		p.partTypes[strings.ToLower(part.ContentType)] = true
		return false
	})
	p.contentType = strings.ToLower(root.ContentType)
	if _, params, _, err := parseMediaType(root.Header.Get("Content-Type")); err == nil && params["report-type"] != "" {
		p.contentType += "; report-type=" + strings.ToLower(params["report-type"])
	}
	p.MessageID = text.Clean(firstID(hd.get("Message-Id")))
	p.InReplyTo = ids(hd.get("In-Reply-To"))
	p.References = ids(hd.get("References"))
	p.Subject = strings.TrimSpace(hd.get("Subject"))
	p.From = sender(hd, &p.Problems)
	p.To, _ = addresses(hd, "To")
	p.ReplyTo, _ = addresses(hd, "Reply-To")
	if d, err := mail.ParseDate(hd.get("Date")); err == nil {
		p.Date = d
	}
	for _, part := range env.Attachments {
		p.Attachments = append(p.Attachments, attachment(part, false))
	}
	for _, part := range env.Inlines {
		p.Attachments = append(p.Attachments, attachment(part, true))
	}
	severe := 0
	for _, e := range env.Errors {
		p.Problems = append(p.Problems, text.Clean(e.Error()))
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

// ids extracts message ids ("<a@b>") from a decoded header, in order.
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
