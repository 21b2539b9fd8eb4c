// Command maillage-load drives a running maillaged on this machine with an
// open-loop stream of parcours commands and reads, and reports latency
// percentiles per operation against the architecture's target (p99 < 5 ms
// at 1,000 commands/s).
//
// Open loop: the i-th call is due at start + i/rate whether or not earlier
// calls have answered, and its latency runs from that due time, not from
// when it was sent, so a slow server cannot hide its queueing (coordinated
// omission). At most --concurrency calls are in flight; a call that finds
// them all busy waits, and the wait counts in its latency.
//
// It only ever targets loopback (127.0.0.0/8, ::1, localhost), runs a
// bounded number of calls for a bounded time, and stops by itself:
//
//	maillage-load --data ./data --rate 1000 --duration 20s
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Bounds of what one run may ask.
const (
	maxRate        = 5000             // calls/s; report.go keeps every latency
	maxDuration    = 10 * time.Minute // with maxRate: 3M latencies, 24 MB each slice
	maxPeople      = 100_000
	maxConcurrency = 1024
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "maillage-load:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	cfg, asJSON, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg.Progress = stderr
	rep, err := load(ctx, cfg)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	rep.WriteText(stdout)
	return nil
}

func parseFlags(args []string, stderr io.Writer) (config, bool, error) {
	var (
		cfg    config
		mix    string
		asJSON bool
	)
	fs := flag.NewFlagSet("maillage-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:7443", "maillaged gRPC address; loopback only (127.0.0.0/8, ::1, localhost)")
	fs.StringVar(&cfg.DataDir, "data", "./data", "maillaged's data directory: <data>/tls/ca.pem to trust, <data>/keys to sign a token")
	fs.StringVar(&cfg.Token, "token", "", "bearer token to send instead of minting one from <data>/keys")
	fs.StringVar(&cfg.CAFile, "tls-ca", "", "CA certificate to trust (default <data>/tls/ca.pem)")
	fs.Float64Var(&cfg.Rate, "rate", 1000, fmt.Sprintf("calls per second, open loop (1 to %d)", maxRate))
	fs.DurationVar(&cfg.Duration, "duration", 20*time.Second, "how long to send (at most "+maxDuration.String()+")")
	fs.IntVar(&cfg.People, "people", 1000, "people enrolled before the measure (not measured)")
	fs.IntVar(&cfg.Concurrency, "concurrency", 64, "calls in flight at most")
	fs.StringVar(&mix, "mix", defaultMix, "weights of the operations: anticipate, rupture, view")
	fs.BoolVar(&asJSON, "json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		return cfg, false, err
	}
	if fs.NArg() > 0 {
		return cfg, false, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	var errs []error
	var err error
	if cfg.Mix, err = parseMix(mix); err != nil {
		errs = append(errs, fmt.Errorf("--mix: %w", err))
	}
	if cfg.CAFile == "" {
		cfg.CAFile = filepath.Join(cfg.DataDir, "tls", "ca.pem")
	}
	errs = append(errs, cfg.validate())
	return cfg, asJSON, errors.Join(errs...)
}

// validate gathers every problem of cfg, naming the flags.
func (c config) validate() error {
	var errs []error
	if err := checkLoopback(c.Addr); err != nil {
		errs = append(errs, fmt.Errorf("--addr: %w", err))
	}
	if !(c.Rate >= 1 && c.Rate <= maxRate) { // also refuses NaN
		errs = append(errs, fmt.Errorf("--rate %v: want 1 to %d calls/s", c.Rate, maxRate))
	}
	if c.Duration < 100*time.Millisecond || c.Duration > maxDuration {
		errs = append(errs, fmt.Errorf("--duration %v: want 100ms to %v", c.Duration, maxDuration))
	}
	if c.People < 1 || c.People > maxPeople {
		errs = append(errs, fmt.Errorf("--people %d: want 1 to %d", c.People, maxPeople))
	}
	if c.Concurrency < 1 || c.Concurrency > maxConcurrency {
		errs = append(errs, fmt.Errorf("--concurrency %d: want 1 to %d", c.Concurrency, maxConcurrency))
	}
	if c.Mix.total() == 0 {
		errs = append(errs, errors.New("--mix: at least one operation needs a positive weight"))
	}
	return errors.Join(errs...)
}

// The operations of a run, in report order.
type op uint8

const (
	opAnticipate op = iota
	opRupture
	opView
	numOps
)

var opNames = [numOps]string{"anticipate", "rupture", "view"}

func (o op) String() string { return opNames[o] }

const defaultMix = "anticipate=60,rupture=20,view=20"

// mix is the weight of each operation.
type mix [numOps]int

func (m mix) total() int {
	n := 0
	for _, w := range m {
		n += w
	}
	return n
}

func (m mix) String() string {
	parts := make([]string, 0, numOps)
	for o, w := range m {
		parts = append(parts, opNames[o]+"="+strconv.Itoa(w))
	}
	return strings.Join(parts, ",")
}

// parseMix reads "name=weight,…"; operations not named weigh 0.
func parseMix(s string) (mix, error) {
	var m mix
	seen := map[string]bool{}
	for part := range strings.SplitSeq(s, ",") {
		name, w, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return m, fmt.Errorf("%q: want name=weight", part)
		}
		o := -1
		for i, n := range opNames {
			if n == name {
				o = i
			}
		}
		if o < 0 {
			return m, fmt.Errorf("unknown operation %q (known: %s)", name, strings.Join(opNames[:], ", "))
		}
		if seen[name] {
			return m, fmt.Errorf("%q named twice", name)
		}
		seen[name] = true
		n, err := strconv.Atoi(w)
		if err != nil || n < 0 || n > 1000 {
			return m, fmt.Errorf("%s=%q: want a weight from 0 to 1000", name, w)
		}
		m[o] = n
	}
	return m, nil
}
