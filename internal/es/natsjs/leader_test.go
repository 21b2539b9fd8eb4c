package natsjs

import (
	"context"
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/natsembed"
)

// The leader paths are what a replica lagging behind falls back on; on one
// node they must read exactly what the direct paths read.
func TestLeaderReadsMatchDirectReads(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t)
	if h, err := s.lastOf(ctx, "person-a", true); err != nil || h != (streamHead{}) {
		t.Fatalf("leader head of an empty stream = %+v, %v; want none", h, err)
	}
	for i := range 5 {
		s.Append(ctx, "person-b", es.Any, es.AppendRequest{Events: []es.EventData{{Type: "t.Noise"}}})
		if _, err := s.Append(ctx, "person-a", es.Any, es.AppendRequest{Events: []es.EventData{{Type: "t.E", Data: []byte{byte(i)}}}}); err != nil {
			t.Fatal(err)
		}
	}
	direct, err := s.Read(ctx, "person-a", 2)
	if err != nil {
		t.Fatal(err)
	}
	leader, err := s.readFromLeader(ctx, "person-a", 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(direct) != 4 || len(leader) != len(direct) {
		t.Fatalf("direct read %d events, leader read %d; want 4 and 4", len(direct), len(leader))
	}
	for i := range direct {
		d, l := direct[i], leader[i]
		if d.ID != l.ID || d.Version != l.Version || d.Position != l.Position || string(d.Data) != string(l.Data) || d.Type != l.Type {
			t.Fatalf("event %d: direct %+v, leader %+v", i, d, l)
		}
	}
	h, err := s.lastOf(ctx, "person-a", true)
	if err != nil || h.version != 5 || h.seq != direct[3].Position.Commit {
		t.Fatalf("leader head = %+v, %v; want version 5 at %v", h, err, direct[3].Position)
	}
	// A tail read from a snapshot's position: empty, one event, several.
	for _, tc := range []struct {
		from es.Version
		want int
	}{{6, 0}, {5, 1}, {3, 3}} {
		after := direct[tc.from-3].Position // the event at version from-1
		if tc.from == 6 {
			after = direct[3].Position
		}
		tail, err := s.Read(ctx, "person-a", tc.from, es.AfterPosition(after))
		if err != nil || len(tail) != tc.want || (tc.want > 0 && tail[0].Version != tc.from) {
			t.Fatalf("Read(from %d after %v) = %d events, %v; want %d from version %d", tc.from, after, len(tail), err, tc.want, tc.from)
		}
	}
}

// newTestStore opens the store on an embedded server for this package's
// own tests (natsjstest cannot serve them: it imports this package).
func newTestStore(t *testing.T) *Store {
	t.Helper()
	ns, err := natsembed.Start(natsembed.Config{StoreDir: t.TempDir(), Sync: natsembed.SyncInterval, NoListen: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ns.Shutdown)
	nc, err := nats.Connect("", nats.InProcessServer(ns))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	s, err := Open(context.Background(), Config{Conn: nc})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
