// Package mailtest runs real Dovecot (IMAP, IMAPS, IDLE) and Postfix (SMTP with AUTH through
// Dovecot, local delivery only) on loopback for the email channel's tests, one pair per test
// binary, from a temp dir (recipe: ../shared/docs/channels.md, section 5). Every address outside
// example.test is delivered to the sink mailbox, so nothing leaves the machine and a test can read
// what "the customer" received. make deps installs both; under CI a missing one fails the test.
package mailtest

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/smtp"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Domain is the mail domain the servers deliver locally; Password is every mailbox's password.
const (
	Domain   = "example.test"
	Password = "secret"
	Sink     = "sink@" + Domain
	poolSize = 60
	// Customers at RefusedLocal@ (any domain) are refused at RCPT with a 550, at DeferredLocal@
	// with a 451; mail to BouncingDomain is accepted and then returned to its sender as a
	// delivery status notification (a late bounce).
	RefusedLocal   = "refused"
	DeferredLocal  = "deferred"
	BouncingDomain = "bounces.test"
)

// Server is a running Dovecot and Postfix pair.
type Server struct {
	Dir       string
	IMAPPort  int
	IMAPSPort int
	SMTPPort  int
	authPort  int
	// RootCAs trusts the servers' self-signed certificate.
	RootCAs *x509.CertPool
	next    atomic.Int64
}

var (
	once    sync.Once
	shared  *Server
	initErr error
)

// Start returns the binary's servers, starting them on first use.
func Start(t testing.TB) *Server {
	t.Helper()
	once.Do(func() { shared, initErr = start() })
	if initErr != nil {
		if os.Getenv("CI") == "" && strings.Contains(initErr.Error(), "not installed") {
			t.Skipf("mailtest: %v (make deps installs it; CI fails instead of skipping)", initErr)
		}
		t.Fatalf("mailtest: %v", initErr)
	}
	return shared
}

// IMAPAddr and SMTPAddr are the loopback addresses.
func (s *Server) IMAPAddr() string  { return "127.0.0.1:" + strconv.Itoa(s.IMAPPort) }
func (s *Server) IMAPSAddr() string { return "127.0.0.1:" + strconv.Itoa(s.IMAPSPort) }
func (s *Server) SMTPAddr() string  { return "127.0.0.1:" + strconv.Itoa(s.SMTPPort) }

// Mailbox hands the test a mailbox of its own (address and login).
func (s *Server) Mailbox(t testing.TB) string {
	t.Helper()
	n := s.next.Add(1)
	if n > poolSize {
		t.Fatalf("mailtest: all %d mailboxes are in use; raise poolSize", poolSize)
	}
	return fmt.Sprintf("u%02d@%s", n, Domain)
}

func lookPath(name string) (string, error) {
	for _, p := range []string{"/usr/sbin/" + name, "/usr/bin/" + name} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("%s is not installed", name)
}

func start() (*Server, error) {
	dovecot, err := lookPath("dovecot")
	if err != nil {
		return nil, err
	}
	postfix, err := lookPath("postfix")
	if err != nil {
		return nil, err
	}
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("postfix needs root to run its master; run the tests as root (CI does)")
	}
	// Socket paths must stay short, so not t.TempDir().
	dir, err := os.MkdirTemp("", "mt")
	if err != nil {
		return nil, err
	}
	// The daemons' own users must be able to reach their directories inside.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	if err := reapAfter(os.Getpid(), dir, postfix); err != nil {
		return nil, err
	}
	s := &Server{Dir: dir}
	ports := make([]int, 4)
	for i := range ports {
		if ports[i], err = freePort(); err != nil {
			return nil, err
		}
	}
	s.IMAPPort, s.IMAPSPort, s.authPort, s.SMTPPort = ports[0], ports[1], ports[2], ports[3]
	nobody, err := user.Lookup("nobody")
	if err != nil {
		return nil, err
	}
	group, err := user.LookupGroupId(nobody.Gid)
	if err != nil {
		return nil, err
	}
	dv := filepath.Join(dir, "dovecot")
	for _, d := range []string{dv, filepath.Join(dir, "mail"), filepath.Join(dv, "run"), filepath.Join(dv, "state")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	if out, err := exec.Command("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
		"-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", filepath.Join(dv, "key.pem"), "-out", filepath.Join(dv, "cert.pem")).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("openssl: %v: %s", err, out)
	}
	pem, err := os.ReadFile(filepath.Join(dv, "cert.pem"))
	if err != nil {
		return nil, err
	}
	s.RootCAs = x509.NewCertPool()
	s.RootCAs.AppendCertsFromPEM(pem)
	var users, vmail bytes.Buffer
	names := []string{"sink"}
	for i := 1; i <= poolSize; i++ {
		names = append(names, fmt.Sprintf("u%02d", i))
	}
	for _, n := range names {
		fmt.Fprintf(&users, "%s@%s:{PLAIN}%s:%s:%s::%s/mail/%s\n", n, Domain, Password, nobody.Uid, nobody.Gid, dir, n)
		fmt.Fprintf(&vmail, "%s@%s %s/Maildir/\n", n, Domain, n)
	}
	if err := os.WriteFile(filepath.Join(dv, "users"), users.Bytes(), 0o644); err != nil {
		return nil, err
	}
	conf := fmt.Sprintf(dovecotConf, dir, nobody.Username, group.Name, s.IMAPPort, s.IMAPSPort, s.authPort)
	if err := os.WriteFile(filepath.Join(dv, "dovecot.conf"), []byte(conf), 0o644); err != nil {
		return nil, err
	}
	if out, err := exec.Command("chown", "-R", nobody.Uid+":"+nobody.Gid, dv, filepath.Join(dir, "mail")).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("chown: %v: %s", err, out)
	}
	if out, err := runDaemon(dir, dovecot, "-c", filepath.Join(dv, "dovecot.conf")); err != nil {
		log, _ := os.ReadFile(filepath.Join(dv, "dovecot.log"))
		return nil, fmt.Errorf("dovecot: %v: %s\n%s", err, out, log)
	}

	pf := filepath.Join(dir, "postfix")
	for _, d := range []string{filepath.Join(pf, "etc"), filepath.Join(pf, "spool"), filepath.Join(pf, "lib")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	if out, err := exec.Command("chown", "postfix", filepath.Join(pf, "lib")).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("chown postfix: %v: %s", err, out)
	}
	files := map[string]string{
		"main.cf":             fmt.Sprintf(postfixMain, pf, dir, s.authPort, nobody.Uid, nobody.Gid),
		"master.cf":           fmt.Sprintf(postfixMaster, s.SMTPPort),
		"recipient_canonical": "/^(.+@example\\.test)$/ ${1}\n/^(.+@" + strings.ReplaceAll(BouncingDomain, ".", "\\.") + ")$/ ${1}\n/^.+$/ " + Sink + "\n",
		"recipient_access":    "/^" + RefusedLocal + "@/ 550 5.1.1 mailbox unavailable\n/^" + DeferredLocal + "@/ 451 4.3.0 try again later\n",
		"transport":           BouncingDomain + " error:5.1.1 The email account that you tried to reach does not exist\n",
		"vmailbox":            vmail.String(),
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(pf, "etc", name), []byte(body), 0o644); err != nil {
			return nil, err
		}
	}
	// Postfix prints fatal errors only to a terminal, so the log file is what explains a failure.
	for _, args := range [][]string{{"-c", filepath.Join(pf, "etc"), "check"}, {"-c", filepath.Join(pf, "etc"), "start"}} {
		if out, err := runDaemon(dir, postfix, args...); err != nil {
			log, _ := os.ReadFile(filepath.Join(pf, "postfix.log"))
			return nil, fmt.Errorf("postfix %s: %v: %s\n%s", args[2], err, out, log)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for _, port := range []int{s.IMAPPort, s.SMTPPort} {
		for {
			c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
			if err == nil {
				_ = c.Close()
				break
			}
			if time.Now().After(deadline) {
				return nil, fmt.Errorf("port %d does not answer: %v", port, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return s, nil
}

// runDaemon runs a command that forks a daemon. Its output goes to a file, not a pipe: the
// daemon inherits the descriptors, and a pipe would never reach end of file.
func runDaemon(dir, name string, args ...string) ([]byte, error) {
	f, err := os.CreateTemp(dir, "out")
	if err != nil {
		return nil, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = f, f
	err = cmd.Run()
	out, _ := os.ReadFile(f.Name())
	return out, err
}

// reapAfter stops both servers and removes their directory once the test binary has ended, even
// when it died.
func reapAfter(pid int, dir, postfix string) error {
	script := `while kill -0 "$1" 2>/dev/null; do sleep 1; done
"$3" -c "$2/postfix/etc" stop >/dev/null 2>&1
[ -f "$2/dovecot/run/master.pid" ] && kill "$(cat "$2/dovecot/run/master.pid")" 2>/dev/null
sleep 2; rm -rf "$2"`
	cmd := exec.Command("/bin/sh", "-c", script, "reaper", strconv.Itoa(pid), dir, postfix)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start the mail servers' reaper: %w", err)
	}
	go func() { _ = cmd.Wait() }()
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// IMAP logs in to a mailbox over plain IMAP on loopback.
func (s *Server) IMAP(t testing.TB, mailbox string) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(s.IMAPAddr(), nil)
	if err != nil {
		t.Fatalf("mailtest: dial IMAP: %v", err)
	}
	if err := c.Login(mailbox, Password).Wait(); err != nil {
		t.Fatalf("mailtest: login %s: %v", mailbox, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Append puts raw messages into a mailbox's INBOX, as if delivered.
func (s *Server) Append(t testing.TB, mailbox string, raws ...[]byte) {
	t.Helper()
	c := s.IMAP(t, mailbox)
	for _, raw := range raws {
		cmd := c.Append("INBOX", int64(len(raw)), nil)
		if _, err := cmd.Write(raw); err != nil {
			t.Fatalf("mailtest: append: %v", err)
		}
		if err := cmd.Close(); err != nil {
			t.Fatalf("mailtest: append: %v", err)
		}
		if _, err := cmd.Wait(); err != nil {
			t.Fatalf("mailtest: append: %v", err)
		}
	}
	_ = c.Logout().Wait()
}

// Deliver sends raw mail through Postfix as an outside sender would (no login; local recipients
// only), the way a customer's mail reaches the mailbox.
func (s *Server) Deliver(t testing.TB, from, to string, raw []byte) {
	t.Helper()
	if err := smtp.SendMail(s.SMTPAddr(), nil, from, []string{to}, raw); err != nil {
		t.Fatalf("mailtest: deliver to %s: %v", to, err)
	}
}

// Find waits up to timeout for messages in a mailbox whose header name contains value, and
// returns their raw bytes.
func (s *Server) Find(t testing.TB, mailbox, name, value string, timeout time.Duration) [][]byte {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		found := s.search(t, mailbox, name, value)
		if len(found) > 0 || time.Now().After(deadline) {
			return found
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *Server) search(t testing.TB, mailbox, name, value string) [][]byte {
	t.Helper()
	c := s.IMAP(t, mailbox)
	defer func() { _ = c.Logout().Wait() }()
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatalf("mailtest: select: %v", err)
	}
	data, err := c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: name, Value: value}}}, nil).Wait()
	if err != nil {
		t.Fatalf("mailtest: search: %v", err)
	}
	uids := data.AllUIDs()
	if len(uids) == 0 {
		return nil
	}
	section := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		t.Fatalf("mailtest: fetch: %v", err)
	}
	var out [][]byte
	for _, m := range msgs {
		out = append(out, m.FindBodySection(section))
	}
	return out
}

// TLSConfig trusts the servers' certificate.
func (s *Server) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.RootCAs, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

const dovecotConf = `base_dir = %[1]s/dovecot/run
state_dir = %[1]s/dovecot/state
log_path = %[1]s/dovecot/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <%[1]s/dovecot/cert.pem
ssl_key = <%[1]s/dovecot/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
default_internal_user = %[2]s
default_internal_group = %[3]s
default_login_user = %[2]s
service anvil {
  chroot =
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = %[4]d
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = %[5]d
  }
}
service auth {
  inet_listener {
    address = 127.0.0.1
    port = %[6]d
  }
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/dovecot/users
}
userdb {
  driver = passwd-file
  args = username_format=%%u %[1]s/dovecot/users
}
`

const postfixMain = `compatibility_level = 3.6
queue_directory = %[1]s/spool
data_directory = %[1]s/lib
mail_owner = postfix
setgid_group = postdrop
maillog_file = %[1]s/postfix.log
maillog_file_prefixes = %[1]s
myhostname = mail.example.test
mydomain = example.test
myorigin = example.test
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
recipient_delimiter = +
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:127.0.0.1:%[3]d
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions = check_recipient_access regexp:%[1]s/etc/recipient_access, permit_sasl_authenticated, reject_unauth_destination
transport_maps = texthash:%[1]s/etc/transport
recipient_canonical_maps = regexp:%[1]s/etc/recipient_canonical
recipient_canonical_classes = envelope_recipient
virtual_mailbox_domains = example.test
virtual_mailbox_base = %[2]s/mail
virtual_mailbox_maps = texthash:%[1]s/etc/vmailbox
virtual_uid_maps = static:%[4]s
virtual_gid_maps = static:%[5]s
default_transport = error:outbound mail is disabled in tests
relay_transport = error:outbound mail is disabled in tests
biff = no
`

const postfixMaster = `127.0.0.1:%d inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n -  0 cleanup
qmgr      unix  n - n 300 1 qmgr
tlsmgr    unix  - - n 1000? 1 tlsmgr
rewrite   unix  - - n -  - trivial-rewrite
bounce    unix  - - n -  0 bounce
defer     unix  - - n -  0 bounce
trace     unix  - - n -  0 bounce
verify    unix  - - n -  1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -  - proxymap
smtp      unix  - - n -  - smtp
relay     unix  - - n -  - smtp
showq     unix  n - n -  - showq
error     unix  - - n -  - error
retry     unix  - - n -  - error
discard   unix  - - n -  - discard
virtual   unix  - n n -  - virtual
anvil     unix  - - n -  1 anvil
scache    unix  - - n -  1 scache
postlog   unix-dgram n - n - 1 postlogd
`
