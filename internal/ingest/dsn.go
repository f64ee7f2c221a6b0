package ingest

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/jhillyerd/enmime/v2"

	"github.com/shopdesk/shopdesk/internal/text"
)

// Report is what a delivery status notification (RFC 3464) says about the mail it returns.
type Report struct {
	// MessageIDs are the returned message's Message-ID (from its returned headers), else the
	// envelope id or an Original-Message-ID field, without angle brackets.
	MessageIDs []string
	// Reason is the failure in plain words with the server's own answer.
	Reason string
}

var (
	messageIDLine  = regexp.MustCompile(`(?im)^(?:message-id|original-message-id|x-original-message-id)[ \t]*:[ \t]*\r?\n?[ \t]*<?([^<>\s]+@[^<>\s]+)>?`)
	envelopeIDLine = regexp.MustCompile(`(?im)^original-envelope-id[ \t]*:[ \t]*<?([^<>\s]+)>?`)
	dsnField       = regexp.MustCompile(`(?im)^(diagnostic-code|status|action)[ \t]*:[ \t]*((?:.*)(?:\r?\n[ \t]+.*)*)`)
	dsnStatus      = regexp.MustCompile(`\b([245])\.(\d{1,3})\.(\d{1,3})\b`)
)

// returnedTypes hold the returned message or its headers (RFC 3464, RFC 6533).
var returnedTypes = map[string]bool{"message/rfc822": true, "text/rfc822-headers": true, "message/rfc822-headers": true,
	"message/global": true, "message/global-headers": true}

// DeliveryReport reads a bounce for the message it returns and why. It looks at the MIME parts of
// a multipart/report first; a bounce in plain text (older servers quote the headers in the body)
// is searched for a Message-ID line. Only the returned message's own Message-ID counts, never its
// References, so a bounce of one reply does not fail the earlier ones it names.
func DeliveryReport(raw []byte) Report {
	var r Report
	var status, diag, action string
	var returned [][]byte
	if env, err := enmime.ReadEnvelope(bytes.NewReader(raw)); err == nil && env.Root != nil {
		env.Root.BreadthMatchAll(func(p *enmime.Part) bool {
			ct := strings.ToLower(p.ContentType)
			switch {
			case ct == "message/delivery-status" || ct == "message/global-delivery-status":
				if m := envelopeIDLine.FindSubmatch(p.Content); m != nil {
					r.MessageIDs = append(r.MessageIDs, string(m[1]))
				}
				for _, m := range dsnField.FindAllSubmatch(p.Content, -1) {
					v := unfold(string(m[2]))
					switch strings.ToLower(string(m[1])) {
					case "diagnostic-code":
						if diag == "" {
							diag = v
						}
					case "status":
						if status == "" {
							status = v
						}
					case "action":
						if action == "" {
							action = strings.ToLower(v)
						}
					}
				}
			case returnedTypes[ct]:
				returned = append(returned, p.Content)
			}
			return false
		})
	}
	for _, part := range returned {
		if m := messageIDLine.FindSubmatch(headerBlock(part)); m != nil {
			r.MessageIDs = append([]string{string(m[1])}, r.MessageIDs...)
		}
	}
	if len(r.MessageIDs) == 0 {
		for _, m := range messageIDLine.FindAllSubmatch(raw, -1) {
			r.MessageIDs = append(r.MessageIDs, string(m[1]))
		}
	}
	if action == "delayed" || action == "delivered" || action == "relayed" || action == "expanded" {
		// Not a failure: the mail is still on its way, or arrived.
		r.MessageIDs = nil
		return r
	}
	// The report's own text is the remote server's bytes, never decoded: cleaned before it is
	// stored or looked up.
	r.Reason = text.Clean(plainReason(status, diag))
	for i, id := range r.MessageIDs {
		r.MessageIDs[i] = text.Clean(id)
	}
	return r
}

// headerBlock is the header section of a returned message (everything up to the blank line).
func headerBlock(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	if i := bytes.Index(b, []byte("\n\n")); i >= 0 {
		return b[:i+1]
	}
	return b
}

func unfold(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// plainReason says a DSN's status in words, with the server's diagnostic after it.
func plainReason(status, diag string) string {
	diag = strings.TrimSpace(diag)
	if i := strings.Index(diag, ";"); i > 0 && i < 12 && !strings.Contains(diag[:i], " ") {
		diag = strings.TrimSpace(diag[i+1:]) // "smtp; 550 …", "x-unix; …"
	}
	code := ""
	if m := dsnStatus.FindStringSubmatch(status + " " + diag); m != nil {
		code = m[1] + "." + m[2] + "." + m[3]
	}
	var words string
	switch {
	case code == "":
		words = "the customer's mail server could not deliver it"
	case strings.HasPrefix(code, "5.1."):
		words = "the customer's address does not exist or cannot receive mail"
	case code == "5.2.2" || code == "4.2.2":
		words = "the customer's mailbox is full"
	case strings.HasPrefix(code, "5.7.") || strings.HasPrefix(code, "5.2.1"):
		words = "the customer's mail server refused it (policy or spam filter)"
	case strings.HasPrefix(code, "5.4."), strings.HasPrefix(code, "4.4."):
		words = "the customer's mail server could not be reached"
	case strings.HasPrefix(code, "4."):
		words = "the customer's mail server kept deferring it and gave up"
	default:
		words = "the customer's mail server could not deliver it"
	}
	switch {
	case diag != "":
		return words + " (" + diag + ")"
	case code != "":
		return words + " (status " + code + ")"
	}
	return words
}
