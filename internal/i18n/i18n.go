// Package i18n translates the interface: embedded JSON catalogs for every shipped language,
// CLDR plural categories, and dates and numbers in the reader's language and time zone. A Printer
// travels in the request context, so templates call T(ctx, "key").
package i18n

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Languages are the shipped interface languages; English first, as the fallback.
var Languages = []string{"en", "ko", "ro"}

// Names gives each language its own name, as people look for it in a language menu.
func Names() map[string]string {
	return map[string]string{"en": "English", "ko": "한국어", "ro": "Română"}
}

//go:embed catalog/*.json
var catalogFS embed.FS

// message is a plain string or a set of plural forms keyed by CLDR category.
type message struct {
	text   string
	plural map[string]string
}

func (m *message) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &m.text)
	}
	return json.Unmarshal(b, &m.plural)
}

var catalogs = mustLoad()

func mustLoad() map[string]map[string]message {
	out := map[string]map[string]message{}
	for _, lang := range Languages {
		c, err := loadCatalog(lang)
		if err != nil {
			panic(err)
		}
		out[lang] = c
	}
	return out
}

func loadCatalog(lang string) (map[string]message, error) {
	b, err := catalogFS.ReadFile("catalog/" + lang + ".json")
	if err != nil {
		return nil, fmt.Errorf("i18n: catalog %s: %w", lang, err)
	}
	c := map[string]message{}
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("i18n: catalog %s: %w", lang, err)
	}
	return c, nil
}

// Printer renders messages, dates and numbers for one language and time zone.
type Printer struct {
	lang string
	loc  *time.Location
}

// NewPrinter makes a printer; an unknown language falls back to English, a nil location to UTC.
func NewPrinter(lang string, loc *time.Location) *Printer {
	if _, ok := catalogs[lang]; !ok {
		lang = "en"
	}
	if loc == nil {
		loc = time.UTC
	}
	return &Printer{lang: lang, loc: loc}
}

// Lang is the printer's language code.
func (p *Printer) Lang() string { return p.lang }

// Location is the printer's time zone.
func (p *Printer) Location() *time.Location { return p.loc }

func (p *Printer) lookup(key string) (message, bool) {
	if m, ok := catalogs[p.lang][key]; ok {
		return m, true
	}
	m, ok := catalogs["en"][key]
	return m, ok
}

// T translates key and, with args, formats them into it. A missing key renders as the key
// itself, which the catalog tests turn into a failure long before a person sees it.
func (p *Printer) T(key string, args ...any) string {
	m, ok := p.lookup(key)
	if !ok {
		return key
	}
	text := m.text
	if m.plural != nil {
		text = m.plural["other"]
	}
	if len(args) == 0 {
		return text
	}
	return fmt.Sprintf(text, args...)
}

// N translates a plural message for count n; n is the first formatting argument.
func (p *Printer) N(key string, n int, args ...any) string {
	m, ok := p.lookup(key)
	if !ok {
		return key
	}
	text := m.text
	if m.plural != nil {
		text = m.plural[PluralCategory(p.lang, n)]
		if text == "" {
			text = m.plural["other"]
		}
	}
	return fmt.Sprintf(text, append([]any{n}, args...)...)
}

// PluralCategory is the CLDR cardinal category of the integer n in lang.
func PluralCategory(lang string, n int) string {
	if n < 0 {
		n = -n
	}
	switch lang {
	case "ko":
		return "other"
	case "ro":
		// CLDR: one for 1; few for 0 and for n%100 in 1..19 (other than 1 itself); other otherwise.
		if n == 1 {
			return "one"
		}
		if n == 0 || (n%100 >= 1 && n%100 <= 19) {
			return "few"
		}
		return "other"
	default:
		if n == 1 {
			return "one"
		}
		return "other"
	}
}

// PluralCategories lists the categories a language's plural messages must have.
func PluralCategories(lang string) []string {
	switch lang {
	case "ko":
		return []string{"other"}
	case "ro":
		return []string{"one", "few", "other"}
	default:
		return []string{"one", "other"}
	}
}

var (
	roMonths = []string{"ian.", "feb.", "mar.", "apr.", "mai", "iun.", "iul.", "aug.", "sept.", "oct.", "nov.", "dec."}
)

// Date formats a day in the printer's time zone, in the language's customary style.
func (p *Printer) Date(t time.Time) string {
	t = t.In(p.loc)
	switch p.lang {
	case "ko":
		return fmt.Sprintf("%d년 %d월 %d일", t.Year(), int(t.Month()), t.Day())
	case "ro":
		return fmt.Sprintf("%d %s %d", t.Day(), roMonths[t.Month()-1], t.Year())
	default:
		return t.Format("Jan 2, 2006")
	}
}

// DateTime formats a moment in the printer's time zone.
func (p *Printer) DateTime(t time.Time) string {
	t = t.In(p.loc)
	switch p.lang {
	case "ko":
		ampm, h := "오전", t.Hour()
		if h >= 12 {
			ampm = "오후"
		}
		if h = h % 12; h == 0 {
			h = 12
		}
		return fmt.Sprintf("%s %s %d:%02d", p.Date(t), ampm, h, t.Minute())
	case "ro":
		return fmt.Sprintf("%s, %02d:%02d", p.Date(t), t.Hour(), t.Minute())
	default:
		return p.Date(t) + ", " + t.Format("3:04 PM")
	}
}

// Number formats an integer with the language's digit grouping.
func (p *Printer) Number(n int64) string {
	sep := ","
	if p.lang == "ro" {
		sep = "."
	}
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

type ctxKey struct{}

// WithPrinter puts p into ctx.
func WithPrinter(ctx context.Context, p *Printer) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

var fallback = NewPrinter("en", time.UTC)

// FromContext returns the request's printer, or English in UTC when none was set.
func FromContext(ctx context.Context) *Printer {
	if p, ok := ctx.Value(ctxKey{}).(*Printer); ok && p != nil {
		return p
	}
	return fallback
}

// T translates with the context's printer.
func T(ctx context.Context, key string, args ...any) string { return FromContext(ctx).T(key, args...) }

// N translates a plural message with the context's printer.
func N(ctx context.Context, key string, n int, args ...any) string {
	return FromContext(ctx).N(key, n, args...)
}

var matcher = language.NewMatcher([]language.Tag{language.English, language.Korean, language.Romanian})

// Match picks the interface language: the person's setting, else the browser's Accept-Language
// (q-values honoured), else the workspace default, else English.
func Match(userSetting, acceptLanguage, workspaceDefault string) string {
	if _, ok := catalogs[userSetting]; ok {
		return userSetting
	}
	if tags, _, err := language.ParseAcceptLanguage(acceptLanguage); err == nil && len(tags) > 0 {
		if _, idx, conf := matcher.Match(tags...); conf != language.No {
			return Languages[idx]
		}
	}
	if _, ok := catalogs[workspaceDefault]; ok {
		return workspaceDefault
	}
	return "en"
}

// Texts lists every message of lang by key, each with all its forms (one for a plain message, one
// per plural category otherwise); the language tests compare rendered pages against them.
func Texts(lang string) map[string][]string {
	out := map[string][]string{}
	for key, m := range catalogs[lang] {
		if m.plural == nil {
			out[key] = []string{m.text}
			continue
		}
		for _, cat := range PluralCategories(lang) {
			if s := m.plural[cat]; s != "" {
				out[key] = append(out[key], s)
			}
		}
	}
	return out
}

// Decimal formats x with the given number of fraction digits, the language's digit grouping and
// decimal mark (Romanian "1.234,5", English and Korean "1,234.5").
func (p *Printer) Decimal(x float64, digits int) string {
	s := strconv.FormatFloat(x, 'f', digits, 64)
	whole, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(whole, "-")
	n, _ := strconv.ParseInt(strings.TrimPrefix(whole, "-"), 10, 64)
	out := p.Number(n)
	if neg && (n != 0 || strings.Trim(frac, "0") != "") {
		out = "-" + out
	}
	if frac == "" {
		return out
	}
	if p.lang == "ro" {
		return out + "," + frac
	}
	return out + "." + frac
}

// Percent formats a fraction (0.031) as a percentage with the given fraction digits, as CLDR
// writes it: "3.1%" in English and Korean, "3,1 %" (no-break space) in Romanian.
func (p *Printer) Percent(fraction float64, digits int) string {
	s := p.Decimal(fraction*100, digits)
	if p.lang == "ro" {
		return s + "\u00a0%"
	}
	return s + "%"
}

// Duration writes a span the short way lists and chips use, rounded to the minute: "2h 8m",
// "2시간 8분", "2 h 8 min"; two days and more as days and hours.
func (p *Printer) Duration(d time.Duration) string {
	d = d.Round(time.Minute)
	if d < 0 {
		d = -d
	}
	h := int(d / time.Hour)
	m := int((d % time.Hour) / time.Minute)
	switch {
	case h >= 48 && h%24 == 0:
		return p.T("duration.d", h/24)
	case h >= 48:
		return p.T("duration.d_h", h/24, h%24)
	case h > 0 && m == 0:
		return p.T("duration.h", h)
	case h > 0:
		return p.T("duration.h_m", h, m)
	default:
		return p.T("duration.m", m)
	}
}

// Country is a country's name in the printer's language, from its ISO 3166 code ("KR" is
// "South Korea", "대한민국", "Coreea de Sud"); an unknown code is returned as given.
func (p *Printer) Country(code string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if name := display.Regions(language.Make(p.lang)).Name(r); name != "" {
		return name
	}
	return code
}

// LanguageName is a language's name in the printer's language, from its BCP 47 tag ("de" is
// "German", "독일어", "germană"); an unknown tag is returned as given.
func (p *Printer) LanguageName(tag string) string {
	t, err := language.Parse(tag)
	if err != nil {
		return tag
	}
	if name := display.Languages(language.Make(p.lang)).Name(t); name != "" {
		return name
	}
	return tag
}

// Sort orders names as the printer's language orders them (Korean by Hangul, Romanian with its
// diacritics in place).
func (p *Printer) Sort(names []string) {
	collate.New(language.Make(p.lang)).SortStrings(names)
}
