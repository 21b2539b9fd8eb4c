package parcours_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/es/natsjs"
	"github.com/maillage/maillage/internal/natsembed"
	"github.com/maillage/maillage/internal/projection"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
	"github.com/maillage/maillage/services/parcours"
	"github.com/maillage/maillage/services/parcours/department"
)

// A département's worth of coordination files (package department):
// 20,000 people with about 48 events each (MAILLAGE_BENCH_PEOPLE changes
// the count), written once and reused; the views rebuilt at each run.
type benchDepartment struct {
	nc     *nats.Conn
	store  es.Store
	people []string
	events int
	views  *parcours.Views // caught up with every event
	// viewsDir holds views on disk.
	viewsDir string
}

var (
	deptOnce sync.Once
	dept     *benchDepartment
	deptErr  error
)

func loadDepartment(b *testing.B) *benchDepartment {
	b.Helper()
	deptOnce.Do(func() { dept, deptErr = openDepartment() })
	if deptErr != nil {
		b.Fatal(deptErr)
	}
	return dept
}

func openDepartment() (*benchDepartment, error) {
	people := department.DefaultPeople
	if n, err := strconv.Atoi(os.Getenv("MAILLAGE_BENCH_PEOPLE")); err == nil && n > 0 {
		people = n
	}
	written, err := department.Prepare(people, os.Stderr)
	if err != nil {
		return nil, err
	}
	ns, err := natsembed.Start(natsembed.Config{StoreDir: written.Dir, Sync: natsembed.SyncInterval, NoListen: true})
	if err != nil {
		return nil, err
	}
	nc, err := nats.Connect("", nats.InProcessServer(ns))
	if err != nil {
		return nil, err
	}
	store, err := natsjs.Open(context.Background(), natsjs.Config{Conn: nc})
	if err != nil {
		return nil, err
	}
	d := &benchDepartment{nc: nc, store: store, events: written.Events}
	for p := range people {
		d.people = append(d.people, department.PersonID(p))
	}
	// The views on disk, rebuilt at each run of the benchmarks.
	viewsDir := filepath.Join(os.TempDir(), fmt.Sprintf("maillage-bench-views-%d", people))
	os.RemoveAll(viewsDir)
	if d.views, err = parcours.OpenViews(viewsDir, decider.NewCodec(nil), 0); err != nil {
		return nil, err
	}
	d.viewsDir = viewsDir
	if _, err := rebuild(store, d.views); err != nil {
		return nil, err
	}
	return d, nil
}

// rebuild runs a fresh projection from the start of the store until it has
// applied every event, and returns how long that took.
func rebuild(store es.Store, views projection.Projection) (time.Duration, error) {
	runner, err := projection.NewRunner(projection.Config{Store: store, Projection: views, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- runner.Run(ctx) }()
	select {
	case <-runner.Ready():
	case err := <-done:
		return 0, fmt.Errorf("projection stopped: %v", err)
	}
	took := time.Since(start)
	cancel()
	<-done
	return took, nil
}

// BenchmarkViewRead reads one person's coordinated view from the caught-up
// projection with what depends on today worked out (the work
// GetCoordinatedView does, without the network): the target is p99 < 1 ms.
func BenchmarkViewRead(b *testing.B) {
	d := loadDepartment(b)
	b.Run(sizeName(d), func(b *testing.B) { benchViewRead(b, d) })
}

func benchViewRead(b *testing.B, d *benchDepartment) {
	lat := make([]time.Duration, 0, b.N)
	r := rand.New(rand.NewPCG(1, 2))
	now := time.Now()
	b.ResetTimer()
	for range b.N {
		id := d.people[r.IntN(len(d.people))]
		t0 := time.Now()
		if _, ok := d.views.Read(id, now); !ok {
			b.Fatalf("no view of %s", id)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	reportLatency(b, lat)
	// What the views of the whole département hold in memory (target:
	// maillaged's resident memory < 1 GiB).
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")
}

// BenchmarkRebuild replays every event into a fresh coordinated-view
// projection, beside a raw JetStream ordered consumer reading the same
// stream to its end, in the same run. One op is a full replay.
func BenchmarkRebuild(b *testing.B) {
	d := loadDepartment(b)
	b.Run(sizeName(d), func(b *testing.B) { benchRebuild(b, d) })
}

func benchRebuild(b *testing.B, d *benchDepartment) {
	b.Run("raw-jetstream-read", func(b *testing.B) { benchRawRead(b, d) })
	b.Run("projection", func(b *testing.B) {
		for range b.N {
			dir := b.TempDir()
			views, err := parcours.OpenViews(dir, decider.NewCodec(nil), 0)
			if err != nil {
				b.Fatal(err)
			}
			took, err := rebuild(d.store, views)
			views.Close()
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(d.events)/took.Seconds(), "events/s")
			b.ReportMetric(float64(d.events), "events")
		}
	})
}

// benchRawRead reads every event of the département from JetStream, the
// engine under the projections: what they are measured against.
func benchRawRead(b *testing.B, d *benchDepartment) {
	for range b.N {
		n, took, err := department.RawReplay(d.nc)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(n)/took.Seconds(), "events/s")
	}
}

func reportLatency(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
}

// BenchmarkCaseload lists one coordinator's whole caseload (file active)
// from the caught-up projection, the work ListCaseload does without the
// network: the département generator gives each of its 150 coordinators
// about 133 people. "one-page" asks for them in one page of 500;
// "pages-of-50" reads every page of the default size. One op is the whole
// list; the target is p99 < 10 ms.
func BenchmarkCaseload(b *testing.B) {
	d := loadDepartment(b)
	b.Run(sizeName(d), func(b *testing.B) { benchCaseload(b, d) })
}

func benchCaseload(b *testing.B, d *benchDepartment) {
	now := time.Now()
	for _, bc := range []struct {
		name string
		req  *parcoursv1.ListCaseloadRequest
	}{
		{"one-page", &parcoursv1.ListCaseloadRequest{PageSize: 500}},
		{"pages-of-50", &parcoursv1.ListCaseloadRequest{}},
		{"filtered-open-ruptures", &parcoursv1.ListCaseloadRequest{PageSize: 500, OnlyOpenRuptures: true, TransitionsWithinDays: 730}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			listed := 0
			b.ResetTimer()
			for i := range b.N {
				coordinator := department.Coordinator(i % department.Coordinators(len(d.people)))
				req := proto.CloneOf(bc.req)
				t0 := time.Now()
				n := 0
				for {
					reader := access.Caller{Subject: coordinator, Organisation: department.Organisation, Role: auth.RoleCoordinateur}
					res, _, err := d.views.ListCaseload(req, department.Organisation+"/"+coordinator, reader, now)
					if err != nil {
						b.Fatal(err)
					}
					n += len(res.GetEntries())
					if res.GetNextPageToken() == "" {
						break
					}
					req.PageToken = res.GetNextPageToken()
				}
				lat = append(lat, time.Since(t0))
				listed += n
			}
			b.StopTimer()
			b.ReportMetric(float64(listed)/float64(b.N), "people/op")
			reportLatency(b, lat)
		})
	}
}

// BenchmarkRestore reopens the views on disk, as a restart does before it
// catches up the events written since (target: restart to serving < 5 s):
// open the store, read the position it covers, read one view. The store's
// size on disk is reported in MB.
func BenchmarkRestore(b *testing.B) {
	d := loadDepartment(b)
	b.Run(sizeName(d), func(b *testing.B) { benchRestore(b, d) })
}

func benchRestore(b *testing.B, d *benchDepartment) {
	if err := d.views.Close(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		v, err := parcours.OpenViews(d.viewsDir, decider.NewCodec(nil), 0)
		if err != nil {
			b.Fatal(err)
		}
		if p, err := v.Position(); err != nil || p.IsZero() || v.Len() != len(d.people) {
			b.Fatalf("reopened at %v (%v) with %d views, want %d", p, err, v.Len(), len(d.people))
		}
		if _, ok := v.Get(d.people[0]); !ok {
			b.Fatal("no view after reopening")
		}
		if err := v.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var size int64
	_ = filepath.Walk(d.viewsDir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			size += fi.Size()
		}
		return nil
	})
	b.ReportMetric(float64(size)/1e6, "MB")
	var err error
	if d.views, err = parcours.OpenViews(d.viewsDir, decider.NewCodec(nil), 0); err != nil {
		b.Fatal(err)
	}
}

// sizeName names a benchmark by its département's size, so that make
// bench reports each size apart.
func sizeName(d *benchDepartment) string { return fmt.Sprintf("people=%d", len(d.people)) }
