// Command benchreport reads `go test -bench` output on its standard input
// and prints, for each pair of event store and raw JetStream benchmarks, the
// ratios between them: `make bench` pipes bench.out into it.
//
// A pair is two benchmarks with the same parent whose last name elements
// are "raw<variant>" and "es<variant>" (see internal/es/natsjs/bench_test.go):
//
//	throughput = raw ns/op ÷ es ns/op  (1.00: the store costs nothing; the
//	             ARCHITECTURE target for appends is ≥ 0.70)
//	p50, p99   = es ÷ raw latency percentiles (lower is better; the p50
//	             ratio is the one least moved by other load on the machine)
//
// Benchmarks without a partner are ignored. It exits 1 when it finds no pair.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
)

// target is the share of the raw engine's append throughput the event store
// must keep (ARCHITECTURE.md, "Scale model").
const target = 0.70

// result is one benchmark line: its metrics by unit (ns/op, p99-µs, …).
type result map[string]float64

func main() {
	results, order, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
	pairs := pairUp(results, order)
	commands := commandRuns(results, order)
	if len(pairs) == 0 && len(commands) == 0 && !hasPrefix(order, "BenchmarkViewRead/") && !hasPrefix(order, "BenchmarkRebuild/") &&
		len(trustRuns(results, order)) == 0 && !hasPrefix(order, "BenchmarkServer/") && !hasPrefix(order, "BenchmarkPartners/") &&
		!hasPrefix(order, "BenchmarkVigilance") && !hasPrefix(order, "BenchmarkNotificationFanOut/") {
		fmt.Fprintln(os.Stderr, "benchreport: no raw/es pair nor command run in the input")
		os.Exit(1)
	}
	if len(pairs) > 0 {
		report(os.Stdout, pairs)
	}
	reportCommands(os.Stdout, results, commands)
	reportViews(os.Stdout, results, order)
	reportTrust(os.Stdout, results, order)
	reportServer(os.Stdout, results, order)
	reportPartners(os.Stdout, results, order)
	reportVigilance(os.Stdout, results, order)
}

func hasPrefix(order []string, prefix string) bool {
	for _, name := range order {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

// parse reads benchmark lines: name, iterations, then value-unit pairs.
// It returns the results by name and the names in input order, without the
// "-GOMAXPROCS" suffix go test appends to every name. A benchmark run several
// times (-count) gets the median of each metric: on a shared machine, one
// disturbed run must not decide.
func parse(r io.Reader) (map[string]result, []string, error) {
	runs := map[string][]result{}
	var order []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue // a log line that starts with a benchmark's name
		}
		res := result{}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: metric %q: %w", f[0], f[i], err)
			}
			res[f[i+1]] = v
		}
		if _, seen := runs[f[0]]; !seen {
			order = append(order, f[0])
		}
		runs[f[0]] = append(runs[f[0]], res)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, err
	}
	suffix := procsSuffix(order)
	results := make(map[string]result, len(runs))
	for i, name := range order {
		order[i] = strings.TrimSuffix(name, suffix)
		results[order[i]] = median(runs[name])
	}
	return results, order, nil
}

// median returns each metric's median over runs.
func median(runs []result) result {
	out := result{}
	for unit := range runs[0] {
		var vs []float64
		for _, r := range runs {
			if v, ok := r[unit]; ok {
				vs = append(vs, v)
			}
		}
		sort.Float64s(vs)
		n := len(vs)
		out[unit] = (vs[(n-1)/2] + vs[n/2]) / 2
	}
	return out
}

var digitsSuffix = regexp.MustCompile(`-\d+$`)

// procsSuffix returns the "-N" go test appends to every name when
// GOMAXPROCS is not 1. Names may end in digits themselves (es-par16), so it
// is only a suffix that every name has.
func procsSuffix(names []string) string {
	var suffix string
	for i, name := range names {
		s := digitsSuffix.FindString(name)
		if s == "" || i > 0 && s != suffix {
			return ""
		}
		suffix = s
	}
	return suffix
}

type pair struct {
	label   string // Append/sync=interval/{raw,es}-par16
	append  bool   // the ARCHITECTURE target applies
	raw, es result
}

// pairUp finds the es benchmark of every raw one, in input order.
func pairUp(results map[string]result, order []string) []pair {
	var pairs []pair
	for _, name := range order {
		parent, last, ok := cutLast(name)
		if !ok || !strings.HasPrefix(last, "raw") {
			continue
		}
		variant := strings.TrimPrefix(last, "raw")
		es, ok := results[parent+"/es"+variant]
		if !ok {
			continue
		}
		label := strings.TrimPrefix(parent, "Benchmark") + "/{raw,es}" + variant
		pairs = append(pairs, pair{
			label:  label,
			append: strings.HasPrefix(parent, "BenchmarkAppend"),
			raw:    results[name],
			es:     es,
		})
	}
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].append && !pairs[j].append })
	return pairs
}

func cutLast(name string) (parent, last string, ok bool) {
	i := strings.LastIndexByte(name, '/')
	if i < 0 {
		return "", "", false
	}
	return name[:i], name[i+1:], true
}

func report(w io.Writer, pairs []pair) {
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Event store (es) beside raw JetStream (raw), same run. throughput = raw ns/op ÷ es ns/op; p50, p99 = es ÷ raw.\n")
	fmt.Fprintf(w, "Target (ARCHITECTURE.md): append through internal/es ≥ %.0f %% of a raw expected-sequence publish.\n\n", target*100)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "pair\traw ns/op\tes ns/op\tthroughput\tp50 es/raw\traw p99 µs\tes p99 µs\tp99 es/raw\ttarget ≥70%\t")
	for _, p := range pairs {
		rawNs, esNs := p.raw["ns/op"], p.es["ns/op"]
		ratio := rawNs / esNs
		verdict := "(no target)"
		if p.append {
			verdict = "meets"
			if ratio < target {
				verdict = "MISSES"
			}
		}
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.2f\t%s\t%s\t%s\t%s\t%s\t\n",
			p.label, rawNs, esNs, ratio, ratioOf(p.es, p.raw, "p50-µs"),
			metric(p.raw, "p99-µs"), metric(p.es, "p99-µs"), ratioOf(p.es, p.raw, "p99-µs"), verdict)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nRead: raw-cold is an ordered consumer per load (create, drain, delete), raw-tail a direct get of the last message.")
	fmt.Fprintln(w, "Replay: one op is a full replay; see events/s in bench.out.")
}

func metric(r result, unit string) string {
	v, ok := r[unit]
	if !ok {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', 0, 64)
}

func ratioOf(a, b result, unit string) string {
	x, okA := a[unit]
	y, okB := b[unit]
	if !okA || !okB || y == 0 {
		return "-"
	}
	return strconv.FormatFloat(x/y, 'f', 2, 64)
}
