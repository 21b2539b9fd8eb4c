package main

import (
	"fmt"
	"io"
)

// reportViews prints the coordinated-view figures (services/parcours):
// reading a view against the 1 ms p99 target, and rebuilding the projection
// from scratch beside a raw JetStream read of the same events.
func reportViews(w io.Writer, results map[string]result) {
	read, okRead := results["BenchmarkViewRead"]
	raw, okRaw := results["BenchmarkRebuild/raw-jetstream-read"]
	proj, okProj := results["BenchmarkRebuild/projection"]
	if !okRead && !(okRaw && okProj) {
		return
	}
	fmt.Fprintf(w, "\nCoordinated views over a département (20,000 people × ~50 events unless MAILLAGE_BENCH_PEOPLE says otherwise).\n")
	if okRead {
		verdict := "meets"
		if read["p99-µs"] >= 1000 {
			verdict = "MISSES"
		}
		fmt.Fprintf(w, "  view read: p50 %.1f µs, p99 %.1f µs (target p99 < 1 ms: %s)\n", read["p50-µs"], read["p99-µs"], verdict)
		if heap, ok := read["heap-MiB"]; ok {
			// Live heap, before the collector's headroom (GOGC=100 lets the
			// process grow to about twice it): compare half the target.
			verdict := "meets"
			if heap >= 512 {
				verdict = "AT RISK"
			}
			fmt.Fprintf(w, "  live heap with every view in memory: %.0f MiB (target resident memory < 1 GiB: %s)\n", heap, verdict)
		}
	}
	if cl, ok := results["BenchmarkCaseload/one-page"]; ok {
		verdict := "meets"
		if cl["p99-µs"] >= 10_000 {
			verdict = "MISSES"
		}
		fmt.Fprintf(w, "  caseload of one coordinator (%.0f people): p50 %.1f µs, p99 %.1f µs (target < 10 ms: %s)\n",
			cl["people/op"], cl["p50-µs"], cl["p99-µs"], verdict)
	}
	if rs, ok := results["BenchmarkRestore"]; ok {
		secs := rs["ns/op"] / 1e9
		verdict := "meets"
		if secs >= 5 {
			verdict = "MISSES"
		}
		fmt.Fprintf(w, "  restoring every view from its checkpoint (%.0f MB): %.2f s (target restart to serving < 5 s: %s)\n", rs["MB"], secs, verdict)
	}
	if okRaw && okProj {
		fmt.Fprintf(w, "  rebuild: projection %.0f events/s, raw JetStream read %.0f events/s: ratio %.2f\n",
			proj["events/s"], raw["events/s"], proj["events/s"]/raw["events/s"])
		if n := proj["events"]; n > 0 {
			secs := n / proj["events/s"]
			verdict := "meets"
			if secs >= 10 {
				verdict = "MISSES"
			}
			fmt.Fprintf(w, "  rebuilding %.0f events from scratch: %.1f s (target < 10 s: %s)\n", n, secs, verdict)
		}
	}
}
