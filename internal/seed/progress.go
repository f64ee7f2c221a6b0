package seed

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress draws "phase  done/total  rate  ETA" on one line: redrawn in place on a terminal,
// a line every few seconds otherwise (logs, CI).
type progress struct {
	mu       sync.Mutex
	w        io.Writer
	terminal bool
	total    int
	n        int
	start    time.Time
	last     time.Time
	name     string
}

func newProgress(w io.Writer, terminal bool, total int) *progress {
	if w == nil {
		w = io.Discard
	}
	return &progress{w: w, terminal: terminal, total: total, start: time.Now(), name: "loading"}
}

func (p *progress) add(k int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n += k
	every := 3 * time.Second
	if p.terminal {
		every = 200 * time.Millisecond
	}
	if time.Since(p.last) >= every {
		p.draw()
	}
}

func (p *progress) phase(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.name = name
	p.draw()
}

func (p *progress) draw() {
	p.last = time.Now()
	el := time.Since(p.start)
	rate := float64(p.n) / max(el.Seconds(), 0.001)
	eta := "?"
	if rate > 0 && p.n < p.total {
		eta = (time.Duration(float64(p.total-p.n)/rate) * time.Second).Round(time.Second).String()
	} else if p.n >= p.total {
		eta = "0s"
	}
	width := 30
	filled := width * min(p.n, p.total) / max(p.total, 1)
	bar := ""
	for i := range width {
		if i < filled {
			bar += "#"
		} else {
			bar += "."
		}
	}
	line := fmt.Sprintf("%-8s [%s] %5.1f%%  %d/%d rows  %.0f rows/s  ETA %s", p.name, bar, 100*float64(p.n)/float64(max(p.total, 1)), p.n, p.total, rate, eta)
	if p.terminal {
		fmt.Fprintf(p.w, "\r%s\033[K", line)
	} else {
		fmt.Fprintln(p.w, line)
	}
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.draw()
	if p.terminal {
		fmt.Fprintln(p.w)
	}
}
