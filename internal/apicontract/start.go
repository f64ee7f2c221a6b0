package apicontract

import (
	"net/http/httptest"
	"time"
)

// TB is the part of testing.TB the server needs.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// Running is a server listening on loopback for one test.
type Running struct {
	*Server
	URL string
}

// Start serves the named descriptions on a loopback port for the test's life. Every violation
// fails the test with its reason (report replaces that, for a test about violations).
func Start(t TB, names []string, opts ...func(*Options)) *Running {
	t.Helper()
	var o Options
	o.Report = func(v Violation) { t.Errorf("apicontract: %s", v) }
	for _, f := range opts {
		f(&o)
	}
	specs := make([]*Spec, 0, len(names))
	for _, n := range names {
		sp, err := LoadSpec(n)
		if err != nil {
			t.Fatalf("%v", err)
		}
		specs = append(specs, sp)
	}
	s, err := New(specs, o)
	if err != nil {
		t.Fatalf("%v", err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return &Running{Server: s, URL: ts.URL}
}

// WithReport sends violations to report instead of failing the test.
func WithReport(report func(Violation)) func(*Options) {
	return func(o *Options) { o.Report = report }
}

// WithClock gives the server a clock for token lifetimes.
func WithClock(now func() time.Time) func(*Options) {
	return func(o *Options) { o.Now = now }
}
