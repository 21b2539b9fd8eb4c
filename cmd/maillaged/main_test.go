package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/maillage/maillage/internal/auth"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The test binary doubles as maillaged, so that tests can kill a real
// server process without building one.
func TestMain(m *testing.M) {
	if os.Getenv("MAILLAGED_TEST_AS_SERVER") == "1" {
		// MAILLAGED_TEST_CPU_PROFILE=file profiles each server process of a
		// benchmark into file.<pid> (go tool pprof).
		if path := os.Getenv("MAILLAGED_TEST_CPU_PROFILE"); path != "" {
			f, err := os.Create(fmt.Sprintf("%s.%d", path, os.Getpid()))
			if err == nil && pprof.StartCPUProfile(f) == nil {
				defer pprof.StopCPUProfile()
			}
		}
		if err := run(os.Args[1:], os.Getenv, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "maillaged:", err)
			pprof.StopCPUProfile()
			os.Exit(1)
		}
		pprof.StopCPUProfile()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

type process struct {
	cmd  *exec.Cmd
	addr string
	done chan error
}

// startServer runs maillaged on dir with the default fsync policy
// (always) and waits until it listens.
func startServer(t *testing.T, dir string) *process {
	t.Helper()
	cmd := exec.Command(os.Args[0], "--data", dir, "--addr", "127.0.0.1:0", "--metrics-addr", "off", "--log-format", "json")
	cmd.Env = append(os.Environ(), "MAILLAGED_TEST_AS_SERVER=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, done: make(chan error, 1)}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "serving gRPC" {
				addr <- line.Addr
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill(); <-p.done })
	select {
	case p.addr = <-addr:
	case err := <-p.done:
		t.Fatalf("maillaged exited before serving: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("maillaged not serving after 30s")
	}
	return p
}

func (p *process) signal(t *testing.T, sig syscall.Signal) error {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		p.done <- err // for the cleanup
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("maillaged still running 30s after %v", sig)
		return nil
	}
}

func dial(t *testing.T, dir, addr string) parcoursv1.ParcoursServiceClient {
	t.Helper()
	key, err := auth.LoadSigningKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	iss, _ := auth.NewIssuer(auth.IssuerConfig{Key: key})
	token, err := iss.Issue(auth.Principal{Subject: "sis-test", Organisation: "750000001", Role: auth.RoleCoordinateur})
	if err != nil {
		t.Fatal(err)
	}
	pem, err := os.ReadFile(filepath.Join(dir, "tls", "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	cc, err := grpc.NewClient(addr,
		grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: pool, ServerName: "localhost"})),
		grpc.WithPerRPCCredentials(bearer(token)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	w, err := healthpb.NewHealthClient(cc).Watch(ctx, &healthpb.HealthCheckRequest{Service: parcoursv1.ParcoursService_ServiceDesc.ServiceName})
	if err != nil {
		t.Fatal(err)
	}
	for {
		r, err := w.Recv()
		if err != nil {
			t.Fatalf("parcours never SERVING: %v", err)
		}
		if r.Status == healthpb.HealthCheckResponse_SERVING {
			return parcoursv1.NewParcoursServiceClient(cc)
		}
	}
}

type bearer string

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + string(b)}, nil
}
func (bearer) RequireTransportSecurity() bool { return true }

func enrolRequest(i int) *parcoursv1.EnrollPersonRequest {
	return &parcoursv1.EnrollPersonRequest{RequestId: fmt.Sprintf("durability-%d", i), BirthDate: "1950-06-01",
		Domicile:        &parcoursv1.Domicile{CommuneInsee: "35238"},
		PublicConcerned: eventsv1.PublicConcerned_PUBLIC_CONCERNED_OLDER_PERSON, LegalProtection: eventsv1.LegalProtection_LEGAL_PROTECTION_NONE}
}

// enrolWhileStopping enrols people from 4 callers until the server goes
// away, and returns the answers that were acknowledged.
func enrolWhileStopping(t *testing.T, api parcoursv1.ParcoursServiceClient, stop func()) map[int]*parcoursv1.EnrollPersonResponse {
	var mu sync.Mutex
	acked := map[int]*parcoursv1.EnrollPersonResponse{}
	var wg sync.WaitGroup
	next := 0
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				resp, err := api.EnrollPerson(ctx, enrolRequest(i))
				cancel()
				if err != nil {
					return
				}
				mu.Lock()
				acked[i] = resp
				mu.Unlock()
			}
		}()
	}
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 40 {
			break
		}
		time.Sleep(5 * time.Millisecond) // polling a counter the callers fill
	}
	stop()
	wg.Wait()
	return acked
}

// checkAfterRestart restarts maillaged and checks that every acknowledged
// enrolment is there exactly once, its view too, and that a retry of each
// is answered as the first time.
func checkAfterRestart(t *testing.T, dir string, acked map[int]*parcoursv1.EnrollPersonResponse) {
	p := startServer(t, dir)
	api := dial(t, dir, p.addr)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for i, first := range acked {
		v, err := api.GetCoordinatedView(ctx, &parcoursv1.GetCoordinatedViewRequest{PersonId: first.GetPersonId(), MinPosition: first.GetPosition()})
		if err != nil {
			t.Fatalf("acknowledged enrolment %d (%s) lost: %v", i, first.GetPersonId(), err)
		}
		if v.GetView().GetVersion() != 1 {
			t.Fatalf("person %s at version %d after restart, want 1 (one event, not doubled)", first.GetPersonId(), v.GetView().GetVersion())
		}
		again, err := api.EnrollPerson(ctx, enrolRequest(i))
		if err != nil || again.GetPosition() != first.GetPosition() || again.GetVersion() != 1 {
			t.Fatalf("retry of enrolment %d after restart = %v, %v; want the first answer %v", i, again, err, first)
		}
	}
	t.Logf("%d acknowledged enrolments all present once after restart", len(acked))
}

func TestAcknowledgedWritesSurviveKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("starts maillaged processes")
	}
	dir := t.TempDir()
	p := startServer(t, dir)
	api := dial(t, dir, p.addr)
	acked := enrolWhileStopping(t, api, func() { p.signal(t, syscall.SIGKILL) })
	checkAfterRestart(t, dir, acked)
}

func TestGracefulStopLosesNoAcknowledgedWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("starts maillaged processes")
	}
	dir := t.TempDir()
	p := startServer(t, dir)
	api := dial(t, dir, p.addr)
	acked := enrolWhileStopping(t, api, func() {
		if err := p.signal(t, syscall.SIGTERM); err != nil {
			t.Errorf("maillaged exited with %v after SIGTERM, want a clean exit", err)
		}
	})
	// The views are on disk with the position they cover: they come back
	// as they were.
	if found, _ := filepath.Glob(filepath.Join(dir, "projections", "parcours-view-*", "*.sst")); len(found) == 0 {
		t.Errorf("no views on disk under %s after a graceful stop", filepath.Join(dir, "projections"))
	}
	checkAfterRestart(t, dir, acked)
}

func TestMemoryLimitSizes(t *testing.T) {
	for in, want := range map[string]int64{"768MiB": 768 << 20, "1GiB": 1 << 30, "64KiB": 64 << 10, "800000000": 800000000, "512B": 512} {
		if got, err := parseBytes(in); err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v, want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-5MiB", "MiB", "1.5GiB", "12TB", "99999999999GiB"} {
		if got, err := parseBytes(in); err == nil {
			t.Errorf("parseBytes(%q) = %d, want an error", in, got)
		}
	}
}
