package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// TestScreenshots saves the inbox, a ticket and settings pages of the demo workspace at phone,
// laptop and desktop widths in each language, for people to look at:
// SHOPDESK_SCREENSHOTS=/some/dir go test ./internal/e2e/ -run TestScreenshots writes
// <dir>/screens/<lang>-<width>-<page>.png. Without the variable it is skipped.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("SHOPDESK_SCREENSHOTS")
	if dir == "" {
		t.Skip("set SHOPDESK_SCREENSHOTS to a directory to save the screenshots")
	}
	dir = filepath.Join(dir, "screens")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	app := demoApp(t)
	b := NewBrowser(t)
	sizes := []struct{ w, h int64 }{{390, 844}, {1280, 800}, {1440, 900}}
	pages := []walkPage{
		{"inbox", "/w/demo/inbox"},
		{"ticket", "/w/demo/t/2"},
		{"settings-sla", "/w/demo/settings/sla"},
		{"settings-channels", "/w/demo/settings/channels"},
		{"settings-amazon", "/w/demo/settings/channels/amazon"},
	}
	for _, lang := range languages {
		p := adminIn(b, app, lang)
		for _, size := range sizes {
			for _, pg := range pages {
				p.Do(
					chromedp.EmulateViewport(size.w, size.h),
					chromedp.Navigate(app.URL+pg.path),
				)
				p.Until(`document.readyState === "complete"`)
				time.Sleep(200 * time.Millisecond) // let fonts and htmx settle
				ctx, cancel := context.WithTimeout(p.Ctx, 20*time.Second)
				png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
				cancel()
				require.NoError(t, err, "%s [%s] at %d px", pg.name, lang, size.w)
				name := filepath.Join(dir, lang+"-"+strconv.FormatInt(size.w, 10)+"-"+pg.name+".png")
				require.NoError(t, os.WriteFile(name, png, 0o644))
			}
		}
	}
	t.Logf("screenshots in %s", dir)
}
