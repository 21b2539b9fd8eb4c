package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// trustRuns finds the BenchmarkTrust runs (services/parcours): a read and
// a command with and without the access rules and the audit, on one store.
func trustRuns(results map[string]result, order []string) []string {
	var parents []string
	for _, name := range order {
		if parent, ok := strings.CutSuffix(name, "/read/bare"); ok && strings.HasPrefix(parent, "BenchmarkTrust") {
			parents = append(parents, parent)
		}
	}
	return parents
}

// reportTrust prints what authorization and audit cost: the added time
// per call and the ratio to the same call without them.
func reportTrust(w io.Writer, results map[string]result, order []string) {
	parents := trustRuns(results, order)
	if len(parents) == 0 {
		return
	}
	fmt.Fprintf(w, "\nWhat the access rules and the audit cost (services/parcours BenchmarkTrust), beside the same call without them, same store, same run.\n")
	fmt.Fprintf(w, "ratio = with ÷ without (mean ns/op); added = with − without, in µs; parallel: 32 callers, ns/op is wall time per call.\n\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "run\tcall\twithout µs\twith µs\tadded µs\tratio\twith p99 µs\t")
	for _, p := range parents {
		for _, row := range []struct{ call, without, with string }{
			{"read: access rules", "read/bare", "read/access"},
			{"read: access + audit", "read/bare", "read/access+audit"},
			{"read ×32: access + audit", "read-parallel/bare", "read-parallel/access+audit"},
			{"command: port + access rules", "command/bare", "command/checked"},
		} {
			a, b := results[p+"/"+row.without], results[p+"/"+row.with]
			if a == nil || b == nil || a["ns/op"] == 0 {
				continue
			}
			p99 := "-"
			if v, ok := b["p99-µs"]; ok {
				p99 = fmt.Sprintf("%.0f", v)
			}
			fmt.Fprintf(tw, "%s\t%s\t%.1f\t%.1f\t%.1f\t%.2f\t%s\t\n", strings.TrimPrefix(p, "BenchmarkTrust/"), row.call,
				a["ns/op"]/1e3, b["ns/op"]/1e3, (b["ns/op"]-a["ns/op"])/1e3, b["ns/op"]/a["ns/op"], p99)
		}
	}
	tw.Flush()
}
