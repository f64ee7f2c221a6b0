package conversation

import (
	"regexp"
	"strings"
	"sync"
	"unicode"

	"github.com/shopdesk/shopdesk/internal/search"
)

// Subject is what a list row shows of a ticket's subject.
type Subject struct {
	// Text is the part worth reading. It is empty when the subject only says who wrote from which
	// marketplace ("Inquiry from Amazon customer Jane (Order: …)"): the row then shows the
	// buyer's own words, the snippet, in its place.
	Text string
	// Order is the order number the subject names, if any.
	Order string
}

// replyPrefix is one "Re:"/"Fwd:" a mail client put in front, in our languages and the common
// others marketplace buyers write in.
var replyPrefix = regexp.MustCompile(`(?i)^\s*(?:re|fw|fwd|aw|wg|tr|rv|sv|vs|r|rif|răs|ras|răspuns|raspuns|redirecționare|redirectionare|회신|답장|전달)\s*(?:\[\d+\])?\s*[:：]\s*`)

// orderLabel finds "Order: 123-…", "Order #123…", "PO 123…", "주문번호: 123…", "Comanda nr. 123…",
// optionally in parentheses, with a number that holds a digit.
var orderLabel = regexp.MustCompile(`(?i)(?:^|[\s(\[（])\s*(?:purchase\s+order|order|po|bestellung|commande|pedido|ordine|comanda|comandă|comenzii|comenzi|주문\s*번호|주문)\s*(?:id|no\.?|nr\.?|number|număr|numar|#)?\s*[:：#]?\s*#?\s*([A-Za-z0-9]*[0-9][A-Za-z0-9-]{3,})\s*[)\]]?`)

// amazonOrder is Amazon's order number shape, found anywhere in a subject.
var amazonOrder = regexp.MustCompile(`\b\d{3}-\d{7}-\d{7}\b`)

// ebayAbout is eBay's "Other: buyer sent a message about <item title> #<item id>".
var ebayAbout = regexp.MustCompile(`(?i)^(?:[\pL ]+:\s*)?\S+ (?:has )?sent (?:you )?an? (?:message|question) about (.+)$`)

// marketplaceWords and askerWords say a subject is a marketplace's wrapper around a buyer's
// message: it names the marketplace and who wrote, nothing of what they asked. Folded (search.Fold)
// so "cumpărătorul" and "cumparatorul" both count.
var (
	marketplaceWords = []string{"amazon", "ebay", "walmart", "etsy", "emag", "allegro", "aliexpress", "아마존", "이베이", "월마트", "쿠팡", "coupang"}
	askerWords       = []string{"customer", "buyer", "member", "client", "cumparator", "kunde", "고객", "회원", "구매자"}
	askWords         = []string{"inquiry", "enquiry", "message", "question", "contact", "anfrage", "intrebare", "mesaj", "solicitare", "문의", "메시지", "질문", "sent you", "has sent", "sent a"}
)

// subjects remembers UsefulSubject's answers: every list row asks, the same tickets are listed
// again and again, and the rule's regular expressions were a third of a row's rendering. Bounded:
// emptied when full.
var subjects = struct {
	sync.RWMutex
	m map[string]Subject
}{m: map[string]Subject{}}

const subjectsCap = 20_000

// UsefulSubject picks what is worth reading from a subject: reply prefixes go, an order number is
// taken out into Order, and a marketplace's "Inquiry from Amazon customer X" wrapper is dropped in
// favour of whatever follows it. A simple rule until the marketplaces' parsers name these parts
// themselves.
func UsefulSubject(subject string) Subject {
	subjects.RLock()
	out, ok := subjects.m[subject]
	subjects.RUnlock()
	if ok {
		return out
	}
	out = usefulSubject(subject)
	subjects.Lock()
	if len(subjects.m) >= subjectsCap {
		clear(subjects.m)
	}
	subjects.m[subject] = out
	subjects.Unlock()
	return out
}

func usefulSubject(subject string) Subject {
	s := strings.TrimSpace(subject)
	for {
		loc := replyPrefix.FindStringIndex(s)
		if loc == nil || loc[1] == 0 {
			break
		}
		s = s[loc[1]:]
	}
	var out Subject
	// stripped is the subject without its order phrase. In a sentence ("Where is order 1234?")
	// the phrase stays; in brackets or a marketplace's wrapper it is only a label.
	stripped, bracketed := s, false
	if m := orderLabel.FindStringSubmatchIndex(s); m != nil {
		out.Order = s[m[2]:m[3]]
		bracketed = strings.ContainsAny(s[m[0]:m[2]], "([（")
		stripped = s[:m[0]] + " " + s[m[1]:]
	} else if m := amazonOrder.FindStringIndex(s); m != nil {
		out.Order = s[m[0]:m[1]]
		stripped = s[:m[0]] + " " + s[m[1]:]
	}
	stripped = tidy(stripped)
	switch head, tail, split := splitTopic(stripped); {
	case ebayAbout.MatchString(stripped):
		out.Text = tidy(ebayAbout.FindStringSubmatch(stripped)[1])
	case split && wrapper(head):
		out.Text = tidy(tail)
	case wrapper(stripped):
		out.Text = ""
	case bracketed:
		out.Text = stripped
	default:
		out.Text = tidy(s)
	}
	return out
}

// splitTopic splits "Message from eBay member x: Item not received" at its first separator.
func splitTopic(s string) (head, tail string, ok bool) {
	best := -1
	var sep string
	for _, cand := range []string{": ", "：", " - ", " – ", " — ", " | "} {
		if i := strings.Index(s, cand); i > 0 && (best < 0 || i < best) {
			best, sep = i, cand
		}
	}
	if best < 0 {
		return s, "", false
	}
	return s[:best], s[best+len(sep):], true
}

func wrapper(s string) bool {
	f := search.Fold(s)
	has := func(words []string) bool {
		for _, w := range words {
			if strings.Contains(f, w) {
				return true
			}
		}
		return false
	}
	return has(marketplaceWords) && has(askerWords) && has(askWords)
}

// tidy collapses spaces and drops separators and brackets left dangling at the edges.
func tidy(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(":：-–—|()[],;#", r)
	})
}
