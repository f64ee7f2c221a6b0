// Package validate carries field-level problems from domain code to forms: each problem is an
// i18n message key, so the domain stays free of HTTP and of any one language.
package validate

import (
	"net/mail"
	"sort"
	"strings"
)

// Errors maps a form field to the message key that explains what is wrong with it.
type Errors map[string]string

// Add records the first problem of a field; later ones for the same field are dropped so the
// person sees one clear message per field.
func (e Errors) Add(field, key string) {
	if _, ok := e[field]; !ok {
		e[field] = key
	}
}

// Err returns e as an error, or nil when it holds nothing.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

func (e Errors) Error() string {
	fields := make([]string, 0, len(e))
	for f, k := range e {
		fields = append(fields, f+": "+k)
	}
	sort.Strings(fields)
	return "validation: " + strings.Join(fields, "; ")
}

// Email normalises an address to lower case and reports whether it is a plain address (no
// display name, no angle brackets).
func Email(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || len(s) > 254 {
		return s, false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndex(s, "@")+1:], ".") && !strings.HasSuffix(s, ".test") {
		return s, false
	}
	return s, true
}
