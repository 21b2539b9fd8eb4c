package projection_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/es/natsjs/natsjstest"
	"github.com/maillage/maillage/internal/projection"
)

// counter counts events per stream and how many times Apply ran.
type counter struct {
	mu      sync.Mutex
	byStrm  map[string]int
	applies int
}

func newCounter() *counter { return &counter{byStrm: map[string]int{}} }

func (c *counter) Name() string      { return "counter-v1" }
func (c *counter) Filter() es.Filter { return es.Filter{Categories: []string{"person"}} }
func (c *counter) Apply(ev es.RecordedEvent) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if string(ev.Data) == "poison" {
		return errors.New("cannot read poison")
	}
	if string(ev.Data) == "garbled" {
		return fmt.Errorf("cannot decode: %w", es.ErrMalformed)
	}
	c.byStrm[ev.Stream]++
	c.applies++
	return nil
}
func (c *counter) Snapshot(w io.Writer) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for s, n := range c.byStrm {
		fmt.Fprintf(w, "%s %d\n", s, n)
	}
	return nil
}
func (c *counter) Restore(r io.Reader) error {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		var s string
		var n int
		if _, err := fmt.Sscanf(sc.Text(), "%s %d", &s, &n); err != nil {
			return err
		}
		c.byStrm[s] = n
	}
	return sc.Err()
}
func (c *counter) total() (events, applies int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range c.byStrm {
		events += n
	}
	return events, c.applies
}

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

func TestRunnerResumesFromCheckpointWithoutReplay(t *testing.T) {
	store, dir := natsjstest.NewStore(t), t.TempDir()
	write(t, store, "person-a", 5)
	p := write(t, store, "person-b", 3)

	c1 := newCounter()
	r1, stop1 := start(t, projection.Config{Store: store, Projection: c1, Dir: dir})
	waitFor(t, r1, p)
	if ev, _ := c1.total(); ev != 8 {
		t.Fatalf("first run counted %d events, want 8", ev)
	}
	if err := stop1(); err != nil {
		t.Fatalf("Run ended with %v, want nil on cancel", err)
	}
	p = write(t, store, "person-a", 2)

	c2 := newCounter()
	r2, _ := start(t, projection.Config{Store: store, Projection: c2, Dir: dir})
	waitFor(t, r2, p)
	events, applies := c2.total()
	if events != 10 || applies != 2 {
		t.Fatalf("after restart: %d events counted with %d applies, want 10 counted and only the 2 new ones applied", events, applies)
	}
	select {
	case <-r2.Ready():
	case <-time.After(10 * time.Second):
		t.Fatal("restarted runner never ready")
	}
}

func TestRunnerRebuildsFromACorruptCheckpoint(t *testing.T) {
	store, dir := natsjstest.NewStore(t), t.TempDir()
	p := write(t, store, "person-a", 4)
	r1, stop1 := start(t, projection.Config{Store: store, Projection: newCounter(), Dir: dir})
	waitFor(t, r1, p)
	stop1()
	file := filepath.Join(dir, "counter-v1.checkpoint")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0xff
	os.WriteFile(file, data, 0o600)

	c := newCounter()
	r2, _ := start(t, projection.Config{Store: store, Projection: c, Dir: dir})
	waitFor(t, r2, p)
	if events, applies := c.total(); events != 4 || applies != 4 {
		t.Fatalf("rebuild counted %d events in %d applies, want 4 and 4", events, applies)
	}
	if _, err := os.Stat(file + ".bad"); err != nil {
		t.Errorf("corrupt checkpoint not kept aside: %v", err)
	}
}

func TestWaitFor(t *testing.T) {
	store := natsjstest.NewStore(t)
	p := write(t, store, "person-a", 3)
	r, stop := start(t, projection.Config{Store: store, Projection: newCounter()})
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

func TestRunnerStopsOnAnEventItCannotApply(t *testing.T) {
	store := natsjstest.NewStore(t)
	write(t, store, "person-a", 2)
	if _, err := store.Append(context.Background(), "person-a", es.Any, es.AppendRequest{Events: []es.EventData{{Type: "test.Event", Data: []byte("poison")}}}); err != nil {
		t.Fatal(err)
	}
	r, err := projection.NewRunner(projection.Config{Store: store, Projection: newCounter()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := r.Run(ctx); err == nil || ctx.Err() != nil {
		t.Fatalf("Run over a poison event = %v, want it to stop with the event's error", err)
	}
	if got := r.Position(); got.Commit != 2 {
		t.Fatalf("stopped at %v, want at the last good event (2)", got)
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
	c := newCounter()
	r, _ := start(t, projection.Config{Store: store, Projection: c})
	waitFor(t, r, last)
	<-r.Ready()
	if events, _ := c.total(); events != 2 || r.Skipped() != 2 {
		t.Fatalf("applied %d events and skipped %d; want 2 and 2", events, r.Skipped())
	}
}
