package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"google.golang.org/grpc/codes"
)

// targetP99 is the architecture's target for a call at the rate asked.
const targetP99 = 5 * time.Millisecond

// recorder keeps every call's outcome in slices allocated before the run,
// indexed by call number: each index is written by one goroutine, and read
// once the run is over. 3M calls (10 min at 5k/s) take 75 MB, and the
// report sorts copies of the latencies: about 125 MB at most.
type recorder struct {
	op      []op
	person  []int32
	latency []time.Duration // from the due time; -1 while not done
	service []time.Duration // from the send
	code    []codes.Code

	start, end  time.Time
	unsent      int
	interrupted bool
}

func newRecorder(n int) *recorder {
	r := &recorder{
		op: make([]op, n), person: make([]int32, n),
		latency: make([]time.Duration, n), service: make([]time.Duration, n), code: make([]codes.Code, n),
	}
	for i := range r.latency {
		r.latency[i] = -1
	}
	return r
}

func (r *recorder) done(i int, latency, service time.Duration, code codes.Code) {
	r.latency[i], r.service[i], r.code[i] = latency, service, code
}

// Report is the outcome of a run.
type Report struct {
	Addr        string  `json:"addr"`
	RateAsked   float64 `json:"rate_asked_per_s"`
	DurationS   float64 `json:"duration_s"`
	People      int     `json:"people"`
	Concurrency int     `json:"concurrency"`
	Mix         string  `json:"mix"`
	// Scheduled is rate × duration; Unsent of them were never sent (the
	// server had fallen more than 5 s behind, or the run was interrupted).
	Scheduled   int  `json:"scheduled"`
	Unsent      int  `json:"unsent"`
	Interrupted bool `json:"interrupted,omitempty"`
	// Ops has one line per operation, then "commands" (anticipate and
	// rupture together) and "all".
	Ops    []OpStats `json:"ops"`
	Target Verdict   `json:"target"`
}

// OpStats sums up the calls of one operation. Latencies include every
// completed call, failed ones too, from its due time (Latency) and from its
// send (Service: the server and the network alone, without the wait for a
// free worker or the timer's lateness).
type OpStats struct {
	Op string `json:"op"`
	// Count is the calls completed, with any status.
	Count  int            `json:"count"`
	Errors map[string]int `json:"errors,omitempty"` // by gRPC code
	// AchievedPerS is Count over the time from the first due call to the
	// last answer.
	AchievedPerS float64     `json:"achieved_per_s"`
	Latency      Percentiles `json:"latency_ms"`
	Service      Percentiles `json:"service_ms"`
}

// Percentiles in milliseconds, nearest rank.
type Percentiles struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p99_9"`
	Max  float64 `json:"max"`
}

// Verdict says whether the run met p99 < 5 ms at the rate asked: every
// call sent and answered without error, at least 95 % of the rate asked
// achieved, and a p99 under target for all calls and for commands.
type Verdict struct {
	P99TargetMs float64  `json:"p99_target_ms"`
	Met         bool     `json:"met"`
	Why         []string `json:"why_not,omitempty"`
}

func (r *recorder) report(cfg config) *Report {
	rep := &Report{
		Addr: cfg.Addr, RateAsked: cfg.Rate, DurationS: cfg.Duration.Seconds(), People: cfg.People,
		Concurrency: cfg.Concurrency, Mix: cfg.Mix.String(),
		Scheduled: len(r.latency), Unsent: r.unsent, Interrupted: r.interrupted,
	}
	var lastAnswer time.Duration // since start
	for i, l := range r.latency {
		if l >= 0 {
			due := time.Duration(float64(i) * float64(time.Second) / cfg.Rate)
			lastAnswer = max(lastAnswer, due+l)
		}
	}
	window := lastAnswer.Seconds()
	sel := func(name string, keep func(op) bool) OpStats {
		s := OpStats{Op: name}
		var lat, svc []time.Duration
		for i, l := range r.latency {
			if l < 0 || !keep(r.op[i]) {
				continue
			}
			lat, svc = append(lat, l), append(svc, r.service[i])
			if c := r.code[i]; c != codes.OK {
				if s.Errors == nil {
					s.Errors = map[string]int{}
				}
				s.Errors[c.String()]++
			}
		}
		s.Count = len(lat)
		if window > 0 {
			s.AchievedPerS = math.Round(float64(s.Count)/window*10) / 10
		}
		s.Latency, s.Service = percentiles(lat), percentiles(svc)
		return s
	}
	for o := range numOps {
		if cfg.Mix[o] > 0 {
			rep.Ops = append(rep.Ops, sel(o.String(), func(x op) bool { return x == o }))
		}
	}
	cmds := sel("commands", func(x op) bool { return x != opView })
	if cmds.Count > 0 {
		rep.Ops = append(rep.Ops, cmds)
	}
	all := sel("all", func(op) bool { return true })
	rep.Ops = append(rep.Ops, all)

	v := Verdict{P99TargetMs: ms(targetP99)}
	if rep.Interrupted {
		v.Why = append(v.Why, "interrupted")
	}
	if rep.Unsent > 0 {
		v.Why = append(v.Why, fmt.Sprintf("%d calls never sent: the server fell behind", rep.Unsent))
	}
	if n := errorCount(all); n > 0 {
		v.Why = append(v.Why, fmt.Sprintf("%d calls failed", n))
	}
	if all.AchievedPerS < 0.95*cfg.Rate {
		v.Why = append(v.Why, fmt.Sprintf("achieved %.1f calls/s of %.0f asked", all.AchievedPerS, cfg.Rate))
	}
	for _, s := range []OpStats{cmds, all} {
		if s.Count > 0 && s.Latency.P99 >= v.P99TargetMs {
			v.Why = append(v.Why, fmt.Sprintf("p99 of %s %.2f ms ≥ %.0f ms", s.Op, s.Latency.P99, v.P99TargetMs))
		}
	}
	v.Met = len(v.Why) == 0
	rep.Target = v
	return rep
}

func errorCount(s OpStats) int {
	n := 0
	for _, c := range s.Errors {
		n += c
	}
	return n
}

// percentiles sorts ds in place.
func percentiles(ds []time.Duration) Percentiles {
	if len(ds) == 0 {
		return Percentiles{}
	}
	slices.Sort(ds)
	at := func(q float64) float64 {
		k := int(math.Ceil(q*float64(len(ds)))) - 1
		return ms(ds[min(max(k, 0), len(ds)-1)])
	}
	return Percentiles{P50: at(0.50), P90: at(0.90), P99: at(0.99), P999: at(0.999), Max: ms(ds[len(ds)-1])}
}

func ms(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }

// WriteText prints the report as a table.
func (rep *Report) WriteText(w io.Writer) {
	fmt.Fprintf(w, "maillage-load → %s: %.0f calls/s for %gs, %d people, concurrency %d, mix %s\n",
		rep.Addr, rep.RateAsked, rep.DurationS, rep.People, rep.Concurrency, rep.Mix)
	interrupted := ""
	if rep.Interrupted {
		interrupted = " (interrupted)"
	}
	fmt.Fprintf(w, "scheduled %d, unsent %d%s\n\n", rep.Scheduled, rep.Unsent, interrupted)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "op\tcount\terrors\tachieved/s\tp50\tp90\tp99\tp99.9\tmax (ms)\tservice p50\tp99 (ms)\t")
	for _, s := range rep.Ops {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%.1f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t%.2f\t\n", s.Op, s.Count, errorsText(s.Errors),
			s.AchievedPerS, s.Latency.P50, s.Latency.P90, s.Latency.P99, s.Latency.P999, s.Latency.Max, s.Service.P50, s.Service.P99)
	}
	tw.Flush()
	verdict := "MET"
	if !rep.Target.Met {
		verdict = "NOT MET: " + strings.Join(rep.Target.Why, "; ")
	}
	fmt.Fprintf(w, "\np99 < %.0f ms at %.0f calls/s: %s\n", rep.Target.P99TargetMs, rep.RateAsked, verdict)
}

func errorsText(errs map[string]int) string {
	if len(errs) == 0 {
		return "0"
	}
	parts := make([]string, 0, len(errs))
	for c, n := range errs {
		parts = append(parts, fmt.Sprintf("%s=%d", c, n))
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}
