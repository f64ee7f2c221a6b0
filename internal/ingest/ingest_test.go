package ingest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/korean"
)

// testdata is the shared real-world mail (../shared beside the repository root).
func testdata(t *testing.T, sub string) string {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "testdata", "mail", sub)
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("shared test data missing: %v", err)
		}
		t.Skipf("shared test data not found at %s (CI=true makes this a failure)", dir)
	}
	return dir
}

func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && !strings.HasPrefix(d.Name(), "LICENSE") && !strings.HasSuffix(d.Name(), ".go") && !strings.HasSuffix(d.Name(), ".golden") {
			out = append(out, p)
		}
		return nil
	}))
	require.NotEmpty(t, out)
	return out
}

// Every bounce and delivery report of many MTAs is recognised as automatic mail, so no automation
// ever answers one.
func TestEveryBounceIsAutomatic(t *testing.T) {
	t.Parallel()
	var missed []string
	n := 0
	for _, f := range files(t, testdata(t, "bounces")) {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		p, err := Parse(raw)
		if err != nil {
			var pe *ParseError
			require.True(t, errors.As(err, &pe), "%s: %v", f, err)
			require.NotEmpty(t, pe.Reason)
			continue // quarantined, so never answered either
		}
		n++
		if c := Classify(p); !c.Automatic {
			missed = append(missed, filepath.Base(f)+" ("+p.Subject+")")
		}
	}
	require.Greater(t, n, 600)
	require.Empty(t, missed, "bounces not recognised as automatic")
}

// Every real-world and malformed sample either parses or is quarantined with a reason; none panics.
func TestEveryEnmimeSampleParsesOrIsQuarantined(t *testing.T) {
	t.Parallel()
	parsed, quarantined := 0, 0
	for _, f := range files(t, testdata(t, "enmime")) {
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		p, err := Parse(raw)
		if err != nil {
			var pe *ParseError
			require.True(t, errors.As(err, &pe), "%s: %v", f, err)
			require.NotEmpty(t, pe.Reason, f)
			quarantined++
			continue
		}
		require.NotNil(t, p.From, f)
		parsed++
	}
	require.Positive(t, parsed)
	t.Logf("%d parsed, %d quarantined", parsed, quarantined)
}

func TestCharsetsOfOurLanguages(t *testing.T) {
	t.Parallel()
	ko, err := korean.EUCKR.NewEncoder().String("주문이 아직 도착하지 않았어요")
	require.NoError(t, err)
	ro, err := charmap.ISO8859_2.NewEncoder().String("Aplicaţia nu porneşte")
	require.NoError(t, err)
	for _, tc := range []struct{ charset, body, want string }{
		{"euc-kr", ko, "주문이 아직 도착하지 않았어요"},
		{"iso-8859-2", ro, "Aplicaţia nu porneşte"},
	} {
		raw := "From: Buyer <buyer@example.com>\r\nTo: shop@example.com\r\nSubject: test\r\nMessage-ID: <m1@example.com>\r\n" +
			"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=" + tc.charset + "\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + tc.body + "\r\n"
		p, err := Parse([]byte(raw))
		require.NoError(t, err, tc.charset)
		require.Equal(t, tc.want, strings.TrimSpace(p.Text), tc.charset)
		require.Equal(t, "m1@example.com", p.MessageID)
		require.False(t, Classify(p).Automatic, "a buyer's message is a person's")
	}
}

func TestClassifyHeaders(t *testing.T) {
	t.Parallel()
	base := "From: Buyer <buyer@example.com>\r\nTo: shop@example.com\r\nSubject: %s\r\n%s\r\nhello\r\n"
	for _, tc := range []struct{ subject, header, kind string }{
		{"Question", "Auto-Submitted: auto-replied\r\n", "auto-reply"},
		{"Question", "Auto-Submitted: no\r\n", ""},
		{"Question", "Precedence: bulk\r\n", "list"},
		{"Question", "List-Id: <news.example.com>\r\n", "list"},
		{"Question", "X-Autoreply: yes\r\n", "auto-reply"},
		{"Automatic reply: Question", "", "auto-reply"},
		{"Răspuns automat: Întrebare", "", "auto-reply"},
		{"Question", OwnMarker + ": 42\r\n", "own"},
		{"Question", "Return-Path: <>\r\n", "bounce"},
		{"Where is my order?", "", ""},
	} {
		raw := strings.Replace(strings.Replace(base, "%s", tc.subject, 1), "%s", tc.header, 1)
		p, err := Parse([]byte(raw))
		require.NoError(t, err, tc)
		c := Classify(p)
		require.Equal(t, tc.kind, c.Kind, "%+v -> %+v", tc, c)
		require.Equal(t, tc.kind != "", c.Automatic)
	}
	_, err := Parse(nil)
	require.Error(t, err)
	_, err = Parse([]byte("Subject: no sender\r\n\r\nbody"))
	var pe *ParseError
	require.True(t, errors.As(err, &pe))
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("From: a@b.c\r\nSubject: x\r\n\r\nbody"))
	f.Add([]byte("From: a@b.c\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n--x--"))
	f.Add([]byte("From: Jos\xe9 <j@b.c>\r\nSubject: Caf\xe9\x00\r\nContent-Type: text/plain; charset=utf-8\r\n\r\ncaf\xe9\x00"))
	f.Add([]byte("From  : =?utf-8?q?caf=E9?= <a@b.c>\r\nContent-Type: multipart/mixed; boundary*=us-ascii''x\r\n\r\n--x\r\n" +
		"Content-Disposition: attachment; filename*0*=iso-8859-1''%E9; filename*1=\"\x00.txt\"\r\n\r\n\xff\r\n--x--"))
	// The corpus's hostile and real-world mail seeds the fuzzer.
	seeds, err := filepath.Glob(filepath.Join("testdata", "corpus", "*.eml"))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range seeds {
		raw, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := Parse(raw)
		if err == nil {
			// Everything parsed goes to PostgreSQL: valid UTF-8 without NUL, always.
			requireClean(t, p)
		} else {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Reason == "" {
				t.Fatalf("error without a quarantine reason: %v", err)
			}
			if !utf8.ValidString(pe.Reason) || strings.IndexByte(pe.Reason, 0) >= 0 {
				t.Fatalf("quarantine reason not valid UTF-8 without NUL: %q", pe.Reason)
			}
		}
	})
}

func TestHTML(t *testing.T) {
	t.Parallel()
	dirty := `<p onclick="x()">Hello <b>there</b></p><script>alert(1)</script><img src="https://track.example/p.gif"><img src="cid:logo@x"><a href="javascript:alert(1)">bad</a><a href="https://shop.example">ok</a><table><tr><td>Order</td><td>405-1</td></tr></table>`
	clean := SanitizeHTML(dirty)
	require.NotContains(t, clean, "script")
	require.NotContains(t, clean, "onclick")
	require.NotContains(t, clean, ` src="https://track.example`, "remote images load nothing")
	require.Contains(t, clean, `<img data-remote-src="https://track.example/p.gif">`, "until an agent asks for them")
	require.NotContains(t, SanitizeHTML(`<img src="javascript:alert(1)"><img SRC = 'data:text/html,x'>`), "src")
	require.Contains(t, clean, `src="cid:logo@x"`)
	require.NotContains(t, clean, "javascript:")
	require.Contains(t, clean, `href="https://shop.example"`)
	require.Contains(t, clean, "<td>Order</td>")
	require.Equal(t, "Hello there\nbadok\n\nOrder 405-1", TextFromHTML(`<p>Hello <b>there</b></p><a>bad</a><a>ok</a><table><tr><td>Order</td><td>405-1</td></tr></table>`))
	require.Equal(t, "Ana & Ion", TextFromHTML("Ana &amp; Ion"))
}
