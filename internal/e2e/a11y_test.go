package e2e

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// axe-core, vendored from npm (testdata/VERSIONS); the checksum catches an edited or truncated copy.
//
//go:embed testdata/axe.min.js
var axeSource string

const axeSHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"

// axeRun runs axe on the page for WCAG 2.2 A/AA and best practices and returns what matters: the
// serious and critical violations, one entry per element.
const axeRun = `axe.run(document, {
	runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
	resultTypes: ["violations"],
}).then(r => r.violations
	.filter(v => v.impact === "serious" || v.impact === "critical")
	.flatMap(v => v.nodes.map(n => ({rule: v.id, impact: v.impact, help: v.help, target: n.target.join(" "),
		html: n.html.slice(0, 160), summary: (n.failureSummary || "").replace(/\s+/g, " ").slice(0, 300)}))))`

// structure checks what axe leaves to best practice: exactly one h1, and no id used twice.
const structure = `(() => {
	const out = [];
	const h1 = [...document.querySelectorAll("h1")];
	if (h1.length !== 1) out.push("expected one h1, found " + h1.length + (h1.length ? ": " + h1.map(h => JSON.stringify(h.textContent.trim())).join(", ") : ""));
	const count = {};
	for (const el of document.querySelectorAll("[id]")) count[el.id] = (count[el.id] || 0) + 1;
	for (const [id, n] of Object.entries(count)) if (n > 1) out.push("id " + JSON.stringify(id) + " is used " + n + " times");
	return out;
})()`

type axeViolation struct {
	Rule    string `json:"rule"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	Target  string `json:"target"`
	HTML    string `json:"html"`
	Summary string `json:"summary"`
}

// audit injects axe through the DevTools protocol (Runtime.evaluate is not subject to the page's
// CSP, which allows no injected script) and returns the page's problems, each naming the page,
// the language and the element.
func audit(p *Person, page, lang string) []string {
	p.t.Helper()
	_, err := chromedp.Run(p.Ctx, chromedp.Evaluate[chromedp.Void](axeSource+";void 0"))
	require.NoError(p.t, err, "inject axe on %s [%s]", page, lang)
	found, err := chromedp.Run(p.Ctx, chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
	require.NoError(p.t, err, "run axe on %s [%s]", page, lang)
	var out []string
	for _, v := range found {
		out = append(out, fmt.Sprintf("%s [%s] %s (%s) at %s: %s\n    %s\n    %s", page, lang, v.Rule, v.Impact, v.Target, v.Help, v.HTML, v.Summary))
	}
	more, err := chromedp.Run(p.Ctx, chromedp.Evaluate[[]string](structure))
	require.NoError(p.t, err, "structure of %s [%s]", page, lang)
	for _, m := range more {
		out = append(out, fmt.Sprintf("%s [%s] %s", page, lang, m))
	}
	return out
}

func TestAxeFileIsThePinnedRelease(t *testing.T) {
	t.Parallel()
	sum := sha256.Sum256([]byte(axeSource))
	require.Equal(t, axeSHA256, hex.EncodeToString(sum[:]), "testdata/axe.min.js is not axe-core as recorded in testdata/VERSIONS")
}

// Sign-in, the inbox, a ticket, a customer, the account and notifications pages and every settings
// page, in English, Korean and Romanian: no serious or critical axe-core violation (WCAG 2.2 AA,
// contrast and target size included), one h1, unique ids.
func TestAccessibility(t *testing.T) {
	app := demoApp(t)
	b := NewBrowser(t)
	var problems []string
	var pages []walkPage
	for _, lang := range languages {
		anon := b.NewPerson("signed-out-" + lang)
		anon.Do(speaks(lang), chromedp.Navigate(app.URL+"/login"), chromedp.WaitVisible(chromedp.CSS(`[data-testid=login-form]`)))
		problems = append(problems, audit(anon, "sign-in", lang)...)

		p := adminIn(b, app, lang)
		if pages == nil {
			pages = appPages(p, app.URL)
		}
		for _, pg := range pages {
			p.Do(chromedp.Navigate(app.URL + pg.path))
			p.Until(`document.readyState === "complete"`)
			problems = append(problems, audit(p, pg.name+" "+pg.path, lang)...)
		}
	}
	if len(problems) > 0 {
		t.Errorf("%d accessibility problems:\n%s", len(problems), strings.Join(problems, "\n"))
	}
}

// The composer's file input speaks the reader's language: the native one would say "Choose file /
// No file chosen" in the browser's language whatever the person chose.
func TestFileInputInTheReadersLanguage(t *testing.T) {
	app := demoApp(t)
	b := NewBrowser(t)
	p := adminIn(b, app, "ko")
	p.Do(chromedp.Navigate(app.URL+"/w/demo/t/2"), chromedp.WaitVisible(chromedp.CSS(`[data-testid=composer]`)))
	require.Equal(t, "선택한 파일 없음", p.Text(`[data-file-names]`))
	require.Equal(t, "파일 첨부", p.Text(`.file-button`))
	file := filepath.Join(t.TempDir(), "영수증.txt")
	require.NoError(t, os.WriteFile(file, []byte("receipt"), 0o644))
	p.Do(chromedp.SetUploadFiles(chromedp.CSS(`[data-file-input]`), []string{file}))
	p.Until(`document.querySelector("[data-file-names]").textContent === "영수증.txt"`)
}
