package ui

import (
	"github.com/shopdesk/shopdesk/internal/channel/email"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/web/pages"
)

// checkView says what the account's last test or sync found, in the viewer's language and time
// zone; nil when neither ever ran.
func checkView(p *i18n.Printer, a email.Account) *pages.CheckView {
	c, ok := email.LastCheck(a)
	if !ok {
		return nil
	}
	res := func(r email.ConnResult) pages.ConnResultView {
		return pages.ConnResultView{Configured: r.Configured, OK: r.OK, Detail: r.Detail}
	}
	v := &pages.CheckView{OK: c.OK(), Test: c.Kind == email.CheckTest, IMAP: res(c.IMAP), SMTP: res(c.SMTP)}
	at := p.DateTime(c.At)
	switch {
	case c.Kind == email.CheckSync && v.OK:
		v.Headline = p.N("mail.check.sync_ok", c.New, at)
	case c.Kind == email.CheckSync:
		v.Headline = p.T("mail.check.sync_failed", at)
	case v.OK:
		v.Headline = p.T("mail.check.test_ok", at, servers(p, c.IMAP.Configured, c.SMTP.Configured))
	case !c.IMAP.Configured && !c.SMTP.Configured:
		v.Headline = p.T("mail.check.test_none", at)
	default:
		v.Headline = p.T("mail.check.test_failed", at, servers(p, c.IMAP.Configured && !c.IMAP.OK, c.SMTP.Configured && !c.SMTP.OK))
	}
	return v
}

// servers names IMAP, SMTP or both.
func servers(p *i18n.Printer, imap, smtp bool) string {
	switch {
	case imap && smtp:
		return p.T("mail.check.imap_and_smtp")
	case smtp:
		return "SMTP"
	}
	return "IMAP"
}
