// Package e2e drives the real app in real Chromium (Debian's chromium package, through chromedp).
package e2e

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser is the test binary's one Chromium process, seen from one test; each NewPerson gets its
// own browser context (own cookies), as two people on two machines would.
type Browser struct {
	root context.Context
	t    *testing.T
}

// shared is the one Chromium every browser test uses: starting Chromium per test cost seconds of a
// 2-core machine each time, and parallel Chromiums starved each other into timeouts. It starts on
// the first NewBrowser and stops in TestMain (closeBrowser) after every test has run.
var shared struct {
	once   sync.Once
	root   context.Context
	cancel func()
	dir    string
	err    error
}

// NewBrowser returns the shared Chromium, starting it on first use, or skips the test when
// Chromium is missing outside CI. Browser tests run serially (no t.Parallel) so they never fight
// over the one browser's CPU.
func NewBrowser(t *testing.T) *Browser {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests are skipped with -short")
	}
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("chromium is not installed (make deps installs it): %v", err)
		}
		t.Skip("chromium is not installed; `make deps` installs it (CI=true turns this skip into a failure)")
	}
	shared.once.Do(func() { shared.err = startBrowser(path) })
	if shared.err != nil {
		t.Fatalf("start chromium: %v", shared.err)
	}
	return &Browser{root: shared.root, t: t}
}

func startBrowser(path string) error {
	dir, err := os.MkdirTemp("", "shopdesk-chromium-")
	if err != nil {
		return err
	}
	shared.dir = dir
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 800),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	// The first context starts the browser; each person then gets a browser context of its own.
	root, cancelRoot := chromedp.NewContext(alloc)
	shared.root = root
	shared.cancel = func() { cancelRoot(); cancelAlloc() }
	return chromedp.Do(root)
}

// closeBrowser stops the shared Chromium, if a test started it; TestMain calls it after m.Run.
func closeBrowser() {
	if shared.cancel != nil {
		shared.cancel()
	}
	if shared.dir != "" {
		_ = os.RemoveAll(shared.dir)
	}
}

// Person is one browser context (its own cookies) with one tab.
type Person struct {
	Ctx  context.Context
	name string
	t    *testing.T
}

// NewPerson opens a fresh browser context. accept-language sets the browser's language.
func (b *Browser) NewPerson(name string) *Person { return b.NewPersonFor(name, 3*time.Minute) }

// NewPersonFor opens a fresh browser context that lives at most d, for walks over many pages.
func (b *Browser) NewPersonFor(name string, d time.Duration) *Person {
	ctx, cancel := chromedp.NewContext(b.root, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	ctx, cancelT := context.WithTimeout(ctx, d)
	b.t.Cleanup(cancelT)
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("start browser for %s: %v", name, err)
	}
	return &Person{Ctx: ctx, name: name, t: b.t}
}

// Do runs steps and fails the test with a screenshot saved for a person to look at.
func (p *Person) Do(steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.Ctx, steps...); err != nil {
		p.t.Fatalf("%s: %v (screenshot: %s)", p.name, err, p.Screenshot("failure"))
	}
}

// Text returns the text of the first element matching a CSS selector.
func (p *Person) Text(sel string) string {
	p.t.Helper()
	s, err := chromedp.Run(p.Ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		p.t.Fatalf("%s: text of %s: %v (screenshot: %s)", p.name, sel, err, p.Screenshot("failure"))
	}
	return s
}

// Screenshot saves a PNG of the page under SHOPDESK_SCREENSHOTS (default: the test's temp dir)
// and returns its path.
func (p *Person) Screenshot(label string) string {
	dir := os.Getenv("SHOPDESK_SCREENSHOTS")
	if dir == "" {
		dir = p.t.TempDir()
	}
	_ = os.MkdirAll(dir, 0o755)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(p.Ctx), 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		return "(no screenshot: " + err.Error() + ")"
	}
	path := filepath.Join(dir, p.t.Name()+"-"+p.name+"-"+label+".png")
	_ = os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		return "(no screenshot: " + err.Error() + ")"
	}
	return path
}

// Until waits for a JavaScript condition to become true — the page's own updates, such as a live
// reply arriving, or the page a form submission leads to. It checks every 100 ms and rides over
// navigations (a check during one just fails and is retried), failing after 30 s with a screenshot.
func (p *Person) Until(expr string) {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(p.Ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("(() => { try { return !!("+expr+"); } catch (e) { return false; } })()"))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	p.t.Fatalf("%s: waiting for %s: timed out (last error: %v; screenshot: %s)", p.name, expr, last, p.Screenshot("failure"))
}
