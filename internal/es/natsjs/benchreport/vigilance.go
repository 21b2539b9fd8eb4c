package main

import (
	"fmt"
	"io"
	"strings"
)

// reportVigilance prints what the vigilance costs (services/parcours
// BenchmarkVigilanceFold and BenchmarkVigilanceCheck) beside the engine,
// and how fast a notification reaches its recipients (cmd/internal/app
// BenchmarkNotificationFanOut) beside a raw JetStream publish to a consumer.
func reportVigilance(w io.Writer, results map[string]result, order []string) {
	var sizes []string
	for _, name := range order {
		for _, prefix := range []string{"BenchmarkVigilanceFold/", "BenchmarkVigilanceCheck/"} {
			if rest, ok := strings.CutPrefix(name, prefix); ok {
				if size, _, _ := strings.Cut(rest, "/"); !contains(sizes, size) {
					sizes = append(sizes, size)
				}
			}
		}
	}
	if len(sizes) > 0 {
		fmt.Fprintf(w, "\nThe vigilance over a département (services/parcours), in process.\n")
	}
	for _, size := range sizes {
		fmt.Fprintf(w, "  %s:\n", size)
		raw, fold := results["BenchmarkVigilanceFold/"+size+"/raw-jetstream-read"], results["BenchmarkVigilanceFold/"+size+"/fold"]
		if raw["events/s"] > 0 && fold["events/s"] > 0 {
			fmt.Fprintf(w, "    fold of every event (support, due marks): %.0f events/s, %.1f µs an event; raw JetStream read %.0f events/s: ratio %.2f\n",
				fold["events/s"], fold["ns/event"]/1000, raw["events/s"], fold["events/s"]/raw["events/s"])
		}
		cold, warm, read := results["BenchmarkVigilanceCheck/"+size+"/check-cold"], results["BenchmarkVigilanceCheck/"+size+"/check-warm"],
			results["BenchmarkVigilanceCheck/"+size+"/raw-read"]
		if read["p50-µs"] > 0 {
			fmt.Fprintf(w, "    a person due checked (file read as stored now, rules applied): cold p50 %.0f µs, p99 %.0f µs; warm (the live case) p50 %.0f µs, p99 %.0f µs\n",
				cold["p50-µs"], cold["p99-µs"], warm["p50-µs"], warm["p99-µs"])
			fmt.Fprintf(w, "    beside a raw read of the same file's events, p50 %.0f µs: cold check ratio %.2f\n", read["p50-µs"], cold["p50-µs"]/read["p50-µs"])
		}
	}
	fan, raw := results["BenchmarkNotificationFanOut/raise-to-subscribers"], results["BenchmarkNotificationFanOut/raw-jetstream-publish-to-consumer"]
	if fan["all-4-p50-µs"] > 0 && raw["p50-µs"] > 0 {
		fmt.Fprintf(w, "\nNotification fan-out (cmd/internal/app, sync=always): a risk raised to its 4 recipients' subscriptions over gRPC:\n")
		fmt.Fprintf(w, "  first recipient p50 %.1f ms, p99 %.1f ms; all four p50 %.1f ms, p99 %.1f ms\n",
			fan["first-p50-µs"]/1000, fan["first-p99-µs"]/1000, fan["all-4-p50-µs"]/1000, fan["all-4-p99-µs"]/1000)
		fmt.Fprintf(w, "  raw JetStream publish to a consumer: p50 %.2f ms, p99 %.2f ms: all-four ratio %.1f (p50)\n",
			raw["p50-µs"]/1000, raw["p99-µs"]/1000, fan["all-4-p50-µs"]/raw["p50-µs"])
	}
}
