// Package search turns text into index terms and queries that work for English, Korean and
// Romanian alike: lower case, diacritics folded (so "aplicatie" finds "aplicație"), and Korean,
// Chinese and Japanese runs indexed as overlapping character pairs (so "주문" finds "주문이", a word
// with its particle attached). Terms go into tsvector columns with array_to_tsvector, and queries
// are built as tsquery text here, so PostgreSQL's parser never re-splits them.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
)

// fold maps the diacritics of our languages to plain letters: Romanian ă â î ș ț (comma and cedilla
// forms) and the common Latin accents of marketplace buyers' names.
var fold = strings.NewReplacer(
	"ă", "a", "â", "a", "î", "i", "ș", "s", "ş", "s", "ț", "t", "ţ", "t",
	"á", "a", "à", "a", "ä", "a", "ã", "a", "å", "a", "é", "e", "è", "e", "ë", "e", "ê", "e",
	"í", "i", "ì", "i", "ï", "i", "ó", "o", "ò", "o", "ö", "o", "ô", "o", "õ", "o", "ő", "o",
	"ú", "u", "ù", "u", "ü", "u", "û", "u", "ű", "u", "ñ", "n", "ç", "c", "č", "c", "ć", "c",
	"đ", "d", "š", "s", "ž", "z", "ł", "l", "ý", "y", "ß", "ss",
)

// Fold lower-cases s and removes the diacritics we know.
func Fold(s string) string { return fold.Replace(strings.ToLower(s)) }

func cjk(r rune) bool {
	return unicode.Is(unicode.Hangul, r) || unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r)
}

// joiner characters keep order numbers, emails and SKUs whole ("123-4567890-1234567",
// "ana@example.com"); the parts are indexed too.
func joiner(r rune) bool { return r == '-' || r == '@' || r == '.' || r == '_' || r == '+' }

// maxTermBytes keeps a pathological token (a base64 blob in a mail body) out of the index.
const maxTermBytes = 64

// Terms returns the distinct index terms of text, in first-seen order.
func Terms(text string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(t string) {
		if t == "" || len(t) > maxTermBytes || seen[t] {
			return
		}
		seen[t] = true
		out = append(out, t)
	}
	for _, word := range words(Fold(text)) {
		emitWord(word, add)
	}
	return out
}

// words splits on anything that is not a letter, digit or joiner; joiners at the edges go.
func words(s string) []string {
	f := strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || joiner(r))
	})
	out := f[:0]
	for _, w := range f {
		if w = strings.TrimFunc(w, joiner); w != "" {
			out = append(out, w)
		}
	}
	return out
}

func emitWord(word string, add func(string)) {
	hasJoiner := strings.IndexFunc(word, joiner) >= 0
	if hasJoiner {
		add(word)
		for _, part := range strings.FieldsFunc(word, joiner) {
			emitWord(part, add)
		}
		return
	}
	// Split a mixed word into CJK and other runs ("주문번호123" → "주문번호", "123").
	var run []rune
	var inCJK bool
	flush := func() {
		if len(run) == 0 {
			return
		}
		if inCJK {
			if len(run) == 1 {
				add(string(run))
			}
			for i := 0; i+1 < len(run); i++ {
				add(string(run[i : i+2]))
			}
		} else {
			add(string(run))
		}
		run = run[:0]
	}
	for _, r := range word {
		if c := cjk(r); c != inCJK {
			flush()
			inCJK = c
		}
		run = append(run, r)
	}
	flush()
}

// Query builds a tsquery from what someone typed: every term must match, and the last term is a
// prefix when it is not CJK, so results appear while a word is still being typed. ok is false when
// nothing searchable was typed.
func Query(typed string) (tsquery string, ok bool) { return QueryIn("", typed) }

// Scope is a workspace's prefix on its stored terms (see search_vector, migration 000008): the
// first 12 hex digits of its id and a dot.
func Scope(tenantID uuid.UUID) string {
	return strings.ReplaceAll(tenantID.String(), "-", "")[:12] + "."
}

// QueryIn is Query for terms stored with a workspace's scope.
func QueryIn(scope, typed string) (tsquery string, ok bool) {
	var parts []string
	for _, t := range queryTerms(typed) {
		q := quoteLexeme(scope + t.text)
		if t.prefix {
			q += ":*"
		}
		parts = append(parts, q)
	}
	if len(parts) == 0 {
		return "", false
	}
	return strings.Join(parts, " & "), true
}

// queryTerm is one term of a query: matched exactly, or as the start of a word.
type queryTerm struct {
	text   string
	prefix bool
	cjk    bool
}

// queryTerms are the terms a typed query asks for, every one of them required; Highlight marks
// the words they match the same way.
func queryTerms(typed string) []queryTerm {
	var out []queryTerm
	ws := words(Fold(typed))
	for i, word := range ws {
		last := i == len(ws)-1
		var terms []string
		emitWord(word, func(t string) {
			if len(t) <= maxTermBytes {
				terms = append(terms, t)
			}
		})
		if strings.IndexFunc(word, joiner) >= 0 && len(terms) > 1 {
			// "123-4567" matches as a whole; its parts are only for documents.
			terms = terms[:1]
		}
		for j, t := range terms {
			r, _ := utf8.DecodeRuneInString(t)
			lastTerm := last && j == len(terms)-1
			switch n := utf8.RuneCountInString(t); {
			case cjk(r):
				// CJK pairs match exactly.
				out = append(out, queryTerm{text: t, cjk: true})
			case strings.IndexFunc(t, unicode.IsDigit) >= 0 && n > 4:
				// Numbers (order numbers, SKUs) match exactly, or as typed so far.
				out = append(out, queryTerm{text: t, prefix: lastTerm})
			case n >= 5:
				// A poor man's stemmer: the word without its last letter, as a prefix, finds the
				// other inflections ("aplicatie" finds "aplicatia", "refund" finds "refunded").
				out = append(out, queryTerm{text: string([]rune(t)[:n-1]), prefix: true})
			default:
				out = append(out, queryTerm{text: t, prefix: lastTerm})
			}
		}
	}
	return out
}

// quoteLexeme writes a tsquery lexeme literally.
func quoteLexeme(t string) string {
	return "'" + strings.ReplaceAll(strings.ReplaceAll(t, `\`, `\\`), "'", "''") + "'"
}
