package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shopdesk/shopdesk/internal/app"
	"github.com/shopdesk/shopdesk/internal/localpg"
)

// TestMakeRun is `make run` twice in a fresh directory: the first run creates the local database
// and the demo workspace, the second reuses them; both serve working demo logins and stop cleanly
// on Ctrl-C.
func TestMakeRun(t *testing.T) {
	t.Parallel()
	if _, err := localpg.FindBinaries(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	bin := filepath.Join(t.TempDir(), "devrun")
	build := exec.Command("go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))
	work, err := os.MkdirTemp("", "devrun-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(work, 0o755))
	t.Cleanup(func() { os.RemoveAll(work) })

	first := runOnce(t, bin, work)
	require.Contains(t, first, "creating database shopdesk")
	require.Contains(t, first, `created the demo workspace "demo"`)
	second := runOnce(t, bin, work)
	require.NotContains(t, second, "creating database")
	require.Contains(t, second, "nothing to do")
}

var (
	urlLine     = regexp.MustCompile(`Shopdesk is running at (http://\S+)`)
	gatewayLine = regexp.MustCompile(`SMTP gateway listens on (\S+);`)
)

func runOnce(t *testing.T, bin, dir string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Dir = dir
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DATABASE_URL=") && !strings.HasPrefix(kv, "MIGRATE_DATABASE_URL=") && !strings.HasPrefix(kv, "SHOPDESK_") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "SHOPDESK_ADDR=127.0.0.1:0", "SHOPDESK_SMTP_ADDR=127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = io.Discard
	require.NoError(t, cmd.Start())
	var log strings.Builder
	base, gateway := "", ""
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		log.WriteString(sc.Text() + "\n")
		if m := urlLine.FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
		}
		if m := gatewayLine.FindStringSubmatch(sc.Text()); m != nil {
			gateway = m[1]
			break
		}
	}
	require.NotEmpty(t, base, log.String())
	require.NotEmpty(t, gateway, log.String())
	copied := make(chan struct{})
	// The rest through the same scanner: it has already buffered what followed the URL line.
	go func() {
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
		}
		_, _ = io.Copy(&log, stdout)
		close(copied)
	}()

	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(url.Values{"email": {"manager@demo.test"}, "password": {"shopdesk-demo"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	res, err := c.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, "/w/demo/inbox", res.Request.URL.Path, "signed in and sent to the demo inbox")
	// The printed command delivers a mail to the demo inbox through the local gateway.
	var sent strings.Builder
	code := app.Main(ctx, []string{"dev", "send-mail", "--gateway", gateway, "../../docs/examples/customer-question.eml"}, func(string) string { return "" }, &sent, &sent)
	require.Equal(t, 0, code, sent.String())
	require.Eventually(t, func() bool {
		res, err := c.Get(base + "/w/demo/search?q=WEB-77031")
		if err != nil {
			return false
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return strings.Contains(string(b), "Hanna Lindqvist") // the sender, only in that mail
	}, 30*time.Second, 200*time.Millisecond, "the mail sent with dev send-mail is in the demo inbox")
	// Development mail stays on the machine, on the page the output names.
	res, err = c.Get(base + "/dev/mail")
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)

	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	<-copied // the pipe must be drained before Wait
	require.NoError(t, cmd.Wait(), log.String())
	require.Contains(t, log.String(), "stopping the local PostgreSQL")
	require.Contains(t, log.String(), "read it at "+base+"/dev/mail")
	return log.String()
}
