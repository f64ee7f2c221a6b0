package compliance

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

type span struct{ start, end int }

// Written-out separators people use to slip an address past a filter: "name (at) gmail dot com".
const (
	atWord  = `(?:\s*[@＠]\s*|\s*[\(\[\{<]\s*(?:at|@)\s*[\)\]\}>]\s*|\s+at\s+)`
	dotWord = `(?:\s*\.\s*|\s*[\(\[\{<]\s*(?:dot|\.)\s*[\)\]\}>]\s*|\s+dot\s+|\s+punkt\s+|\s+point\s+|\s+punto\s+)`
)

var (
	emailRe = regexp.MustCompile(`(?i)[\p{L}\p{N}._%+\-]+` + atWord + `[\p{L}\p{N}\-]+(?:` + dotWord + `[\p{L}\p{N}\-]+)*` + dotWord + `\p{L}{2,24}\b`)

	phoneCandidate = regexp.MustCompile(`(?:\+|\b00)?\(?\d[\d \t.\-/()\x{00A0}]*\d`)
	usPhone        = regexp.MustCompile(`^(?:1[ .\-])?\(?\d{3}\)?[ .\-]?\d{3}[ .\-]\d{4}$`)
	esPhone        = regexp.MustCompile(`^[6-9]\d{2}[ .]\d{3}[ .]\d{3}$|^[6-9]\d{2}[ .]\d{2}[ .]\d{2}[ .]\d{2}$`)
	// Words that announce a phone number, in the marketplaces' languages.
	phoneCue = regexp.MustCompile(`(?i)(?:\b(?:tel|tél|phone|telephone|téléphone|telefon|telefono|teléfono|telefone|telefoonnummer|mobile?|cell|call|ring|whatsapp|handy|fax|hotline|numéro|numero|número|nummer|anrufen|appelez|llámenos|chiamaci|sunați|sunati|suna)\b|電話|携帯|연락처|전화|휴대폰)[^\d+]{0,12}$`)
	// A plain "at" between words is everyday language; it only spells an address when a dotted
	// domain follows and the part before has no spaces (checked by the pattern), or either part
	// is written out in brackets.
	plainAt = regexp.MustCompile(`(?i)\s+at\s+`)
)

// emails finds e-mail addresses, written plainly or spelled out.
func emails(s string) []span {
	var out []span
	for _, loc := range emailRe.FindAllStringIndex(s, -1) {
		m := s[loc[0]:loc[1]]
		if plainAt.MatchString(m) && !strings.ContainsAny(m, "([{<") && !strings.Contains(strings.ToLower(m), " dot ") {
			// "meet at home.com"? Too rare to refuse; "name at gmail.com" still counts.
			if !mailDomain(m) {
				continue
			}
		}
		out = append(out, span{loc[0], loc[1]})
	}
	return out
}

var mailProviders = []string{"gmail", "googlemail", "yahoo", "hotmail", "outlook", "live", "icloud", "gmx", "web", "aol", "naver", "daum", "hanmail", "kakao", "docomo", "ezweb", "softbank", "orange", "free", "libero", "proton", "protonmail", "yandex", "mail"}

func mailDomain(m string) bool {
	l := strings.ToLower(m)
	for _, p := range mailProviders {
		if strings.Contains(l, " at "+p) {
			return true
		}
	}
	return false
}

// phones finds phone numbers in s after the identifiers a reply legitimately carries are masked.
func phones(s string) []span {
	masked := mask(s)
	var out []span
	for _, loc := range phoneCandidate.FindAllStringIndex(masked, -1) {
		start, end := loc[0], loc[1]
		// Trim what the pattern swallowed around the number: brackets and separators.
		for end > start && strings.ContainsRune(")(-./ \t", rune(masked[end-1])) && masked[end-1] != ')' {
			end--
		}
		if start > 0 {
			r, _ := utf8.DecodeLastRuneInString(masked[:start])
			if latinWord(r) || unicode.IsDigit(r) {
				continue
			}
		}
		if end < len(masked) {
			r, _ := utf8.DecodeRuneInString(masked[end:])
			if latinWord(r) {
				continue
			}
		}
		if isPhone(strings.TrimSpace(masked[start:end]), phoneCue.MatchString(masked[:start])) {
			out = append(out, span{start, end})
		}
	}
	return out
}

func isPhone(c string, cued bool) bool {
	digits, seps := 0, 0
	for _, r := range c {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r != '+':
			seps++
		}
	}
	international := strings.HasPrefix(c, "+") || strings.HasPrefix(c, "00")
	switch {
	case digits < 7 || digits > 15:
		return false
	case international:
		return digits >= 8
	case cued:
		return true
	case seps == 0:
		// One unbroken run of digits is a tracking, item or reference number unless announced.
		return false
	case strings.HasPrefix(c, "0") || strings.HasPrefix(c, "(0"):
		// A national number with its trunk prefix: 030 1234567, 010-1234-5678, 0721 234 567.
		return digits >= 9 && digits <= 11
	}
	return usPhone.MatchString(c) || esPhone.MatchString(c)
}

// latinWord says r joins a Latin word: a number glued to one ("SN12345678") is a code. Korean and
// Japanese attach particles straight after a number ("010-1234-5678로"), so their letters do not.
func latinWord(r rune) bool { return unicode.Is(unicode.Latin, r) || r == '_' }
