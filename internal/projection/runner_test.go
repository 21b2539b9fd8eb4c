package projection_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/es/natsjs/natsjstest"
	"github.com/maillage/maillage/internal/projection"
	"github.com/maillage/maillage/internal/projection/kv"
)

func write(t *testing.T, s es.Store, stream string, n int) es.Position {
	t.Helper()
	var last es.Position
	for range n {
		res, err := s.Append(context.Background(), stream, es.Any, es.AppendRequest{Events: []es.EventData{{Type: "test.Event", Data: []byte("x")}}})
		if err != nil {
			t.Fatal(err)
		}
		last = res.Position
	}
	return last
}

// start runs a runner until the test ends or stop is called; stop returns
// Run's error.
func start(t *testing.T, cfg projection.Config) (r *projection.Runner, stop func() error) {
	t.Helper()
	r, err := projection.NewRunner(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	var once sync.Once
	var runErr error
	stop = func() error { once.Do(func() { cancel(); runErr = <-done }); return runErr }
	t.Cleanup(func() { stop() })
	return r, stop
}

func waitFor(t *testing.T, r *projection.Runner, p es.Position) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.WaitFor(ctx, p); err != nil {
		t.Fatal(err)
	}
}

// counting runs a diskCounter (projection_test.go) kept in memory.
func counting(t *testing.T) *diskCounter {
	db := kv.OpenMem()
	t.Cleanup(func() { db.Close() })
	return &diskCounter{db: db}
}

func TestWaitFor(t *testing.T) {
	store := natsjstest.NewStore(t)
	p := write(t, store, "person-a", 3)
	r, stop := start(t, projection.Config{Store: store, Projection: counting(t)})
	waitFor(t, r, p)

	// A position of an event the projection does not read (another
	// category) is reached once the projection has its own events.
	other := write(t, store, "meeting-x", 1)
	waitFor(t, r, other)

	stop()
	later := write(t, store, "person-a", 1)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := r.WaitFor(ctx, later); !errors.Is(err, projection.ErrBehind) {
		t.Fatalf("WaitFor on a stopped projection = %v, want ErrBehind", err)
	}
}

// WaitForStored returns once everything the projection reads that was
// stored before the call is applied, whatever else the store holds after
// it; a stopped projection never claims it.
func TestWaitForStored(t *testing.T) {
	store := natsjstest.NewStore(t)
	write(t, store, "person-a", 3)
	c := counting(t)
	r, stop := start(t, projection.Config{Store: store, Projection: c})
	for i := range 20 {
		write(t, store, "person-a", 1)
		write(t, store, "meeting-x", 2) // not read by the projection, and last in the store
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := r.WaitForStored(ctx)
		cancel()
		if err != nil {
			t.Fatalf("round %d: WaitForStored = %v", i, err)
		}
		if got := c.count("person-a"); got != uint64(4+i) {
			t.Fatalf("round %d: WaitForStored returned with %d events of person-a applied, want %d", i, got, 4+i)
		}
	}
	stop()
	write(t, store, "person-a", 1)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := r.WaitForStored(ctx); !errors.Is(err, projection.ErrBehind) {
		t.Fatalf("WaitForStored on a stopped projection with an event stored since = %v, want ErrBehind", err)
	}
}

func TestRunnerStopsOnAnEventItCannotApply(t *testing.T) {
	store := natsjstest.NewStore(t)
	write(t, store, "person-a", 2)
	if _, err := store.Append(context.Background(), "person-a", es.Any, es.AppendRequest{Events: []es.EventData{{Type: "test.Event", Data: []byte("poison")}}}); err != nil {
		t.Fatal(err)
	}
	r, err := projection.NewRunner(projection.Config{Store: store, Projection: counting(t)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.Run(ctx); err == nil || ctx.Err() != nil {
		t.Fatalf("Run over a poison event = %v, want it to stop with the event's error", err)
	}
	if got := r.Position(); got.Commit >= 3 {
		t.Fatalf("stopped at %v, want before the poison event (3)", got)
	}
}

// A message no event can be read from (no headers: written by hand on the
// subject), or an event whose body does not decode, is skipped and
// counted; the runner goes on and becomes ready.
func TestRunnerSkipsUnreadableMessages(t *testing.T) {
	store, nc := natsjstest.NewStoreConn(t)
	write(t, store, "person-a", 1)
	if _, err := nc.Request("events.person.b", []byte("raw, no headers"), 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Append(context.Background(), "person-a", es.Any, es.AppendRequest{Events: []es.EventData{{Type: "test.Event", Data: []byte("garbled")}}}); err != nil {
		t.Fatal(err)
	}
	last := write(t, store, "person-a", 1)
	c := counting(t)
	r, _ := start(t, projection.Config{Store: store, Projection: c})
	waitFor(t, r, last)
	<-r.Ready()
	if got := c.count("person-a"); got != 2 || r.Skipped() != 2 {
		t.Fatalf("applied %d events and skipped %d; want 2 and 2", got, r.Skipped())
	}
}
