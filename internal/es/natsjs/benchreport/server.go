package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// reportServer prints maillaged's own figures (cmd/maillaged
// BenchmarkServer), one block per département size, against the targets
// of ARCHITECTURE.md. The resident memory is the highest the process
// reached in any stage.
func reportServer(w io.Writer, results map[string]result, order []string) {
	var sizes []string
	for _, name := range order {
		if parent, ok := strings.CutSuffix(name, "/cold-start"); ok && strings.HasPrefix(parent, "BenchmarkServer/") {
			sizes = append(sizes, parent)
		}
	}
	if len(sizes) == 0 {
		return
	}
	fmt.Fprintf(w, "\nmaillaged as a process on a département's store (cmd/maillaged BenchmarkServer), beside raw JetStream in the same run.\n")
	for _, p := range sizes {
		at := func(stage string) result { return results[p+"/"+stage] }
		raw, cold, warm := at("raw-replay"), at("cold-start"), at("warm-restart")
		fmt.Fprintf(w, "  %s:\n", strings.TrimPrefix(p, "BenchmarkServer/"))
		peak := 0.0
		for _, stage := range []string{"cold-start", "memory-after-reads", "warm-restart"} {
			peak = max(peak, at(stage)["peak-rss-MiB"])
		}
		fmt.Fprintf(w, "    resident memory: peak %.0f MiB, %.0f MiB after a cold start, %.0f MiB after the reads, %.0f MiB after a warm restart (target < 1024 MiB: %s)\n",
			peak, cold["rss-MiB"], at("memory-after-reads")["rss-MiB"], warm["rss-MiB"], verdict(peak < 1024))
		fmt.Fprintf(w, "    restart to serving: %.2f s (target < 5 s: %s)\n", warm["s"], verdict(warm["s"] < 5))
		judged := "the 10 s target is for 20,000 people"
		if people, _ := strconv.Atoi(strings.TrimPrefix(p, "BenchmarkServer/people=")); people <= 20_000 {
			judged = "target < 10 s at 20,000 people: " + verdict(cold["s"] < 10)
		}
		fmt.Fprintf(w, "    cold start, every view rebuilt: %.1f s, %.0f events/s; raw JetStream replay %.0f events/s: ratio %.2f (%s)\n",
			cold["s"], cold["events/s"], raw["events/s"], cold["events/s"]/raw["events/s"], judged)
		noop, okNoop := results[p+"/noop-grpc"]
		if okNoop {
			fmt.Fprintf(w, "    a no-op call on the same connection (health check): p50 %.0f µs, p99 %.0f µs\n", noop["p50-µs"], noop["p99-µs"])
		}
		for _, stage := range []string{"view-read", "view-read-sync-always"} {
			if r, ok := results[p+"/"+stage]; ok {
				ratio := ""
				if okNoop && noop["p50-µs"] > 0 {
					ratio = fmt.Sprintf(", p50 %.1f× the no-op", r["p50-µs"]/noop["p50-µs"])
				}
				fmt.Fprintf(w, "    %s over gRPC (TLS, token, access rules, audit, a 10 KB file): p50 %.0f µs, p99 %.0f µs%s (target p99 < 1 ms: %s)\n",
					stage, r["p50-µs"], r["p99-µs"], ratio, verdict(r["p99-µs"] < 1000))
			}
		}
		if cl, ok := results[p+"/caseload"]; ok {
			fmt.Fprintf(w, "    caseload of one coordinator (%.0f people) over gRPC: p50 %.2f ms, p99 %.2f ms (target < 10 ms: %s)\n",
				cl["people/op"], cl["p50-ms"], cl["p99-ms"], verdict(cl["p99-ms"] < 10))
		}
	}
}

func verdict(meets bool) string {
	if meets {
		return "meets"
	}
	return "MISSES"
}
