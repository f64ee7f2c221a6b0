package ui

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLimitPages(t *testing.T) {
	t.Parallel()
	limit := pagesPerCore * runtime.GOMAXPROCS(0)

	t.Run("AtMostTheLimitComputeAtOnce", func(t *testing.T) {
		t.Parallel()
		var active, most atomic.Int32
		gate := make(chan struct{})
		h := limitPages(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n := active.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			<-gate
			active.Add(-1)
			_, _ = w.Write([]byte("ok"))
		}))
		var wg sync.WaitGroup
		for range limit + 3 {
			wg.Go(func() { h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/w/a/inbox", nil)) })
		}
		require.Eventually(t, func() bool { return active.Load() == int32(limit) }, 5*time.Second, time.Millisecond)
		time.Sleep(20 * time.Millisecond)
		require.Equal(t, int32(limit), active.Load(), "the others wait")
		close(gate)
		wg.Wait()
		require.Equal(t, int32(limit), most.Load())
	})

	t.Run("WritingGivesThePlaceUp", func(t *testing.T) {
		t.Parallel()
		hold := make(chan struct{})
		defer close(hold)
		h := limitPages(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/w/a/events" {
				w.WriteHeader(http.StatusOK) // a stream: headers out, then it waits
				<-hold
				return
			}
			_, _ = w.Write([]byte("page"))
		}))
		for range limit {
			go h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/w/a/events", nil))
		}
		done := make(chan struct{})
		go func() {
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/w/a/inbox", nil))
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("open streams held every place")
		}
	})

	t.Run("OtherMethodsPass", func(t *testing.T) {
		t.Parallel()
		gate := make(chan struct{})
		var started atomic.Int32
		h := limitPages(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			started.Add(1)
			<-gate
		}))
		var wg sync.WaitGroup
		for range limit + 3 {
			wg.Go(func() {
				h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/w/a/t/1/reply", nil))
			})
		}
		require.Eventually(t, func() bool { return started.Load() == int32(limit+3) }, 5*time.Second, time.Millisecond)
		close(gate)
		wg.Wait()
	})
}
