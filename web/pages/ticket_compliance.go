package pages

import (
	"context"
	"strconv"

	"github.com/shopdesk/shopdesk/internal/compliance"
	"github.com/shopdesk/shopdesk/internal/i18n"
)

// ComplianceView is what the composer shows of a marketplace's rules for the draft: the length
// counter (eBay) and the findings, each with its reason. Refused says a send was just refused.
type ComplianceView struct {
	Slug        string
	Number      int64
	Marketplace string
	Result      compliance.Result
	Refused     bool
}

// complianceView is the composer's compliance box for the ticket, or nil on a channel without
// marketplace rules (e-mail): nothing is shown there.
func (t TicketView) complianceView() *ComplianceView {
	if t.Compliance != nil {
		return t.Compliance
	}
	ch := t.Detail.Ticket.Channel
	rs, ok := compliance.RulesFor(ch)
	if !ok {
		return nil
	}
	v := &ComplianceView{Slug: t.Slug, Number: t.Detail.Ticket.Number, Marketplace: ch}
	for _, r := range rs.Rules {
		if r.Kind == compliance.KindLength {
			v.Result.MaxLength = r.Max
		}
	}
	return v
}

func (v ComplianceView) url() string {
	return "/w/" + v.Slug + "/t/" + strconv.FormatInt(v.Number, 10) + "/compliance"
}

func (v ComplianceView) counter(ctx context.Context) string {
	p := i18n.FromContext(ctx)
	return i18n.T(ctx, "compliance.counter", p.Number(int64(v.Result.Length)), p.Number(int64(v.Result.MaxLength)))
}

// findingReason is the finding's reason in the viewer's words, with where it sits when that is
// not the text being typed.
func findingReason(ctx context.Context, f compliance.Finding) string {
	p := i18n.FromContext(ctx)
	var text string
	switch f.Kind {
	case compliance.KindLength:
		text = i18n.T(ctx, f.Reason, p.Number(int64(argInt(f.Args, 0))), p.Number(int64(argInt(f.Args, 1))))
	case compliance.KindLanguage:
		text = i18n.T(ctx, f.Reason, languageName(ctx, argString(f.Args, 0)), languageName(ctx, argString(f.Args, 1)))
	case compliance.KindRepeatRequest:
		text = i18n.N(ctx, f.Reason, argInt(f.Args, 0))
	default:
		text = i18n.T(ctx, f.Reason, f.Args...)
	}
	switch f.Part {
	case compliance.PartSignature:
		text += " " + i18n.T(ctx, "compliance.in_signature")
	case compliance.PartQuoted:
		text += " " + i18n.T(ctx, "compliance.in_quoted")
	}
	return text
}

func argInt(args []any, i int) int {
	if i < len(args) {
		if n, ok := args[i].(int); ok {
			return n
		}
	}
	return 0
}

func argString(args []any, i int) string {
	if i < len(args) {
		if s, ok := args[i].(string); ok {
			return s
		}
	}
	return ""
}

func (v ComplianceView) blocked() []compliance.Finding { return v.level(compliance.Block) }
func (v ComplianceView) warned() []compliance.Finding  { return v.level(compliance.Warn) }

func (v ComplianceView) level(l compliance.Level) []compliance.Finding {
	var out []compliance.Finding
	for _, f := range v.Result.Findings {
		if f.Level == l {
			out = append(out, f)
		}
	}
	return out
}
