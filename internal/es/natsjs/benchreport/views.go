package main

import (
	"fmt"
	"io"
	"strings"
)

// reportViews prints the coordinated-view figures (services/parcours), one
// block per département size: reading a view and a caseload against their
// targets, reopening the views, and rebuilding the projection from scratch
// beside a raw JetStream read of the same events.
func reportViews(w io.Writer, results map[string]result, order []string) {
	var sizes []string
	for _, name := range order {
		for _, prefix := range []string{"BenchmarkViewRead/", "BenchmarkRebuild/", "BenchmarkCaseload/", "BenchmarkRestore/"} {
			if rest, ok := strings.CutPrefix(name, prefix); ok {
				size, _, _ := strings.Cut(rest, "/")
				if !contains(sizes, size) {
					sizes = append(sizes, size)
				}
			}
		}
	}
	if len(sizes) == 0 {
		return
	}
	fmt.Fprintf(w, "\nCoordinated views over a département (services/parcours, ~48 events a person), in process: the projection's own work.\n")
	for _, size := range sizes {
		fmt.Fprintf(w, "  %s:\n", size)
		if read, ok := results["BenchmarkViewRead/"+size]; ok {
			fmt.Fprintf(w, "    view read from the projection (GetCoordinatedView without network nor audit): p50 %.1f µs, p99 %.1f µs (target p99 < 1 ms: %s)\n",
				read["p50-µs"], read["p99-µs"], verdict(read["p99-µs"] < 1000))
			if heap, ok := read["heap-MiB"]; ok {
				fmt.Fprintf(w, "    live heap of the process reading them (views on disk, a bounded cache in memory): %.0f MiB\n", heap)
			}
		}
		if cl, ok := results["BenchmarkCaseload/"+size+"/one-page"]; ok {
			fmt.Fprintf(w, "    caseload of one coordinator (%.0f people): p50 %.1f µs, p99 %.1f µs (target < 10 ms: %s)\n",
				cl["people/op"], cl["p50-µs"], cl["p99-µs"], verdict(cl["p99-µs"] < 10_000))
		}
		if rs, ok := results["BenchmarkRestore/"+size]; ok {
			secs := rs["ns/op"] / 1e9
			fmt.Fprintf(w, "    reopening the views on disk (%.0f MB) and reading one: %.3f s (target restart to serving < 5 s: %s)\n", rs["MB"], secs, verdict(secs < 5))
		}
		raw, okRaw := results["BenchmarkRebuild/"+size+"/raw-jetstream-read"]
		proj, okProj := results["BenchmarkRebuild/"+size+"/projection"]
		if okRaw && okProj {
			fmt.Fprintf(w, "    rebuild: projection %.0f events/s, raw JetStream read %.0f events/s: ratio %.2f\n",
				proj["events/s"], raw["events/s"], proj["events/s"]/raw["events/s"])
			if n := proj["events"]; n > 0 {
				secs := n / proj["events/s"]
				judged := "the 10 s target is for 20,000 people"
				if size == "people=20000" {
					judged = "target < 10 s: " + verdict(secs < 10)
				}
				fmt.Fprintf(w, "    rebuilding %.0f events from scratch: %.1f s (%s)\n", n, secs, judged)
			}
		}
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
