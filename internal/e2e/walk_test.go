package e2e

import (
	"context"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/apptest"
	"github.com/shopdesk/shopdesk/internal/seed"
)

// languages are the interface languages every page is checked in.
var languages = []string{"en", "ko", "ro"}

// A page of the walk: a name for failure messages and file names, and its path.
type walkPage struct {
	name, path string
}

// demoApp starts the app with the demo workspace seeded, the realistic data pages are checked on.
func demoApp(t *testing.T) *apptest.App {
	t.Helper()
	app := apptest.Start(t)
	_, err := seed.DemoWith(context.Background(), app.DB.Store, app.Jobs)
	require.NoError(t, err)
	return app
}

// speaks makes the person's browser ask for lang; the demo admin has no language of their own,
// so the app follows Accept-Language.
func speaks(lang string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
			return chromedp.Void{}, err
		}
		_, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": lang}})
		return chromedp.Void{}, err
	}
}

// adminIn signs the demo admin in with the browser asking for lang.
func adminIn(b *Browser, app *apptest.App, lang string) *Person {
	p := b.NewPersonFor("admin-"+lang, 15*time.Minute)
	p.Do(speaks(lang))
	signIn(p, app.URL, "admin@demo.test", seed.DemoPassword)
	return p
}

var idSegment = regexp.MustCompile(`^([0-9]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$`)

// pattern names a path with its ids replaced, so the walk opens one page of each kind.
func pattern(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if idSegment.MatchString(s) {
			segs[i] = "{id}"
		}
	}
	return strings.Join(segs, "/")
}

// appPages lists the pages to check for a signed-in admin of the demo workspace: the inbox, a
// ticket, a customer, the account and notifications pages, and every settings page reachable by
// links from Settings (one of each kind, so pages added later are checked without listing them).
func appPages(p *Person, base string) []walkPage {
	p.t.Helper()
	pages := []walkPage{
		{"inbox", "/w/demo/inbox"},
		{"ticket", "/w/demo/t/2"},
		{"account", "/account"},
		{"notifications", "/w/demo/notifications"},
	}
	p.Do(chromedp.Navigate(base + "/w/demo/t/2"))
	if href, err := chromedp.Run(p.Ctx, chromedp.Evaluate[string](`(document.querySelector("[data-testid=customer-link]") || {}).pathname || ""`)); err == nil && href != "" {
		pages = append(pages, walkPage{"customer", href})
	}
	seen := map[string]bool{}
	queue := []string{"/w/demo/settings"}
	var settings []walkPage
	for len(queue) > 0 && len(settings) < 60 {
		path := queue[0]
		queue = queue[1:]
		if seen[pattern(path)] {
			continue
		}
		seen[pattern(path)] = true
		p.Do(chromedp.Navigate(base + path))
		final, err := chromedp.Run(p.Ctx, chromedp.Evaluate[string](`location.pathname`))
		require.NoError(p.t, err)
		if final != path && seen[pattern(final)] {
			continue // a redirect, such as Settings to its first section
		}
		seen[pattern(final)] = true
		settings = append(settings, walkPage{"settings" + strings.ReplaceAll(strings.TrimPrefix(pattern(final), "/w/demo/settings"), "/", "-"), final})
		links, err := chromedp.Run(p.Ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("a[href]")].map(a => a.href)`))
		require.NoError(p.t, err)
		for _, l := range links {
			u, err := url.Parse(l)
			if err != nil || !strings.HasPrefix(u.Path, "/w/demo/settings") || strings.HasSuffix(u.Path, "/raw") || seen[pattern(u.Path)] {
				continue
			}
			queue = append(queue, u.Path)
		}
	}
	sort.Slice(settings, func(i, j int) bool { return settings[i].name < settings[j].name })
	return append(pages, settings...)
}
