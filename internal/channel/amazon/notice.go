package amazon

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/shopdesk/shopdesk/internal/channel/relaymail"
)

// Amazon's notices have no documented layout. What is read here rests on their links (claim,
// return and feedback pages), the dashed markers of a copied reply, the refused reply's Message-ID
// in In-Reply-To, and short label lists per marketplace language for the lines a notice names.
var (
	reasonLabels  = words("reason", "grund", "motif", "raison", "motivo", "powód", "reden", "anledning", "neden", "理由", "原因")
	commentLabels = words("comment", "comments", "kommentar", "commentaire", "commentaires", "commento", "commenti", "comentario", "comentarios", "komentarz", "opmerking", "コメント")
	ratingLabels  = words("rating", "bewertung", "note", "évaluation", "valutazione", "valoración", "ocena", "beoordeling", "評価")
	buyerWords    = words("buyer", "käufer", "acheteur", "acquirente", "comprador", "kupujący", "koper", "köpare")
	optOutWords   = []string{"opted out", "opt-out", "opt out", "abgemeldet", "widersprochen", "désinscrit", "désabonné", "disiscritto", "darse de baja", "dado de baja", "zrezygnował", "オプトアウト", "配信停止"}

	urlRE     = regexp.MustCompile(`https?://[^\s"'<>]+`)
	ratingRE  = regexp.MustCompile(`\b([1-5])\b`)
	starRE    = regexp.MustCompile(`\b([1-5])[- ]?(?:star|stern|étoile|stell|estrella|gwiazd)`)
	buyerName = regexp.MustCompile(`\b(?i:` + strings.Join(keys(buyerWords), "|") + `):?\s+(\p{Lu}[\p{L}.'-]*)`)
)

func words(ws ...string) map[string]bool {
	m := map[string]bool{}
	for _, w := range ws {
		m[w] = true
	}
	return m
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, regexp.QuoteMeta(k))
	}
	return out
}

// labelled finds "Label: value" lines whose label's last word is in set.
func labelled(lines []string, set map[string]bool) (string, bool) {
	for _, l := range lines {
		label, value, ok := cutLabel(l)
		if !ok || value == "" {
			continue
		}
		f := strings.Fields(strings.ToLower(label))
		if len(f) > 0 && len(f) <= 3 && set[f[len(f)-1]] {
			return value, true
		}
	}
	return "", false
}

func cutLabel(l string) (label, value string, ok bool) {
	i := strings.IndexAny(l, ":：")
	if i <= 0 || strings.Contains(l[:i], "//") {
		return "", "", false
	}
	return strings.TrimSpace(l[:i]), strings.TrimSpace(strings.TrimLeft(l[i:], ":：")), true
}

// loneLabelParagraph is the first paragraph introduced by a line that is only a label ("Buyer
// comment:"), skipping links: a buyer's comment on a claim or return.
func loneLabelParagraph(lines []string) string {
	for i, l := range lines {
		if !(strings.HasSuffix(l, ":") || strings.HasSuffix(l, "：")) || strings.Contains(l, "//") {
			continue
		}
		if _, v, ok := cutLabel(l); !ok || v != "" {
			continue
		}
		var para []string
		for _, n := range lines[i+1:] {
			if n == "" {
				break
			}
			para = append(para, n)
		}
		if len(para) > 0 && !urlRE.MatchString(para[0]) {
			return strings.Join(para, "\n")
		}
	}
	return ""
}

func linkParam(text, path, param string) (string, bool) {
	for _, u := range urlRE.FindAllString(text, -1) {
		if !strings.Contains(u, path) {
			continue
		}
		pu, err := url.Parse(u)
		if err != nil {
			continue
		}
		return pu.Query().Get(param), true
	}
	return "", false
}

func parseNotice(m relaymail.Mail, msg *relaymail.Message) bool {
	text := body(m)
	lines := relaymail.Lines(text)
	msg.OrderID = firstOrder(m.Subject, text)
	if a := asinRE.FindStringSubmatch(text); a != nil {
		msg.ASIN = a[1]
		msg.Product = itemProduct(text)
	}
	if b := buyerName.FindStringSubmatch(text); b != nil {
		msg.BuyerName = strings.TrimRight(b[1], ".,")
	}
	lower := strings.ToLower(m.Subject + "\n" + text)
	switch {
	case markerPair(text):
		_, inside, _ := between(text)
		msg.Kind = relaymail.SellerCopy
		msg.SellerText = relaymail.Block(inside)
		msg.BuyerName = copiedTo(m.Subject, text)
		msg.CommMgrTok = tokOf(m)
	case hasLink(text, "guarantee-claims"):
		msg.Kind = relaymail.AtoZClaim
		msg.CaseID, _ = linkParam(text, "guarantee-claims", "claimId")
	case hasLink(text, "/returns"):
		msg.Kind = relaymail.ReturnRequest
		msg.CaseID, _ = linkParam(text, "/returns", "returnId")
	case hasLink(text, "feedback-manager"):
		msg.Kind = relaymail.Feedback
		if v, ok := labelled(lines, ratingLabels); ok {
			if r := ratingRE.FindString(v); r != "" {
				msg.Rating, _ = strconv.Atoi(r)
			}
		}
		if s := starRE.FindStringSubmatch(strings.ToLower(m.Subject)); msg.Rating == 0 && s != nil {
			msg.Rating, _ = strconv.Atoi(s[1])
		}
	case len(m.InReplyTo) > 0 || aliasRE.MatchString(text):
		msg.Kind = relaymail.DeliveryFailure
		for _, w := range optOutWords {
			if strings.Contains(lower, w) {
				msg.Kind = relaymail.OptOut
				break
			}
		}
		if len(m.InReplyTo) > 0 {
			msg.FailedReplyMessageID = strings.Trim(m.InReplyTo[0], "<>")
		}
		if a := aliasRE.FindStringSubmatch(text); a != nil {
			msg.BuyerAlias = strings.ToLower(a[1] + "@" + a[3])
			msg.BuyerName = nameBefore(lines, a[0])
		}
	default:
		return false
	}
	if msg.Kind != relaymail.SellerCopy {
		msg.CommMgrTok = ""
	}
	if msg.Kind != relaymail.Feedback {
		msg.Reason, _ = labelled(lines, reasonLabels)
	}
	switch msg.Kind {
	case relaymail.AtoZClaim, relaymail.ReturnRequest, relaymail.Feedback:
		msg.BuyerText = loneLabelParagraph(lines)
		if msg.BuyerText == "" {
			msg.BuyerText, _ = labelled(lines, commentLabels)
		}
	}
	return true
}

func tokOf(m relaymail.Mail) string {
	if t := tokRE.FindStringSubmatch(m.Text + "\n" + m.HTML); t != nil {
		return t[1]
	}
	return ""
}

func markerPair(text string) bool { _, _, ok := between(text); return ok }

func hasLink(text, path string) bool {
	for _, u := range urlRE.FindAllString(text, -1) {
		if strings.Contains(u, path) {
			return true
		}
	}
	return false
}

// nameBefore reads the buyer's name written before "(alias)" on the notice's line: after a label
// when there is one, else the last word.
func nameBefore(lines []string, alias string) string {
	for _, l := range lines {
		i := strings.Index(l, "("+alias)
		if i < 0 {
			continue
		}
		n := strings.TrimSpace(l[:i])
		if _, v, ok := cutLabel(n); ok {
			return v
		}
		if f := strings.Fields(n); len(f) > 0 {
			return f[len(f)-1]
		}
	}
	return ""
}

// copiedTo finds the buyer's name in a copy of a seller's reply. The copy's subject quotes the
// buyer's subject, which ends with the name before "(Order…)"; the body names the buyer too. The
// longest run of the subject's last words that the body repeats is the name, in any language.
func copiedTo(subject, text string) string {
	head := subject
	if i := strings.LastIndexAny(head, "(（"); i > 0 {
		head = head[:i]
	}
	f := strings.Fields(head)
	for k := len(f); k >= 1; k-- {
		cand := strings.TrimFunc(strings.Join(f[len(f)-k:], " "), func(r rune) bool { return unicode.IsPunct(r) })
		if cand != "" && strings.Contains(text, cand) {
			return cand
		}
	}
	return ""
}
