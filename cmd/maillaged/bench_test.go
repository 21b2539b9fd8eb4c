package main

import (
	"bufio"
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/natsembed"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
	"github.com/maillage/maillage/services/parcours/department"
)

// BenchmarkServer measures maillaged as an operator runs it, a process
// started on a département's store (package department; 20,000 people,
// MAILLAGE_BENCH_PEOPLE changes it), beside the engine underneath in the
// same run:
//
//   - raw-replay: the fastest full read of the same store by a JetStream
//     ordered consumer in this process (events/s);
//   - cold-start: from exec to health SERVING with no views on disk, so
//     every view is rebuilt (s; events/s of the rebuild; resident memory);
//   - noop-grpc: a health check on the same connection, what any call
//     costs;
//   - view-read, caseload: GetCoordinatedView and ListCaseload over gRPC
//     (TLS, token, access rules, audit), one caller (p50, p99);
//   - warm-restart: SIGTERM, then exec to SERVING again (s; memory);
//   - view-read-sync-always: reads once the store fsyncs every write,
//     the audit's too.
//
// Targets (ARCHITECTURE.md): resident memory < 1 GiB, restart to serving
// < 5 s, rebuild < 10 s at 20,000 people, view read p99 < 1 ms, caseload
// p99 < 10 ms. Run it with -benchtime=1x: each stage is one measure.
func BenchmarkServer(b *testing.B) {
	people := department.DefaultPeople
	if n, err := strconv.Atoi(os.Getenv("MAILLAGE_BENCH_PEOPLE")); err == nil && n > 0 {
		people = n
	}
	dept, err := department.Prepare(people, os.Stderr)
	if err != nil {
		b.Fatal(err)
	}
	data := b.TempDir()
	if err := os.CopyFS(filepath.Join(data, "nats"), os.DirFS(dept.Dir)); err != nil {
		b.Fatal(err)
	}
	b.Run(fmt.Sprintf("people=%d", people), func(parent *testing.B) {
		b := parent
		b.Run("raw-replay", func(b *testing.B) {
			for range b.N {
				n, took, err := rawReplay(filepath.Join(data, "nats"))
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(n)/took.Seconds(), "events/s")
			}
		})
		var srv *served
		b.Run("cold-start", func(b *testing.B) {
			srv = serve(b, parent, data, "interval")
			b.ReportMetric(srv.ready.Seconds(), "s")
			b.ReportMetric(float64(dept.Events)/srv.ready.Seconds(), "events/s")
			srv.reportMemory(b)
		})
		client := srv.dial(b, people)
		b.Run("noop-grpc", func(b *testing.B) { client.noop(b) })
		b.Run("view-read", func(b *testing.B) { client.readViews(b, people) })
		b.Run("caseload", func(b *testing.B) { client.readCaseloads(b) })
		b.Run("memory-after-reads", func(b *testing.B) { srv.reportMemory(b) })
		srv.stop(b)
		b.Run("warm-restart", func(b *testing.B) {
			srv = serve(b, parent, data, "interval")
			b.ReportMetric(srv.ready.Seconds(), "s")
			srv.reportMemory(b)
		})
		srv.stop(b)
		srv = serve(b, parent, data, "always")
		client = srv.dial(b, people)
		b.Run("view-read-sync-always", func(b *testing.B) { client.readViews(b, people) })
		srv.stop(b)
	})
}

// rawReplay reads the whole store with the engine's fastest full read:
// an unfiltered ordered consumer with large pulls, in process.
func rawReplay(storeDir string) (int, time.Duration, error) {
	ns, err := natsembed.Start(natsembed.Config{StoreDir: storeDir, Sync: natsembed.SyncInterval, NoListen: true})
	if err != nil {
		return 0, 0, err
	}
	defer ns.Shutdown()
	nc, err := nats.Connect("", nats.InProcessServer(ns))
	if err != nil {
		return 0, 0, err
	}
	defer nc.Close()
	return department.RawReplay(nc)
}

// benchLogLevel: MAILLAGE_BENCH_LOG_LEVEL, default info (a line per call,
// as an operator runs it).
var benchLogLevel = cmp.Or(os.Getenv("MAILLAGE_BENCH_LOG_LEVEL"), "info")

// served is a maillaged process, once it answered SERVING.
type served struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed when the process has ended, with err
	err    error
	dir    string
	addr   string
	ready  time.Duration // from exec to SERVING
}

// serve execs maillaged (this test binary, see TestMain) on dir and
// waits until its overall health is SERVING; owner's end kills it if it
// still runs.
func serve(b, owner *testing.B, dir, sync string) *served {
	b.Helper()
	addr := freeAddr(b)
	cmd := exec.Command(os.Args[0], "--data", dir, "--addr", addr, "--metrics-addr", "off",
		"--log-format", "json", "--sync", sync, "--log-level", benchLogLevel)
	cmd.Env = append(os.Environ(), "MAILLAGED_TEST_AS_SERVER=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	s := &served{cmd: cmd, exited: make(chan struct{}), dir: dir, addr: addr}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if text := sc.Text(); strings.HasPrefix(text, "DBG") || strings.HasPrefix(text, "maillaged:") || strings.Contains(text, `"level":"ERROR"`) {
				fmt.Fprintln(os.Stderr, text) // what went wrong, in the benchmark's output
			}
		}
	}()
	go func() { s.err = cmd.Wait(); close(s.exited) }()
	owner.Cleanup(func() {
		cmd.Process.Kill() // an error once it has ended
		<-s.exited
	})
	// The TLS CA is written at the first start, before the server listens.
	for {
		if _, err := os.Stat(filepath.Join(dir, "tls", "ca.pem")); err == nil {
			break
		}
		select {
		case <-s.exited:
			b.Fatalf("maillaged exited before listening: %v", s.err)
		case <-time.After(2 * time.Millisecond):
		}
	}
	cc := s.conn(b, nil)
	defer cc.Close()
	health := healthpb.NewHealthClient(cc)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		r, err := health.Check(ctx, &healthpb.HealthCheckRequest{})
		cancel()
		if err == nil && r.GetStatus() == healthpb.HealthCheckResponse_SERVING {
			s.ready = time.Since(start)
			return s
		}
		select {
		case <-s.exited:
			b.Fatalf("maillaged exited before serving: %v", s.err)
		default:
		}
		if time.Since(start) > 10*time.Minute {
			b.Fatalf("maillaged not SERVING after 10 minutes: %v %v", r, err)
		}
		time.Sleep(2 * time.Millisecond) // polling the server's own answer, as an orchestrator does
	}
}

// freeAddr returns a loopback address no one listens on now.
func freeAddr(b *testing.B) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// reportMemory reports the process's resident set now and its peak.
func (s *served) reportMemory(b *testing.B) {
	b.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		b.Skipf("no /proc here: %v", err)
	}
	for line := range strings.Lines(string(status)) {
		name, value, _ := strings.Cut(line, ":")
		if name != "VmRSS" && name != "VmHWM" {
			continue
		}
		kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 64)
		unit := map[string]string{"VmRSS": "rss-MiB", "VmHWM": "peak-rss-MiB"}[name]
		b.ReportMetric(kb/1024, unit)
	}
}

func (s *served) stop(b *testing.B) {
	b.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		b.Fatal(err)
	}
	select {
	case <-s.exited:
		if s.err != nil {
			b.Fatalf("maillaged exited with %v after SIGTERM", s.err)
		}
	case <-time.After(2 * time.Minute):
		b.Fatal("maillaged still running 2 minutes after SIGTERM")
	}
}

// conn dials the server over TLS with the local CA, sending token when
// one is given.
func (s *served) conn(b *testing.B, token *string) *grpc.ClientConn {
	b.Helper()
	pem, err := os.ReadFile(filepath.Join(s.dir, "tls", "ca.pem"))
	if err != nil {
		b.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	opts := []grpc.DialOption{grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: pool, ServerName: "localhost"})),
		// A server still starting refuses connections: try again soon,
		// not after gRPC's default second, which the restart would count.
		grpc.WithConnectParams(grpc.ConnectParams{Backoff: backoff.Config{BaseDelay: 2 * time.Millisecond, Multiplier: 1.2, MaxDelay: 20 * time.Millisecond},
			MinConnectTimeout: time.Second})}
	if token != nil {
		opts = append(opts, grpc.WithPerRPCCredentials(bearer(*token)))
	}
	cc, err := grpc.NewClient(s.addr, opts...)
	if err != nil {
		b.Fatal(err)
	}
	return cc
}

// coordinators calls maillaged as the département's coordinators, each
// with their own token, over one connection.
type coordinators struct {
	api    parcoursv1.ParcoursServiceClient
	health healthpb.HealthClient
	tokens []grpc.CallOption
}

func (s *served) dial(b *testing.B, people int) *coordinators {
	b.Helper()
	key, err := auth.LoadSigningKey(s.dir)
	if err != nil {
		b.Fatal(err)
	}
	iss, err := auth.NewIssuer(auth.IssuerConfig{Key: key})
	if err != nil {
		b.Fatal(err)
	}
	c := &coordinators{}
	for i := range department.Coordinators(people) {
		token, err := iss.Issue(auth.Principal{Subject: department.Coordinator(i), Organisation: department.Organisation, Role: auth.RoleCoordinateur})
		if err != nil {
			b.Fatal(err)
		}
		c.tokens = append(c.tokens, grpc.PerRPCCredentials(bearer(token)))
	}
	cc := s.conn(b, nil)
	b.Cleanup(func() { cc.Close() })
	c.api, c.health = parcoursv1.NewParcoursServiceClient(cc), healthpb.NewHealthClient(cc)
	return c
}

// noop is a health check on the same connection: what any call costs.
func (c *coordinators) noop(b *testing.B) {
	ctx := context.Background()
	lat := make([]time.Duration, 0, max(b.N, 20000))
	b.ResetTimer()
	for range max(b.N, 20000) {
		t0 := time.Now()
		if _, err := c.health.Check(ctx, &healthpb.HealthCheckRequest{}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	reportLatency(b, lat, "µs", time.Microsecond)
}

// readViews reads random people's views, each as their coordinator.
func (c *coordinators) readViews(b *testing.B, people int) {
	r := rand.New(rand.NewPCG(3, 4))
	ctx := context.Background()
	lat := make([]time.Duration, 0, max(b.N, 20000))
	b.ResetTimer()
	for range max(b.N, 20000) {
		p := r.IntN(people)
		t0 := time.Now()
		if _, err := c.api.GetCoordinatedView(ctx, &parcoursv1.GetCoordinatedViewRequest{PersonId: department.PersonID(p)},
			c.tokens[department.CoordinatorOf(p, people)]); err != nil {
			b.Fatalf("view of person %d: %v", p, err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	reportLatency(b, lat, "µs", time.Microsecond)
}

// readCaseloads lists each coordinator's whole caseload, page by page.
func (c *coordinators) readCaseloads(b *testing.B) {
	ctx := context.Background()
	n := max(b.N, 2000)
	lat := make([]time.Duration, 0, n)
	listed := 0
	b.ResetTimer()
	for i := range n {
		token := c.tokens[i%len(c.tokens)]
		req := &parcoursv1.ListCaseloadRequest{PageSize: 500}
		t0 := time.Now()
		for {
			res, err := c.api.ListCaseload(ctx, req, token)
			if err != nil {
				b.Fatalf("caseload of %s: %v", department.Coordinator(i%len(c.tokens)), err)
			}
			listed += len(res.GetEntries())
			if res.GetNextPageToken() == "" {
				break
			}
			req.PageToken = res.GetNextPageToken()
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	b.ReportMetric(float64(listed)/float64(n), "people/op")
	reportLatency(b, lat, "ms", time.Millisecond)
}

func reportLatency(b *testing.B, lat []time.Duration, unit string, per time.Duration) {
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2])/float64(per), "p50-"+unit)
	b.ReportMetric(float64(lat[len(lat)*99/100])/float64(per), "p99-"+unit)
}
