package compliance

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/shopdesk/shopdesk/internal/language"
)

// Outgoing is the text a marketplace receives: the reply, its signature and the quoted history,
// with line breaks as one LF each (what a browser's textarea holds; a form post sends CRLF, and
// a marketplace sender sends this form).
func Outgoing(text, signature, quoted string) string {
	// The reply is trimmed before it is stored, so the composer counts what the send will.
	out := strings.TrimSpace(text)
	for _, p := range []string{signature, quoted} {
		if p != "" {
			out += "\n\n" + p
		}
	}
	return strings.ReplaceAll(out, "\r\n", "\n")
}

// Length counts s as a marketplace does. eBay's API counts UTF-16 units (a Java string's
// length): an emoji outside the Basic Multilingual Plane counts two.
func Length(s, unit string) int {
	if unit == UnitCodePoint {
		return utf8.RuneCountInString(s)
	}
	return utf16Len(s)
}

// Check runs the marketplace's rules on the message. A channel without rules (e-mail) yields
// nothing.
func Check(m Message) (Result, error) {
	c, err := rulesData()
	if err != nil {
		return Result{}, err
	}
	rs, ok := c.sets[m.Marketplace]
	if !ok {
		return Result{}, nil
	}
	var res Result
	type piece struct {
		part Part
		idx  int
		s    string
	}
	pieces := []piece{{PartText, 0, m.Text}, {PartSignature, 0, m.Signature}, {PartQuoted, 0, m.Quoted}}
	for i, a := range m.Attachments {
		pieces = append(pieces, piece{PartAttachment, i, a.Name})
	}
	for _, r := range rs.Rules {
		at := func(p piece, sp span, args ...any) {
			res.Findings = append(res.Findings, spanned(Finding{RuleID: r.ID, Level: r.Level, Kind: r.Kind, Source: r.Source, Part: p.part,
				Attachment: p.idx, Start: sp.start, End: sp.end, Reason: r.Reason, Args: args}, p.s))
		}
		whole := func(match string, args ...any) {
			res.Findings = append(res.Findings, Finding{RuleID: r.ID, Level: r.Level, Kind: r.Kind, Source: r.Source, Part: PartMessage,
				Match: match, Reason: r.Reason, Args: args})
		}
		switch r.Kind {
		case KindLink:
			for _, p := range pieces {
				for _, l := range links(p.s, emails(p.s)) {
					if !allowedHost(l.host, rs.Domains, c.carriers, m.Allowed) {
						at(p, l.span, l.host)
					}
				}
			}
		case KindEmail:
			for _, p := range pieces {
				for _, sp := range emails(p.s) {
					at(p, sp)
				}
			}
		case KindPhone:
			for _, p := range pieces {
				for _, sp := range phones(p.s) {
					at(p, sp)
				}
			}
		case KindWording:
			for _, p := range pieces {
				for _, sp := range c.phrases(p.s, r.List, rs.Languages) {
					at(p, sp)
				}
			}
		case KindRepeatRequest, KindOptOutRequest:
			for _, p := range pieces[:3] {
				if len(c.phrases(p.s, r.List, rs.Languages)) > 0 {
					res.Request = true
				}
			}
			if (r.Kind == KindRepeatRequest && m.PriorRequests == 0) || (r.Kind == KindOptOutRequest && !m.OptedOut) {
				continue
			}
			for _, p := range pieces {
				for _, sp := range c.phrases(p.s, r.List, rs.Languages) {
					at(p, sp, m.PriorRequests)
				}
			}
		case KindAttachments:
			checkAttachments(r, m.Attachments, whole, func(i int, args ...any) {
				p := pieces[3+i]
				at(p, span{0, len(p.s)}, args...)
			})
		case KindLength:
			n := Length(Outgoing(m.Text, m.Signature, m.Quoted), r.Unit)
			res.Length, res.MaxLength = n, r.Max
			if n > r.Max {
				whole("", n, r.Max)
			}
		case KindOrderID:
			if m.OrderNumber != "" && !strings.Contains(m.Subject+"\n"+Outgoing(m.Text, m.Signature, m.Quoted), m.OrderNumber) {
				whole(m.OrderNumber, m.OrderNumber)
			}
		case KindLanguage:
			if m.BuyerLanguage == "" {
				continue
			}
			if got := language.Detect(m.Text); got != "" && got != m.BuyerLanguage {
				whole(got, got, m.BuyerLanguage)
			}
		}
	}
	return res, nil
}

func checkAttachments(r Rule, atts []Attachment, whole func(string, ...any), file func(int, ...any)) {
	if r.MaxCount > 0 && len(atts) > r.MaxCount {
		whole(fmt.Sprint(len(atts)), len(atts), r.MaxCount)
	}
	var total int64
	for i, a := range atts {
		total += a.Size
		ext := strings.TrimPrefix(strings.ToLower(path.Ext(a.Name)), ".")
		if len(r.Types) > 0 && !slices.Contains(r.Types, ext) {
			file(i, a.Name, strings.Join(r.Types, ", "))
		} else if r.MaxFileBytes > 0 && a.Size > r.MaxFileBytes {
			file(i, a.Name, megabytes(r.MaxFileBytes))
		}
	}
	if r.MaxTotalBytes > 0 && total > r.MaxTotalBytes {
		whole("", megabytes(r.MaxTotalBytes))
	}
}

func megabytes(n int64) string { return fmt.Sprintf("%d MB", n>>20) }
