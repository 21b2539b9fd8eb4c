package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// commandTarget: a command end to end costs at most this many times a
// no-op gRPC call plus one raw append (ARCHITECTURE.md).
const commandTarget = 2.0

// commandRuns finds the BenchmarkCommand triples (cmd/internal/app): a
// command, a no-op gRPC call and a raw append measured on one server.
func commandRuns(results map[string]result, order []string) []string {
	var parents []string
	for _, name := range order {
		if parent, ok := strings.CutSuffix(name, "/command"); ok {
			if _, n := results[parent+"/noop-grpc"]; n {
				if _, r := results[parent+"/raw-append"]; r {
					parents = append(parents, parent)
				}
			}
		}
	}
	return parents
}

func reportCommands(w io.Writer, results map[string]result, parents []string) {
	if len(parents) == 0 {
		return
	}
	fmt.Fprintf(w, "\nA command end to end over gRPC (TLS, token, validation, decide, append) beside a no-op gRPC call plus one raw append, same server, same run.\n")
	fmt.Fprintf(w, "ratio = command ÷ (no-op + raw append); target (ARCHITECTURE.md) ≤ %.0f.\n\n", commandTarget)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "run\tno-op µs\traw append µs\tcommand µs\tmean ratio\tp50 ratio\tp99 ratio\tcommand p99 µs\ttarget ≤2\t")
	for _, p := range parents {
		c, n, r := results[p+"/command"], results[p+"/noop-grpc"], results[p+"/raw-append"]
		mean := c["ns/op"] / (n["ns/op"] + r["ns/op"])
		verdict := "meets"
		if mean > commandTarget {
			verdict = "MISSES"
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.0f\t%.2f\t%s\t%s\t%.0f\t%s\t\n",
			strings.TrimPrefix(p, "Benchmark"), n["ns/op"]/1e3, r["ns/op"]/1e3, c["ns/op"]/1e3, mean,
			sumRatio(c, n, r, "p50-µs"), sumRatio(c, n, r, "p99-µs"), c["p99-µs"], verdict)
	}
	tw.Flush()
}

func sumRatio(c, n, r result, unit string) string {
	cv, ok1 := c[unit]
	nv, ok2 := n[unit]
	rv, ok3 := r[unit]
	if !ok1 || !ok2 || !ok3 || nv+rv == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", cv/(nv+rv))
}
