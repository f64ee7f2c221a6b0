package email

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/mail"
	"strings"
	"time"

	"github.com/shopdesk/shopdesk/internal/conversation"
	"github.com/shopdesk/shopdesk/internal/mailsink"
)

// ViaDevSink marks a reply the development mail sink took instead of a mail server: the ticket
// page says so, so "Sent" never reads as reaching a customer when it did not.
const ViaDevSink = "dev_mail_sink"

// SinkSender delivers the replies of a development workspace without a mailbox into the
// development mail sink (Sender.Fallback), readable at /dev/mail. It is never used in
// production: the sink does not exist there.
type SinkSender struct {
	Sink *mailsink.Sink
}

// Send writes the reply as a plain-text mail into the sink.
func (s *SinkSender) Send(ctx context.Context, out conversation.Outgoing) (conversation.Sent, error) {
	id := MessageID(out.TenantID, out.Ticket.Number, out.MessageID, "dev-mail-sink.shopdesk.invalid")
	sent := conversation.Sent{ChannelMessageID: id, Via: ViaDevSink}
	if len(out.To) == 0 {
		return sent, &conversation.PermanentError{Reason: "the customer has no email address to reply to"}
	}
	from := mail.Address{Name: out.AuthorName, Address: "support@dev-mail-sink.shopdesk.invalid"}
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", from.String())
	fmt.Fprintf(&b, "To: %s\r\n", strings.Join(out.To, ", "))
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", "Re: "+out.Ticket.Subject))
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s>\r\n", id)
	if len(out.Thread) > 0 {
		fmt.Fprintf(&b, "In-Reply-To: <%s>\r\n", out.Thread[0])
	}
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(out.Body, "\n", "\r\n"))
	for _, a := range out.Attachments {
		fmt.Fprintf(&b, "\r\n[attachment: %s, %d bytes]", a.Name, len(a.Data))
	}
	b.WriteString("\r\n")
	if err := s.Sink.Deliver(ctx, from.Address, out.To, b.Bytes()); err != nil {
		return sent, fmt.Errorf("email: deliver to the development mail sink: %w", err)
	}
	return sent, nil
}
