package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/maillage/maillage/cmd/internal/app"
	"github.com/maillage/maillage/internal/es"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// smallDisk mounts a tmpfs of size under the test's directory, or skips
// the test, saying why, where that cannot be done (not root, no
// CAP_SYS_ADMIN, no mount command).
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "disk")
	mustNil(t, os.MkdirAll(dir, 0o700))
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a %s tmpfs for a full disk here (%v: %s): run as root or with CAP_SYS_ADMIN", size, err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	return dir
}

// On a disk that fills up, commands answer RESOURCE_EXHAUSTED with the
// cause, the server turns NOT_SERVING, and every acknowledged event is
// still there, before and after a restart.
func TestFullDiskIsAClearErrorAndLosesNothing(t *testing.T) {
	disk := smallDisk(t, "16m")
	dir := filepath.Join(disk, "data")
	m := startWith(t, dir, time.Now, "interval")
	cc := m.client(t, coordinatrice)
	waitServing(t, cc, parcoursv1.ParcoursService_ServiceDesc.ServiceName)
	api := parcoursv1.NewParcoursServiceClient(cc)
	var people []string
	for i := range 20 {
		res, err := api.EnrollPerson(ctxT(t), &parcoursv1.EnrollPersonRequest{RequestId: fmt.Sprintf("full-%d", i), BirthDate: "1990-01-01",
			Domicile: &parcoursv1.Domicile{CommuneInsee: "35238"}, PublicConcerned: 1, LegalProtection: 1})
		mustNil(t, err)
		people = append(people, res.GetPersonId())
	}
	acked := make([]uint64, len(people))
	var mu sync.Mutex
	var refusal error
	var wg sync.WaitGroup
	for w := range len(people) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 100_000; n++ {
				res, err := api.ReportRupture(ctxT(t), &parcoursv1.ReportRuptureRequest{RequestId: fmt.Sprintf("r-%d-%d", w, n), PersonId: people[w],
					Kind: eventsv1.RuptureKind_RUPTURE_KIND_NO_COORDINATOR, Description: strings.Repeat("d", 400), DetectedOn: time.Now().Format(time.DateOnly)})
				if err != nil {
					mu.Lock()
					refusal = err
					mu.Unlock()
					return
				}
				acked[w] = res.GetVersion()
			}
		}()
	}
	wg.Wait()
	st := status.Convert(refusal)
	if st.Code() != codes.ResourceExhausted || !strings.Contains(st.Message(), "no room") {
		t.Fatalf("when the disk is full: %v, want RESOURCE_EXHAUSTED saying so", refusal)
	}
	health := healthpb.NewHealthClient(cc)
	deadline := time.Now().Add(10 * time.Second)
	for {
		h, err := health.Check(ctxT(t), &healthpb.HealthCheckRequest{})
		if err == nil && h.GetStatus() == healthpb.HealthCheckResponse_NOT_SERVING {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("health while writes fail: %v, %v; want NOT_SERVING", h, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// A read cannot be audited either: refused, as clearly, rather than
	// answered unaudited.
	_, err := api.GetCoordinatedView(ctxT(t), &parcoursv1.GetCoordinatedViewRequest{PersonId: people[0]})
	if status.Code(err) != codes.ResourceExhausted {
		t.Errorf("a read while the disk is full: %v, want RESOURCE_EXHAUSTED (no disclosure without its audit)", err)
	}
	check := func(when string, store es.Store) {
		t.Helper()
		for i, p := range people {
			last, ok, err := store.Last(ctxT(t), "parcours-"+p)
			if err != nil || !ok || uint64(last.Version) < acked[i] {
				t.Fatalf("%s: person %d's file at version %d (%v); %d were acknowledged", when, i, last.Version, err, acked[i])
			}
		}
	}
	check("while full", m.app.Store())

	// Restarted on the same full disk: it serves what it has, or says
	// clearly why it cannot start.
	mustNil(t, m.stop())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var a *app.App
	a, err = app.New(ctx, app.Config{DataDir: dir, Addr: "127.0.0.1:0", MetricsAddr: "off", Sync: "interval",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: time.Now})
	if err != nil {
		if !strings.Contains(err.Error(), "no room") {
			t.Fatalf("restart on a full disk: %v; want an error saying the disk is full", err)
		}
		return
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	r := &running{app: a, dir: dir, stop: func() error { cancel(); return <-done }}
	t.Cleanup(func() { r.stop() })
	rc := r.client(t, coordinatrice)
	waitServing(t, rc, parcoursv1.ParcoursService_ServiceDesc.ServiceName)
	check("after a restart", a.Store())
}

// Started on a disk already full, maillaged says so and stops; no panic.
func TestStartOnAFullDiskSaysSo(t *testing.T) {
	disk := smallDisk(t, "1m")
	f, err := os.Create(filepath.Join(disk, "filler"))
	mustNil(t, err)
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			break
		}
	}
	f.Close()
	_, err = app.New(context.Background(), app.Config{DataDir: filepath.Join(disk, "data"), Addr: "127.0.0.1:0", MetricsAddr: "off",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err == nil {
		t.Fatal("maillaged started on a full disk")
	}
	if !strings.Contains(err.Error(), "no room") && !strings.Contains(err.Error(), "no space") {
		t.Errorf("start on a full disk: %v; want it to say the disk is full", err)
	}
}
