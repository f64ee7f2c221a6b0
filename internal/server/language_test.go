package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/i18n"
	"github.com/shopdesk/shopdesk/internal/seed"
)

// Words that stay as they are in every language: brands, marketplaces and technical names.
var brandWords = regexp.MustCompile(`\b(Shopdesk|Amazon|eBay|Walmart|Etsy|TikTok|Shopify|Coupang|Naver|eMAG|SKU|ASIN|IMAP|IDLE|INBOX|OAuth2?|XOAUTH2|SMTP|TLS|SSL|STARTTLS|SLA|CSV|URL|HTML|ID|UTC|OK|API|SP-API|HTTP|HTTPS|JSON|PDF|Gmail|Outlook|Microsoft|Google|Postfix|Royal Mail|DHL|UPS|USPS|FedEx|DPD|GLS|Evri|Hermes|CJ Logistics|Korea Post|Hanjin|FAN Courier|Sameday|Cargus|PostNL|Colissimo|Amazon Logistics)\b`)

// englishLeft is one catalog text in English, as a pattern over a page's text (each % verb may be
// any text), with the literal the text must hold before the pattern is worth trying.
type englishLeft struct {
	key, text, literal string
	re                 *regexp.Regexp
}

// technical are tokens that are no words of any language: addresses, time zone ids, settings
// names, currency codes, domain names.
var technical = regexp.MustCompile(`\S+@\S*|\b[A-Z][a-z]+/[A-Za-z_/]+|\b[A-Z0-9]+_[A-Z0-9_]+\b|\b[A-Z]{3}\b|\b[a-z0-9-]+\.(com|test|org|net)\b`)

// ownLiterals are the fixed parts of lang's catalog texts, longest first: a Korean text may hold
// Latin examples on purpose ("예: email, amazon"), and language names are written in their own
// language.
func ownLiterals(lang string) []string {
	var out []string
	for _, forms := range i18n.Texts(lang) {
		for _, f := range forms {
			for _, p := range verbRE.Split(strings.ReplaceAll(f, "%%", "%"), -1) {
				if p = strings.TrimSpace(p); len(p) > 1 {
					out = append(out, p)
				}
			}
		}
	}
	for _, name := range i18n.Names() {
		out = append(out, name)
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// notWords removes from text what may be Latin on a Korean page: the catalog's own texts,
// brands and technical tokens.
func notWords(own []string, text string) string {
	for _, l := range own {
		if strings.Contains(text, l) {
			text = strings.ReplaceAll(text, l, " ")
		}
	}
	text = brandWords.ReplaceAllString(text, " ")
	return technical.ReplaceAllString(text, " ")
}

// latinWords finds English-looking words: three letters or more, possibly several in a row.
var latinWords = regexp.MustCompile(`[A-Za-z]{3,}([ -][A-Za-z]+)*`)

var verbRE = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[vTtbcdoqxXUeEfFgGsp]`)

// englishTexts lists the English texts a page in lang must not show: those that differ from the
// language's own text for the key, are longer than 3 characters, are more than brand words, and
// are not also a text of lang itself (some words are the same in two languages).
func englishTexts(lang string) []englishLeft {
	en, own := i18n.Texts("en"), i18n.Texts(lang)
	ownSet := map[string]bool{}
	for _, forms := range own {
		for _, f := range forms {
			ownSet[f] = true
		}
	}
	var out []englishLeft
	for key, forms := range en {
		for _, f := range forms {
			if ownSet[f] || strings.Contains(strings.Join(own[key], "\x00"), f) {
				continue
			}
			literal := ""
			parts := verbRE.Split(strings.ReplaceAll(f, "%%", "%"), -1)
			var quoted []string
			for _, p := range parts {
				if len(strings.TrimSpace(p)) > len(literal) {
					literal = strings.TrimSpace(p)
				}
				quoted = append(quoted, regexp.QuoteMeta(p))
			}
			bare := strings.TrimSpace(brandWords.ReplaceAllString(literal, ""))
			if len([]rune(literal)) <= 3 || !regexp.MustCompile(`[A-Za-z]{2}`).MatchString(bare) {
				continue
			}
			out = append(out, englishLeft{key: key, text: f, literal: literal,
				re: regexp.MustCompile(`(^|[^A-Za-z])` + strings.Join(quoted, `.+?`) + `($|[^A-Za-z])`)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

// known is the workspace's own content: what people, customers and admins wrote or named.
type known []string

// userContent reads the demo workspace's own texts from the database (names, subjects, messages,
// orders, the names admins gave rules, calendars and policies): English there is the writer's
// choice, not a missing translation.
func userContent(t *testing.T, app *apptest.App) known {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), app.DB.OwnerURL)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	rows, err := conn.Query(t.Context(), `
		SELECT DISTINCT v FROM (
			SELECT name AS v FROM users UNION ALL SELECT name FROM tenants UNION ALL SELECT name FROM teams
			UNION ALL SELECT name FROM customers UNION ALL SELECT subject FROM tickets UNION ALL SELECT body_text FROM messages
			UNION ALL SELECT name FROM rules UNION ALL SELECT name FROM calendars UNION ALL SELECT name FROM sla_policies
			UNION ALL SELECT e.value FROM orders o, jsonb_each_text(to_jsonb(o) - 'status') e
			UNION ALL SELECT e.value FROM order_lines l, jsonb_each_text(to_jsonb(l)) e
			UNION ALL SELECT e.value FROM order_shipments h, jsonb_each_text(to_jsonb(h)) e
			UNION ALL SELECT marketplace FROM tickets UNION ALL SELECT store FROM tickets
			UNION ALL SELECT name FROM labels
			UNION ALL SELECT unnest(marketplaces) FROM team_members
			UNION ALL SELECT unnest(tags) FROM tickets UNION ALL SELECT unnest(tags) FROM customers UNION ALL SELECT category FROM tickets
			UNION ALL SELECT j #>> '{}' FROM rules r, jsonb_path_query(to_jsonb(r), 'strict $.**') j WHERE jsonb_typeof(j) = 'string'
			UNION ALL SELECT j #>> '{}' FROM sla_policies p, jsonb_path_query(to_jsonb(p) - 'hard_deadline' - 'name', 'strict $.**') j WHERE jsonb_typeof(j) = 'string'
		) s WHERE length(v) > 3`)
	require.NoError(t, err)
	all, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	// Values from a known set (channels, priorities, statuses) are not content: the page must
	// show their labels.
	en := i18n.Texts("en")
	var out []string
	for _, s := range all {
		enum := false
		for _, prefix := range []string{"channel.", "priority.", "status.", "order.status."} {
			if _, ok := en[prefix+s]; ok {
				enum = true
			}
		}
		if !enum {
			out = append(out, strings.Join(strings.Fields(s), " "))
		}
	}
	// Longest first, so a subject is removed before a name inside it.
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// strip removes the workspace's own content from a page text; a text that is part of one (a
// line of a message) is dropped whole.
func (k known) strip(text string) string {
	for _, s := range k {
		if strings.Contains(s, text) {
			return ""
		}
		text = strings.ReplaceAll(text, s, " ")
	}
	return strings.TrimSpace(text)
}

// translateNo marks elements whose text people or customers wrote (messages, names, subjects,
// rule and team names): English there is not a missing translation. Templates mark such text
// with translate="no", the HTML attribute for "leave this text as it is".
func translateNo(n *html.Node) bool {
	for _, a := range n.Attr {
		if a.Key == "translate" && a.Val == "no" {
			return true
		}
	}
	return false
}

// visibleTexts collects the text a reader sees or hears: text nodes outside script, style and
// user content, plus the attributes browsers show (placeholder, title, aria-label, alt, the
// value of buttons).
func visibleTexts(doc *html.Node) []string {
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "style", "template", "textarea", "kbd", "code":
				return
			}
			if translateNo(n) {
				return
			}
			isButton := false // a button's value is sent, not shown; an input button shows its value
			if n.Data == "input" {
				for _, a := range n.Attr {
					if a.Key == "type" && (a.Val == "submit" || a.Val == "button" || a.Val == "reset") {
						isButton = true
					}
				}
			}
			for _, a := range n.Attr {
				switch a.Key {
				case "placeholder", "title", "aria-label", "alt", "data-confirm":
					out = append(out, a.Val)
				case "value":
					if isButton {
						out = append(out, a.Val)
					}
				}
			}
		}
		if n.Type == html.TextNode {
			if s := strings.Join(strings.Fields(n.Data), " "); s != "" {
				out = append(out, s)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

var hrefRE = regexp.MustCompile(`href="(/w/demo/settings[^"?#]*)`)

// Every page a person opens in Korean or Romanian — sign-in, the inbox, a ticket, a customer,
// the account and notifications pages and every settings page — shows no text of the English
// catalog (user content and brand words excepted). Settings pages are found by following links,
// so a page added later is checked too.
func TestPagesShowNoEnglishInKoreanOrRomanian(t *testing.T) {
	t.Parallel()
	app := apptest.Start(t)
	_, err := seed.DemoWith(context.Background(), app.DB.Store, app.Jobs)
	require.NoError(t, err)

	user := userContent(t, app)

	c := app.Client(t)
	res := c.PostForm("/login", url.Values{"email": {"admin@demo.test"}, "password": {seed.DemoPassword}})
	require.Equal(t, http.StatusSeeOther, res.StatusCode, "sign in as the demo admin")
	get := func(client *apptest.Client, path, lang string) *apptest.Response {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, app.URL+path, nil)
		require.NoError(t, err)
		req.Header.Set("Accept-Language", lang)
		return client.Do(req)
	}

	pages := []string{"/w/demo/inbox", "/w/demo/inbox?view=closed", "/w/demo/t/2", "/account", "/w/demo/notifications"}
	if m := regexp.MustCompile(`href="(/w/demo/customers/[^"?#]+)"`).FindStringSubmatch(get(c, "/w/demo/t/2", "en").Body); m != nil {
		pages = append(pages, m[1])
	}
	seen := map[string]bool{}
	queue := []string{"/w/demo/settings"}
	for len(queue) > 0 && len(seen) < 80 {
		path := queue[0]
		queue = queue[1:]
		if seen[idPattern(path)] {
			continue
		}
		seen[idPattern(path)] = true
		r := get(c, path, "en")
		if loc := r.Header.Get("Location"); r.StatusCode/100 == 3 && strings.HasPrefix(loc, "/w/demo/settings") {
			queue = append(queue, loc)
			continue
		}
		if r.StatusCode != http.StatusOK {
			continue
		}
		pages = append(pages, path)
		for _, m := range hrefRE.FindAllStringSubmatch(r.Body, -1) {
			if !strings.HasSuffix(m[1], "/raw") && !seen[idPattern(m[1])] {
				queue = append(queue, m[1])
			}
		}
	}

	var problems []string
	for _, lang := range []string{"ko", "ro"} {
		english := englishTexts(lang)
		own := ownLiterals(lang)
		check := func(page string, r *apptest.Response) {
			require.Equal(t, http.StatusOK, r.StatusCode, "%s [%s]", page, lang)
			// Scripting off, so a <noscript> fallback is read as the elements it holds.
			doc, err := html.ParseWithOptions(strings.NewReader(r.Body), html.ParseOptionEnableScripting(false))
			require.NoError(t, err)
			found := map[string]bool{}
			for _, text := range visibleTexts(doc) {
				if text = user.strip(text); text == "" {
					continue
				}
				// Korean pages have no reason to hold Latin words besides brands and user content:
				// this catches English written into templates and Go views, not only catalog texts.
				if lang == "ko" {
					if w := latinWords.FindString(notWords(own, text)); w != "" && !found[text] {
						found[text] = true
						problems = append(problems, page+" ["+lang+"] shows the Latin words "+quote(w)+" in "+quote(text))
					}
				}
				// A brand name may hold a word of the catalog ("Mail" in "Royal Mail").
				bare := brandWords.ReplaceAllString(text, " ")
				for _, e := range english {
					if !strings.Contains(bare, e.literal) || !e.re.MatchString(bare) || found[e.key+text] {
						continue
					}
					found[e.key+text] = true
					problems = append(problems, page+" ["+lang+"] shows English "+e.key+" = "+quote(e.text)+" in "+quote(text))
				}
			}
		}
		check("/login", get(app.Client(t), "/login", lang))
		for _, p := range pages {
			check(p, get(c, p, lang))
		}
	}
	if len(problems) > 0 {
		t.Errorf("%d English texts on Korean or Romanian pages (mark user content translate=\"no\"):\n%s", len(problems), strings.Join(problems, "\n"))
	}
}

func quote(s string) string { return "\"" + s + "\"" }

var idSeg = regexp.MustCompile(`/([0-9]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(/|$)`)

// idPattern is a path with its ids replaced, so the walk opens one page of each kind.
func idPattern(p string) string {
	return idSeg.ReplaceAllString(idSeg.ReplaceAllString(p, "/{id}$2"), "/{id}$2")
}
