package projection_test

import (
	"context"
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/es/natsjs/natsjstest"
	"github.com/maillage/maillage/internal/projection"
	"github.com/maillage/maillage/internal/projection/kv"
)

// diskCounter counts events per stream in a kv store, and how many times
// it was handed an event.
type diskCounter struct {
	db      *kv.DB
	applied int
}

func (c *diskCounter) Name() string                   { return "disk-counter-v1" }
func (c *diskCounter) Filter() es.Filter              { return es.Filter{Categories: []string{"person"}} }
func (c *diskCounter) Position() (es.Position, error) { return c.db.Position() }
func (c *diskCounter) ApplyBatch(evs []es.RecordedEvent) ([]es.RecordedEvent, error) {
	b := c.db.NewBatch()
	counts := map[string]uint64{}
	var skipped []es.RecordedEvent
	for _, ev := range evs {
		c.applied++
		if string(ev.Data) == "poison" {
			return nil, errors.New("poison: cannot be applied")
		}
		if string(ev.Data) == "garbled" {
			skipped = append(skipped, ev)
			continue
		}
		n, ok := counts[ev.Stream]
		if !ok {
			n = c.count(ev.Stream)
		}
		counts[ev.Stream] = n + 1
	}
	for s, n := range counts {
		var v [8]byte
		binary.BigEndian.PutUint64(v[:], n)
		if err := b.Set([]byte("n/"+s), v[:]); err != nil {
			return nil, err
		}
	}
	return skipped, b.Commit(evs[len(evs)-1].Position)
}

func (c *diskCounter) count(stream string) uint64 {
	v, ok, _ := c.db.Get([]byte("n/" + stream))
	if !ok {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

// A durable projection resumes exactly at the position stored with its
// model: nothing replayed, nothing missed, unreadable events passed over.
func TestDurableRunnerResumesExactlyWhereItsStoreStands(t *testing.T) {
	store := natsjstest.NewStore(t)
	dir := t.TempDir()
	write(t, store, "person-a", 30)
	write(t, store, "person-b", 20)
	if _, err := store.Append(context.Background(), "person-a", es.Any, es.AppendRequest{Events: []es.EventData{{Type: "test.Event", Data: []byte("garbled")}}}); err != nil {
		t.Fatal(err)
	}
	last := write(t, store, "person-b", 1)
	run := func() (*diskCounter, func() error) {
		db, err := kv.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		c := &diskCounter{db: db}
		r, stop := start(t, projection.Config{Store: store, Projection: c})
		waitFor(t, r, last)
		select {
		case <-r.Ready():
		case <-time.After(10 * time.Second):
			t.Fatal("never ready")
		}
		return c, func() error { err := stop(); return errors.Join(err, db.Close()) }
	}
	c, stop := run()
	if c.count("person-a") != 30 || c.count("person-b") != 21 {
		t.Fatalf("counts a=%d b=%d, want 30 and 21", c.count("person-a"), c.count("person-b"))
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	last = write(t, store, "person-a", 5)
	c, stop = run()
	defer stop()
	if c.count("person-a") != 35 || c.applied != 5 {
		t.Fatalf("after a restart: a=%d, %d events handed over; want 35 and only the 5 new", c.count("person-a"), c.applied)
	}
}
