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
		fmt.Fprintf(w, "  view read from the projection (GetCoordinatedView without network nor audit): p50 %.1f µs, p99 %.1f µs (target p99 < 1 ms: %s)\n", read["p50-µs"], read["p99-µs"], verdict)
		if heap, ok := read["heap-MiB"]; ok {
			// Live heap of the benchmark's process: the views are on
			// disk, a bounded cache of them in memory. maillaged's own
			// resident memory is BenchmarkServer's.
			fmt.Fprintf(w, "  live heap of the process reading them (views on disk, a bounded cache in memory): %.0f MiB\n", heap)
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
		fmt.Fprintf(w, "  reopening the views on disk (%.0f MB) and reading one: %.3f s (target restart to serving < 5 s: %s)\n", rs["MB"], secs, verdict)
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
