package validate

import (
	"strings"
	"unicode/utf8"
)

// Message keys of the request-wide text rule.
const (
	KeyNUL          = "input.nul"
	KeyEncoding     = "input.encoding"
	KeyTooLong      = "input.too_long"
	KeyUnknownID    = "input.unknown_choice"
	KeyFormTooLarge = "input.too_large"
	KeyUnreadable   = "input.unreadable"
)

// Text reports what keeps s from being stored as text: a NUL character, bytes that are not UTF-8,
// or more than maxBytes bytes. It answers "" for acceptable text. Nothing is cleaned: a value that
// is refused goes back to the person with the message.
func Text(s string, maxBytes int) string {
	switch {
	case len(s) > maxBytes:
		return KeyTooLong
	case strings.IndexByte(s, 0) >= 0:
		return KeyNUL
	case !utf8.ValidString(s):
		return KeyEncoding
	}
	return ""
}

// Form checks every value of a submitted form with Text, with each field's byte limit from
// limit; the problems are keyed by field name. Field names themselves are held to the same rule
// (a name that fails is reported under "form").
func Form(values map[string][]string, limit func(field string) int) Errors {
	errs := Errors{}
	for name, vs := range values {
		if key := Text(name, 200); key != "" {
			errs.Add("form", key)
			continue
		}
		max := limit(name)
		for _, v := range vs {
			if key := Text(v, max); key != "" {
				errs.Add(name, key)
			}
		}
	}
	return errs
}
