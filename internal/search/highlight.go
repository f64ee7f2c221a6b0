package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Span is a piece of a text, matched by a query or not. Pages print Match spans in <mark>; the
// text itself is never HTML.
type Span struct {
	Text  string
	Match bool
}

// Highlight splits text into spans and marks the words a typed query matches, by the rules the
// index matches them with: folded ("aplicatie" marks "Aplicația"), word starts for prefixes, and
// Korean pairs anywhere inside a word ("주문" marks the start of "주문이").
func Highlight(text, typed string) []Span {
	terms := queryTerms(typed)
	if text == "" {
		return nil
	}
	marked := make([]bool, len(text))
	mark := func(from, to int) {
		for i := from; i < to; i++ {
			marked[i] = true
		}
	}
	for _, tok := range tokens(text) {
		word := text[tok[0]:tok[1]]
		for _, t := range terms {
			if t.cjk {
				for at := 0; ; {
					i := strings.Index(word[at:], t.text)
					if i < 0 {
						break
					}
					mark(tok[0]+at+i, tok[0]+at+i+len(t.text))
					at += i + len(t.text)
				}
				continue
			}
			for _, u := range units(word) {
				f := Fold(word[u[0]:u[1]])
				if f == t.text || t.prefix && strings.HasPrefix(f, t.text) {
					mark(tok[0]+u[0], tok[0]+u[1])
				}
			}
		}
	}
	var out []Span
	start := 0
	for i := 1; i <= len(text); i++ {
		if i == len(text) || marked[i] != marked[start] {
			out = append(out, Span{Text: text[start:i], Match: marked[start]})
			start = i
		}
	}
	return out
}

// Matched reports whether any span is a match.
func Matched(spans []Span) bool {
	for _, s := range spans {
		if s.Match {
			return true
		}
	}
	return false
}

// Excerpt is Highlight of about width characters of text on one line, starting a little before
// the first match so it shows in context; "…" marks what was cut.
func Excerpt(text, typed string, width int) []Span {
	text = strings.Join(strings.Fields(text), " ")
	spans := Highlight(text, typed)
	first := 0
	for _, s := range spans {
		if s.Match {
			break
		}
		first += len(s.Text)
	}
	if first == len(text) {
		first = 0
	}
	// Start a few words before the match, at a word boundary.
	from := 0
	if runes := utf8.RuneCountInString(text[:first]); runes > width/3 {
		from = first
		for n := 0; from > 0 && n < width/3; n++ {
			_, size := utf8.DecodeLastRuneInString(text[:from])
			from -= size
		}
		if sp := strings.IndexByte(text[from:first], ' '); sp >= 0 {
			from += sp + 1
		}
	}
	to := len(text)
	for n, i := 0, from; i < len(text); n++ {
		if n == width {
			to = i
			break
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	var out []Span
	if from > 0 {
		out = append(out, Span{Text: "…"})
	}
	at := 0
	for _, s := range spans {
		a, b := max(at, from), min(at+len(s.Text), to)
		if a < b {
			out = append(out, Span{Text: text[a:b], Match: s.Match})
		}
		at += len(s.Text)
	}
	if to < len(text) {
		out = append(out, Span{Text: "…"})
	}
	return out
}

// tokens are the byte ranges of text's words, split as Terms splits them (letters, digits and
// joiners, without joiners at the edges). Folding keeps letters letters, so the original text's
// ranges are the folded words'.
func tokens(text string) [][2]int {
	var out [][2]int
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := text[start:end]
		lead := len(w) - len(strings.TrimLeftFunc(w, joiner))
		trail := len(w) - len(strings.TrimRightFunc(w, joiner))
		if start+lead < end-trail {
			out = append(out, [2]int{start + lead, end - trail})
		}
		start = -1
	}
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || joiner(r) {
			if start < 0 {
				start = i
			}
		} else {
			flush(i)
		}
	}
	flush(len(text))
	return out
}

// units are the parts of a word a term can match, as byte ranges within it: the whole word, its
// parts between joiners ("ana@example.com"), and the non-CJK runs of a mixed word ("주문번호123").
func units(word string) [][2]int {
	out := [][2]int{{0, len(word)}}
	start := 0
	for i, r := range word + "-" {
		if i < len(word) && !joiner(r) {
			continue
		}
		if i > start && (start > 0 || i < len(word)) {
			out = append(out, [2]int{start, i})
		}
		part := word[start:i]
		runStart := -1
		for j, pr := range part + "가" {
			if j < len(part) && !cjk(pr) {
				if runStart < 0 {
					runStart = j
				}
				continue
			}
			if runStart >= 0 && (runStart > 0 || j < len(part)) {
				out = append(out, [2]int{start + runStart, start + j})
			}
			runStart = -1
		}
		start = i + 1
	}
	return out
}
