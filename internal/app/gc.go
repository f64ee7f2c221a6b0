package app

import (
	"os"
	"runtime/debug"
)

// serverGCPercent is the garbage collector's target for a serving process. A page allocates many
// short-lived objects (rows, rendered HTML) against a live heap of a few tens of megabytes, so at
// Go's default (100) the collector ran several times a second and took about a quarter of the
// process's CPU; at 400 the ticket page served a third more requests per second on two cores
// (docs/benchmarks.md) for a heap that peaks at a few hundred megabytes.
const serverGCPercent = 400

// TuneGC applies serverGCPercent unless GOGC is set, which keeps the operator's word.
func TuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serverGCPercent)
	}
}
