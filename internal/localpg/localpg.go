// Package localpg runs a private PostgreSQL server from the system's binaries: the throwaway server
// of the test harness and the project-local database of `make run` are both this one piece of code.
//
// initdb refuses to run as root, so when the caller is root every PostgreSQL command runs as the
// `postgres` OS user (created by Debian's postgresql package), falling back to `nobody`.
package localpg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ErrNoBinaries means initdb and pg_ctl were found neither on PATH nor under /usr/lib/postgresql.
var ErrNoBinaries = errors.New("PostgreSQL server binaries (initdb, pg_ctl) not found; install them with: apt-get install -y postgresql")

// Options describe the server to start.
type Options struct {
	// Dir holds the data directory (Dir/data), the socket and the log. It is created when missing.
	Dir string
	// Port to listen on 127.0.0.1; 0 picks a free one.
	Port int
	// Throwaway turns off durability (fsync, full-page writes) for test servers, and stops the
	// server and deletes Dir when this process exits, however it exits: a test binary that panics
	// or is killed must not leave servers behind.
	Throwaway bool
}

// Server is a running (or reused) PostgreSQL.
type Server struct {
	BinDir  string
	Dir     string
	Port    int
	cred    *syscall.Credential
	Started bool // false when an already running server in Dir was reused
}

// FindBinaries returns the directory holding initdb and pg_ctl: PATH first, then the newest
// /usr/lib/postgresql/<version>/bin.
func FindBinaries() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err == nil {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", ErrNoBinaries
}

func versionOf(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// Start initialises Dir/data when it is empty and starts the server, or reuses a server already
// running on that data directory.
func Start(ctx context.Context, opts Options) (*Server, error) {
	bin, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	s := &Server{BinDir: bin, Dir: opts.Dir}
	if os.Geteuid() == 0 {
		if s.cred, err = unprivilegedCredential(); err != nil {
			return nil, err
		}
		if err := checkTraversable(opts.Dir); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("localpg: create %s: %w", opts.Dir, err)
	}
	if err := s.chown(opts.Dir); err != nil {
		return nil, err
	}
	data := s.DataDir()
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); err != nil {
		if out, err := s.run(ctx, "initdb", "-D", data, "-U", "postgres", "--auth=trust", "--no-sync",
			"-E", "UTF8", "--locale=C.UTF-8"); err != nil {
			return nil, fmt.Errorf("localpg: initdb: %w\n%s", err, out)
		}
	}
	if port, ok := s.runningPort(); ok {
		s.Port = port
		return s, nil
	}
	s.Port = opts.Port
	if s.Port == 0 || !portFree(s.Port) {
		if s.Port, err = freePort(); err != nil {
			return nil, err
		}
	}
	settings := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c max_connections=200", s.Port, opts.Dir)
	if opts.Throwaway {
		settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	if out, err := s.run(ctx, "pg_ctl", "-D", data, "-l", filepath.Join(opts.Dir, "postgres.log"),
		"-o", settings, "-w", "-t", "60", "start"); err != nil {
		logTail, _ := os.ReadFile(filepath.Join(opts.Dir, "postgres.log"))
		return nil, fmt.Errorf("localpg: pg_ctl start: %w\n%s\n%s", err, out, tail(logTail, 2000))
	}
	s.Started = true
	if opts.Throwaway {
		if err := s.reapAfter(os.Getpid()); err != nil {
			_ = s.Stop(true)
			return nil, err
		}
	}
	return s, nil
}

// reapAfter starts a small watcher that waits for pid to end, then stops the server immediately
// (SIGQUIT to the postmaster) and removes its directory.
func (s *Server) reapAfter(pid int) error {
	script := `while kill -0 "$1" 2>/dev/null; do sleep 1; done
if [ -f "$2/data/postmaster.pid" ]; then kill -QUIT "$(head -n 1 "$2/data/postmaster.pid")" 2>/dev/null; sleep 2; fi
rm -rf "$2"`
	cmd := exec.Command("/bin/sh", "-c", script, "reaper", strconv.Itoa(pid), s.Dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("localpg: start the server's reaper: %w", err)
	}
	go func() { _ = cmd.Wait() }()
	return nil
}

// DataDir is where the cluster lives.
func (s *Server) DataDir() string { return filepath.Join(s.Dir, "data") }

// URL is a connection string for user and database on this server over loopback TCP.
func (s *Server) URL(user, database string) string {
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", user, s.Port, database)
}

// Stop shuts the server down; fast skips the checkpoint (for throwaway servers).
func (s *Server) Stop(fast bool) error {
	mode := "fast"
	if fast {
		mode = "immediate"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if out, err := s.run(ctx, "pg_ctl", "-D", s.DataDir(), "-m", mode, "-w", "stop"); err != nil {
		return fmt.Errorf("localpg: pg_ctl stop: %w\n%s", err, out)
	}
	return nil
}

// runningPort reports the port of a server already running on this data directory.
func (s *Server) runningPort() (int, bool) {
	pid, err := os.ReadFile(filepath.Join(s.DataDir(), "postmaster.pid"))
	if err != nil {
		return 0, false
	}
	lines := strings.Split(string(pid), "\n")
	if len(lines) < 4 {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(lines[0]))
	if err != nil || syscall.Kill(n, 0) != nil {
		return 0, false
	}
	port, err := strconv.Atoi(strings.TrimSpace(lines[3]))
	if err != nil {
		return 0, false
	}
	conn, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second)
	if err != nil {
		return 0, false
	}
	conn.Close()
	return port, true
}

func (s *Server) run(ctx context.Context, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(s.BinDir, name), args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Dir = s.Dir
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "TZ=UTC")
	if s.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	}
	// pg_ctl start leaves the postmaster running with our pipes as its output; WaitDelay stops
	// Wait from blocking on them once pg_ctl itself has exited.
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	if errors.Is(err, exec.ErrWaitDelay) {
		err = nil
	}
	return out.Bytes(), err
}

func (s *Server) chown(path string) error {
	if s.cred == nil {
		return nil
	}
	return filepath.Walk(path, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, int(s.cred.Uid), int(s.cred.Gid))
	})
}

func unprivilegedCredential() (*syscall.Credential, error) {
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, errors.New("localpg: running as root, but neither a postgres nor a nobody user exists to run PostgreSQL as (initdb refuses root)")
}

// checkTraversable makes sure the unprivileged server user can reach dir: every existing parent
// must let others search it.
func checkTraversable(dir string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	for p := filepath.Dir(abs); ; p = filepath.Dir(p) {
		if fi, err := os.Stat(p); err == nil && fi.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("localpg: %s is not searchable by other users, so the postgres user cannot reach %s; run `chmod o+x %s` or move the checkout", p, abs, p)
		}
		if p == "/" || p == "." {
			return nil
		}
	}
}

func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("localpg: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}
