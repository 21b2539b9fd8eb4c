package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/maillage/maillage/cmd/internal/app"
	"github.com/maillage/maillage/internal/natsembed"
)

// startMaillaged starts maillaged in-process as cmd/internal/app's tests
// do: embedded NATS, TLS auto, real tokens, on a free loopback port.
func startMaillaged(t testing.TB) (addr, dataDir string) {
	t.Helper()
	dataDir = t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, app.Config{
		DataDir: dataDir, Addr: "127.0.0.1:0", MetricsAddr: "off", Sync: natsembed.SyncInterval,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("maillaged: %v", err)
		}
	})
	return a.Addr().String(), dataDir
}

// envInt reads a knob of the profiling run (see TestLoad), or def.
func envInt(t testing.TB, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("%s=%q: %v", name, v, err)
	}
	return n
}

// TestLoad runs the generator against an in-process maillaged and checks
// the report's arithmetic. MAILLAGE_LOAD_RATE and MAILLAGE_LOAD_SECONDS
// make it a profiling harness:
//
//	MAILLAGE_LOAD_RATE=1500 MAILLAGE_LOAD_SECONDS=10 go test -run TestLoad -cpuprofile cpu.out ./maillage-load
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts maillaged and loads it for seconds")
	}
	addr, dir := startMaillaged(t)
	rate, secs := envInt(t, "MAILLAGE_LOAD_RATE", 200), envInt(t, "MAILLAGE_LOAD_SECONDS", 2)
	cfg, _, err := parseFlags([]string{"--addr", addr, "--data", dir, "--rate", strconv.Itoa(rate),
		"--duration", strconv.Itoa(secs) + "s", "--people", "50", "--concurrency", "32"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(secs)*time.Second+time.Minute)
	defer cancel()
	rep, err := load(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	rep.WriteText(&text)
	t.Logf("\n%s", text.String())

	want := float64(rate * secs)
	if rep.Scheduled != int(want) || rep.Unsent != 0 || rep.Interrupted {
		t.Errorf("scheduled %d (want %.0f), unsent %d, interrupted %v", rep.Scheduled, want, rep.Unsent, rep.Interrupted)
	}
	byOp := map[string]OpStats{}
	for _, s := range rep.Ops {
		byOp[s.Op] = s
		if len(s.Errors) > 0 {
			t.Errorf("%s: errors %v", s.Op, s.Errors)
		}
		p := s.Latency
		if !(0 < p.P50 && p.P50 <= p.P90 && p.P90 <= p.P99 && p.P99 <= p.P999 && p.P999 <= p.Max) {
			t.Errorf("%s: latency percentiles out of order: %+v", s.Op, p)
		}
		if s.Service.P50 > p.P50 || s.Service.Max > p.Max {
			t.Errorf("%s: service time %+v above latency from the due time %+v", s.Op, s.Service, p)
		}
	}
	all := byOp["all"]
	if math.Abs(float64(all.Count)-want) > 0.1*want {
		t.Errorf("all: %d calls, want %.0f ± 10%%", all.Count, want)
	}
	if math.Abs(all.AchievedPerS-float64(rate)) > 0.1*float64(rate) {
		t.Errorf("all: achieved %.1f/s, want %d ± 10%%", all.AchievedPerS, rate)
	}
	sum := byOp["anticipate"].Count + byOp["rupture"].Count + byOp["view"].Count
	if sum != all.Count || byOp["commands"].Count != byOp["anticipate"].Count+byOp["rupture"].Count {
		t.Errorf("per-operation counts %d do not add up to all %d, or commands %d", sum, all.Count, byOp["commands"].Count)
	}
	// 60/20/20 mix, within a wide margin.
	if f := float64(byOp["anticipate"].Count) / float64(all.Count); f < 0.5 || f > 0.7 {
		t.Errorf("anticipate is %.2f of calls, want about 0.6", f)
	}
	// The JSON report carries the same numbers.
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"op":"all","count":`+strconv.Itoa(all.Count)) {
		t.Errorf("JSON report lacks the count of all: %s", b)
	}
}

func TestNonLoopbackAddrRefused(t *testing.T) {
	for _, addr := range []string{"10.0.0.5:7443", "192.168.1.10:7443", "[2001:db8::1]:7443", "0.0.0.0:7443", "[::]:7443",
		"example.com:7443", "maillage.internal:7443", "127.0.0.1", "dns:///10.0.0.5:7443"} {
		t.Run(addr, func(t *testing.T) {
			_, _, err := parseFlags([]string{"--addr", addr}, io.Discard)
			if err == nil || !strings.Contains(err.Error(), "--addr") {
				t.Fatalf("--addr %s: error %v, want a refusal naming --addr", addr, err)
			}
			// The core refuses it too, before any connection.
			if _, err := load(context.Background(), config{Addr: addr, Rate: 1, Duration: time.Second, People: 1, Concurrency: 1, Mix: mix{1, 0, 0}}); err == nil {
				t.Fatalf("load(%s) ran", addr)
			}
		})
	}
	for _, addr := range []string{"127.0.0.1:7443", "127.3.2.1:1", "[::1]:7443", "localhost:7443", "LOCALHOST:7443"} {
		if err := checkLoopback(addr); err != nil {
			t.Errorf("checkLoopback(%s) = %v, want accepted", addr, err)
		}
	}
	_, _, err := parseFlags([]string{"--addr", "10.0.0.5:7443"}, io.Discard)
	if !strings.Contains(err.Error(), "not a loopback address") {
		t.Errorf("error %q does not say why", err)
	}
}

func TestFlagsValidated(t *testing.T) {
	for _, args := range [][]string{
		{"--rate", "0"}, {"--rate", "5001"}, {"--rate", "NaN"}, {"--duration", "11m"}, {"--duration", "0s"},
		{"--people", "0"}, {"--concurrency", "0"}, {"--mix", "anticipate=60,delete=40"}, {"--mix", "anticipate=0"},
		{"--mix", "view"}, {"--mix", "view=-1"}, {"--mix", "view=1,view=2"},
	} {
		if _, _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%v: accepted", args)
		}
	}
	cfg, asJSON, err := parseFlags([]string{"--json", "--mix", "view=1"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !asJSON || cfg.Mix != (mix{0, 0, 1}) || cfg.Addr != "127.0.0.1:7443" || cfg.Rate != 1000 || cfg.Duration != 20*time.Second ||
		cfg.People != 1000 || cfg.Concurrency != 64 || cfg.CAFile != "data/tls/ca.pem" {
		t.Errorf("defaults = %+v", cfg)
	}
}

func TestPercentiles(t *testing.T) {
	ds := make([]time.Duration, 1000)
	for i := range ds {
		ds[len(ds)-1-i] = time.Duration(i+1) * time.Millisecond // 1..1000 ms, reversed
	}
	got := percentiles(ds)
	want := Percentiles{P50: 500, P90: 900, P99: 990, P999: 999, Max: 1000}
	if got != want {
		t.Errorf("percentiles = %+v, want %+v", got, want)
	}
	if got := percentiles(nil); got != (Percentiles{}) {
		t.Errorf("percentiles(nil) = %+v", got)
	}
}
