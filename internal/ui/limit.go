package ui

import (
	"net/http"
	"runtime"
	"sync"
)

// pagesPerCore bounds how many page views compute at once per CPU core; the rest wait their turn
// in this process. Sixteen agents' requests at once on two cores otherwise become sixteen
// PostgreSQL backends and sixteen renders competing for the cores: about the same throughput, but
// every request stretched by all the others, and the slowest twentieth at twice the median. A few
// at a time per core run nearly undisturbed once admitted: the ticket page's 95th percentile at 16
// users fell by about a sixth (docs/benchmarks.md).
const pagesPerCore = 2

// limitPages admits at most pagesPerCore × GOMAXPROCS GET requests into their computing part at a
// time. A request gives its place up as soon as it starts writing its response, so a slow reader
// (a large attachment, a live event stream) never holds one; other methods are not limited, since
// a request body (an upload) arrives at the client's pace.
func limitPages(next http.Handler) http.Handler {
	slots := make(chan struct{}, pagesPerCore*runtime.GOMAXPROCS(0))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		select {
		case slots <- struct{}{}:
		case <-r.Context().Done():
			return
		}
		lw := &releasingWriter{ResponseWriter: w, release: func() { <-slots }}
		defer lw.done()
		next.ServeHTTP(lw, r)
	})
}

// releasingWriter gives the request's place up at its first header or byte.
type releasingWriter struct {
	http.ResponseWriter
	once    sync.Once
	release func()
}

func (w *releasingWriter) done() { w.once.Do(w.release) }

func (w *releasingWriter) WriteHeader(status int) {
	w.done()
	w.ResponseWriter.WriteHeader(status)
}

func (w *releasingWriter) Write(b []byte) (int, error) {
	w.done()
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush and deadlines (the live event stream).
func (w *releasingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush keeps the wrapped writer flushable for handlers that assert http.Flusher.
func (w *releasingWriter) Flush() {
	w.done()
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
