// Package failpoint lets crash tests kill the process at a named point in the code, such as
// right after an SMTP server accepted a reply and before the database records it. Points are
// armed only through SHOPDESK_FAILPOINTS, which the configuration accepts only in the test
// environment: "name=N" kills the process (SIGKILL, no cleanup, like a power cut) the Nth time the
// point is reached.
package failpoint

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

var (
	mu    sync.Mutex
	armed = map[string]int{}
)

// Parse checks a SHOPDESK_FAILPOINTS value.
func Parse(spec string) (map[string]int, error) {
	out := map[string]int{}
	for _, part := range strings.Split(spec, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		name, n, ok := strings.Cut(part, "=")
		count, err := strconv.Atoi(n)
		if !ok || name == "" || err != nil || count < 1 {
			return nil, fmt.Errorf("%q is not name=N with N at least 1", part)
		}
		out[name] = count
	}
	return out, nil
}

// Arm sets the points (from Parse).
func Arm(points map[string]int) {
	mu.Lock()
	defer mu.Unlock()
	for k, v := range points {
		armed[k] = v
	}
}

// Hit marks that the point was reached; an armed point kills the process at its Nth hit.
func Hit(name string) {
	mu.Lock()
	n, ok := armed[name]
	if ok {
		n--
		armed[name] = n
	}
	mu.Unlock()
	if ok && n == 0 {
		_ = syscall.Kill(syscall.Getpid(), syscall.SIGKILL)
		select {} // the signal is on its way; never run past the point
	}
}
