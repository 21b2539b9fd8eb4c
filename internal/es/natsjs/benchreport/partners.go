package main

import (
	"fmt"
	"io"
	"strings"
)

// reportPartners prints the directory's figures (cmd/internal/app
// BenchmarkPartners): the import of a FINESS extract and the search, for
// each directory size, against the targets.
func reportPartners(w io.Writer, results map[string]result, order []string) {
	var sizes []string
	for _, name := range order {
		if parent, ok := strings.CutSuffix(name, "/import"); ok && strings.HasPrefix(parent, "BenchmarkPartners/") {
			sizes = append(sizes, parent)
		}
	}
	if len(sizes) == 0 {
		return
	}
	fmt.Fprintf(w, "\nThe partners' directory over gRPC (cmd/internal/app BenchmarkPartners): a synthetic FINESS extract imported, then searched.\n")
	targets := map[string]float64{"partners=10000": 5, "partners=100000": 20}
	for _, p := range sizes {
		size := strings.TrimPrefix(p, "BenchmarkPartners/")
		imp, idx, search := results[p+"/import"], results[p+"/indexed"], results[p+"/search"]
		fmt.Fprintf(w, "  %s:\n", size)
		fmt.Fprintf(w, "    import: %.1f s, %.0f lines/s (target: a real extract, ~100,000 lines, in under a minute: %s); the search index caught up %.2f s later\n",
			imp["s"], imp["lines/s"], verdict(100_000/imp["lines/s"] < 60), idx["s"])
		line := fmt.Sprintf("    search by prestation within 30 km of a random point: p50 %.2f ms, p99 %.2f ms, %.0f partners found on average",
			search["p50-µs"]/1000, search["p99-µs"]/1000, search["found/op"])
		if t, ok := targets[size]; ok {
			line += fmt.Sprintf(" (target p99 < %.0f ms: %s)", t, verdict(search["p99-µs"]/1000 < t))
		}
		fmt.Fprintln(w, line)
	}
}
