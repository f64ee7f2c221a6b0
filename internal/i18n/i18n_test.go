package i18n

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var verb = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[vTtbcdoqxXUeEfFgGsp%]`)

func verbs(s string) int { return len(verb.FindAllString(strings.ReplaceAll(s, "%%", ""), -1)) }

func TestCatalogsAreComplete(t *testing.T) {
	t.Parallel()
	en := catalogs["en"]
	for _, lang := range Languages {
		c := catalogs[lang]
		for key, m := range en {
			got, ok := c[key]
			require.True(t, ok, "%s: missing %q", lang, key)
			require.Equal(t, m.plural != nil, got.plural != nil, "%s: %q is plural in one catalog only", lang, key)
			want := verbs(m.text)
			if m.plural != nil {
				want = verbs(m.plural["other"])
				require.Len(t, got.plural, len(PluralCategories(lang)), "%s: %q", lang, key)
				for _, cat := range PluralCategories(lang) {
					require.NotEmpty(t, got.plural[cat], "%s: %q lacks plural form %q", lang, key, cat)
					require.Equal(t, want, verbs(got.plural[cat]), "%s: %q/%s has a different number of %% verbs", lang, key, cat)
				}
				continue
			}
			require.NotEmpty(t, got.text, "%s: %q is empty", lang, key)
			require.Equal(t, want, verbs(got.text), "%s: %q has a different number of %% verbs", lang, key)
		}
		for key := range c {
			_, ok := en[key]
			require.True(t, ok, "%s: %q is not in en.json", lang, key)
		}
	}
}

// TestSourceKeysExist scans the code for literal keys, so a page that uses a key missing from the
// catalogs fails here instead of showing the key to someone.
func TestSourceKeysExist(t *testing.T) {
	t.Parallel()
	root := moduleRoot(t)
	call := regexp.MustCompile(`(?:\bi18n\.(?:T|N)\(ctx,\s*|\bp\.(?:T|N)\(|\.flash\(r,\s*"[a-z]+",\s*)"([a-z0-9_]+\.[a-z0-9_.]+)"`)
	extra := regexp.MustCompile(`"((?:common|nav|roles|auth|login|signup|invite|people|workspace|account|jobs|settings|inbox|reports|kb|reply|ticket|merge|split|bulk|notifications|presence|customer|quarantine)\.[a-z0-9_]+)"`)
	var missing []string
	seen := 0
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == ".git" || name == ".local" || name == "node_modules" || path == filepath.Join(root, "internal", "i18n") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, "_templ.go") || strings.HasSuffix(path, "_test.go") ||
			!(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".templ")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		src := string(b)
		for _, re := range []*regexp.Regexp{call, extra} {
			for _, m := range re.FindAllStringSubmatchIndex(src, -1) {
				// Audit action names and job kinds look like keys but are not shown as text.
				before := src[max(0, m[0]-40):m[0]]
				key := src[m[2]:m[3]]
				if strings.Contains(strings.ToLower(before), "audit(") || strings.Contains(before, "Kind() string") || strings.Contains(before, "Notify(") ||
					strings.HasSuffix(key, "_") || strings.HasSuffix(key, ".") {
					continue // a prefix completed at run time, or a name that is not shown as text
				}
				seen++
				if _, ok := catalogs["en"][key]; !ok {
					missing = append(missing, key+" ("+strings.TrimPrefix(path, root+"/")+")")
				}
			}
		}
		return nil
	})
	require.NoError(t, err)
	require.Greater(t, seen, 50, "the scan found the keys in use")
	sort.Strings(missing)
	require.Empty(t, missing, "keys used in code but missing from the catalogs")
}

func moduleRoot(t *testing.T) string {
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, parent, dir, "go.mod not found")
		dir = parent
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ setting, accept, ws, want string }{
		{"ko", "ro-RO,ro;q=0.9", "en", "ko"},
		{"", "ro-RO,ro;q=0.9,en;q=0.5", "en", "ro"},
		{"", "ko-KR", "ro", "ko"},
		{"", "de-DE,de;q=0.9,ko;q=0.4", "en", "ko"},
		{"", "en;q=0.1,ro;q=0.8", "ko", "ro"},
		{"", "de-DE", "ro", "ro"},
		{"", "", "ko", "ko"},
		{"", "", "", "en"},
		{"xx", "garbage;;q=", "", "en"},
	} {
		require.Equal(t, tc.want, Match(tc.setting, tc.accept, tc.ws), "%+v", tc)
	}
}

func TestPlural(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{1: "one", 0: "few", 2: "few", 19: "few", 101: "few", 119: "few", 20: "other", 100: "other", 120: "other"} {
		require.Equal(t, want, PluralCategory("ro", n), "ro %d", n)
	}
	require.Equal(t, "one", PluralCategory("en", 1))
	require.Equal(t, "other", PluralCategory("en", 0))
	require.Equal(t, "other", PluralCategory("ko", 1))
	p := NewPrinter("ro", nil)
	require.Contains(t, p.N("login.throttled_account", 1), "1 minut ")
	require.Contains(t, p.N("login.throttled_account", 5), "5 minute ")
	require.Contains(t, p.N("login.throttled_account", 20), "20 de minute")
	require.Contains(t, NewPrinter("en", nil).N("login.throttled_account", 1), "1 minute,")
}

func TestFormats(t *testing.T) {
	t.Parallel()
	seoul, err := time.LoadLocation("Asia/Seoul")
	require.NoError(t, err)
	buc, err := time.LoadLocation("Europe/Bucharest")
	require.NoError(t, err)
	at := time.Date(2026, 11, 22, 6, 4, 0, 0, time.UTC) // 15:04 in Seoul, 08:04 in Bucharest
	require.Equal(t, "Nov 22, 2026, 3:04 PM", NewPrinter("en", seoul).DateTime(at))
	require.Equal(t, "2026년 11월 22일 오후 3:04", NewPrinter("ko", seoul).DateTime(at))
	require.Equal(t, "22 nov. 2026, 08:04", NewPrinter("ro", buc).DateTime(at))
	require.Equal(t, "22 nov. 2026", NewPrinter("ro", buc).Date(at))
	late := time.Date(2026, 12, 31, 22, 30, 0, 0, time.UTC) // already next year in both zones
	require.Equal(t, "2027년 1월 1일", NewPrinter("ko", seoul).Date(late))
	require.Equal(t, "1 ian. 2027", NewPrinter("ro", buc).Date(late))
	require.Equal(t, "1,234,567", NewPrinter("en", nil).Number(1234567))
	require.Equal(t, "1,234,567", NewPrinter("ko", nil).Number(1234567))
	require.Equal(t, "1.234.567", NewPrinter("ro", nil).Number(1234567))
	require.Equal(t, "-1.000", NewPrinter("ro", nil).Number(-1000))
	require.Equal(t, "999", NewPrinter("en", nil).Number(999))
	require.Equal(t, "3.1%", NewPrinter("en", nil).Percent(0.031, 1))
	require.Equal(t, "3.1%", NewPrinter("ko", nil).Percent(0.031, 1))
	require.Equal(t, "3,1\u00a0%", NewPrinter("ro", nil).Percent(0.031, 1))
	require.Equal(t, "0\u00a0%", NewPrinter("ro", nil).Percent(0, 0))
	require.Equal(t, "1.234,5", NewPrinter("ro", nil).Decimal(1234.5, 1))
	require.Equal(t, "1,234.50", NewPrinter("en", nil).Decimal(1234.5, 2))
	require.Equal(t, "-0.5", NewPrinter("en", nil).Decimal(-0.5, 1))
	require.Equal(t, "0.0", NewPrinter("en", nil).Decimal(-0.01, 1))
}

func TestFallbacks(t *testing.T) {
	t.Parallel()
	p := NewPrinter("fr", nil)
	require.Equal(t, "en", p.Lang())
	require.Equal(t, "no.such_key", p.T("no.such_key"))
	require.Equal(t, "받은 편지함", NewPrinter("ko", nil).T("nav.inbox"))
	require.Equal(t, "en", FromContext(t.Context()).Lang())
}

func TestCountriesAndOrder(t *testing.T) {
	t.Parallel()
	require.Equal(t, "South Korea", NewPrinter("en", nil).Country("KR"))
	require.Equal(t, "대한민국", NewPrinter("ko", nil).Country("KR"))
	require.Equal(t, "Coreea de Sud", NewPrinter("ro", nil).Country("KR"))
	names := []string{"Suedia", "Austria", "Țările de Jos", "Elveția"}
	NewPrinter("ro", nil).Sort(names)
	require.Equal(t, []string{"Austria", "Elveția", "Suedia", "Țările de Jos"}, names)
}

// Romanian plural wording: "1 tichet", "3 tichete", "20 de tichete" (the "de" of CLDR's
// 'other' for numbers whose last two digits are not 1-19).
func TestRomanianPluralWording(t *testing.T) {
	t.Parallel()
	p := NewPrinter("ro", nil)
	for n, want := range map[int]string{1: "1 zi", 3: "3 zile", 19: "19 zile", 20: "20 de zile", 101: "101 zile", 120: "120 de zile"} {
		require.Equal(t, want, p.N("time.days", n), "%d", n)
	}
	// Abbreviated units take no "de": "20 min", "20 h".
	require.Equal(t, "20 min", p.N("time.minutes", 20))
	require.Equal(t, "20 h", p.N("time.hours", 20))
	require.Equal(t, "20일", NewPrinter("ko", nil).N("time.days", 20))
	require.Equal(t, "3,1\u00a0%", p.Percent(0.031, 1))
}
