package ingest

import (
	"net/mail"

	"github.com/shopdesk/shopdesk/internal/channel/relaymail"
)

// RelayMail hands the decoded mail to the marketplace relay parsers.
func (p *Parsed) RelayMail() relaymail.Mail {
	m := relaymail.Mail{MessageID: p.MessageID, InReplyTo: p.InReplyTo, References: p.References,
		Subject: p.Subject, Text: p.Text, HTML: p.HTML, Header: p.header}
	if p.From != nil {
		m.From = mail.Address{Name: p.From.Name, Address: p.From.Address}
	}
	for _, a := range p.Attachments {
		m.Attachments = append(m.Attachments, a.Name)
	}
	return m
}
