package audit_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"github.com/maillage/maillage/internal/es/natsjs"
	"github.com/maillage/maillage/internal/projection/kv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/audit"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/es/natsjs/natsjstest"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

func newKey(t testing.TB) ed25519.PrivateKey {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// startWriter runs a writer on store until the test ends.
func startWriter(t testing.TB, store es.Store, key ed25519.PrivateKey, sealEvery int, atomic ...bool) *audit.Writer {
	t.Helper()
	w, err := audit.NewWriter(audit.Config{Store: store, Key: key, SealEvery: sealEvery, Atomic: len(atomic) > 0 && atomic[0]})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = w.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return w
}

func disclosure(i int) *eventsv1.InformationDisclosed {
	return &eventsv1.InformationDisclosed{DisclosureId: fmt.Sprint(i), Actor: &eventsv1.AuditActor{Subject: "claire", OrganisationId: "750000001"},
		Kind: eventsv1.DisclosureKind_DISCLOSURE_KIND_VIEW, Categories: []eventsv1.InformationCategory{eventsv1.InformationCategory_INFORMATION_CATEGORY_IDENTITE}}
}

// Records written concurrently for several people land in each trail,
// chained and sealed, and verify intact.
func TestRecordsChainAndSealUnderConcurrency(t *testing.T) {
	for _, atomic := range []bool{false, true} {
		t.Run(fmt.Sprintf("atomic=%v", atomic), func(t *testing.T) { testRecordsUnderConcurrency(t, atomic) })
	}
}

func testRecordsUnderConcurrency(t *testing.T, atomic bool) {
	store := natsjstest.NewStore(t)
	key := newKey(t)
	w := startWriter(t, store, key, 8, atomic)
	people := []string{"P1", "P2", "P3", "P4", "P5"}
	var wg sync.WaitGroup
	errs := make(chan error, 500)
	for i := 0; i < 100; i++ {
		for _, p := range people {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- w.Record(context.Background(), p, disclosure(i))
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range people {
		rep, err := audit.Verify(context.Background(), store, p, w.PublicKey())
		if err != nil || !rep.Intact() {
			t.Fatalf("%s: %+v, %v", p, rep, err)
		}
		recs, _ := store.Read(context.Background(), audit.StreamOf(p), 1)
		disclosures, seals := 0, 0
		for _, r := range recs {
			switch r.Type {
			case "maillage.events.v1.InformationDisclosed":
				disclosures++
			case "maillage.events.v1.AuditTrailSealed":
				seals++
			}
		}
		if disclosures != 100 || seals != 12 {
			t.Errorf("%s: %d disclosures and %d seals; want 100 and 12 (one every 8)", p, disclosures, seals)
		}
		if rep.SealedThrough != 96+12-1 {
			t.Errorf("%s: sealed through %d; want %d", p, rep.SealedThrough, 96+12-1)
		}
	}
}

// A writer restarted (another process, heads unknown) goes on with the
// chain where the trail ends; a stopped writer seals what it wrote.
func TestWriterRestartContinuesTheChainAndSealsOnStop(t *testing.T) {
	store := natsjstest.NewStore(t)
	key := newKey(t)
	for round := 0; round < 2; round++ {
		w, err := audit.NewWriter(audit.Config{Store: store, Key: key, SealEvery: 100})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); _ = w.Run(ctx) }()
		for i := 0; i < 3; i++ {
			if err := w.Record(context.Background(), "P1", disclosure(i)); err != nil {
				t.Fatal(err)
			}
		}
		cancel()
		<-done
		if err := w.Record(context.Background(), "P1", disclosure(9)); err != audit.ErrClosed {
			t.Fatalf("Record after stop = %v; want ErrClosed", err)
		}
	}
	rep, err := audit.Verify(context.Background(), store, "P1", key.Public().(ed25519.PublicKey))
	if err != nil || !rep.Intact() || rep.Records != 8 || rep.SealedThrough != 7 {
		t.Fatalf("report %+v, %v; want 8 records (3, seal, 3, seal) intact and sealed through 7", rep, err)
	}
}

// tamperable returns a trail of 9 disclosures sealed every 4.
func tamperable(t *testing.T) (es.Store, ed25519.PublicKey) {
	store := natsjstest.NewStore(t)
	key := newKey(t)
	w := startWriter(t, store, key, 4)
	for i := 0; i < 9; i++ {
		if err := w.Record(context.Background(), "P1", disclosure(i)); err != nil {
			t.Fatal(err)
		}
	}
	return store, key.Public().(ed25519.PublicKey)
}

func TestVerifyDetectsTampering(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		edit func(version int, ev es.EventData) (es.EventData, bool)
		at   uint64
	}{
		{"record removed", func(v int, ev es.EventData) (es.EventData, bool) { return ev, v != 3 }, 3},
		{"record changed", func(v int, ev es.EventData) (es.EventData, bool) {
			if v == 3 {
				ev.Data = append([]byte(nil), ev.Data...)
				ev.Data[len(ev.Data)-1] ^= 1
			}
			return ev, true
		}, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The store's stream refuses deletes, and that cannot be
			// lifted; a trail is rewritten by restoring a doctored copy.
			src, pub := tamperable(t)
			dst := natsjstest.NewStore(t)
			recs, _ := src.Read(ctx, audit.StreamOf("P1"), 1)
			for _, r := range recs {
				ev, keep := tc.edit(int(r.Version), es.EventData{Type: r.Type, Data: r.Data})
				if !keep {
					continue
				}
				if _, err := dst.Append(ctx, audit.StreamOf("P1"), es.Any, es.AppendRequest{Events: []es.EventData{ev}}); err != nil {
					t.Fatal(err)
				}
			}
			rep, err := audit.Verify(ctx, dst, "P1", pub)
			if err != nil || rep.Intact() {
				t.Fatalf("report %+v, %v; want a problem", rep, err)
			}
			if rep.SealedThrough != 0 || rep.Problems[0].Sequence != tc.at {
				t.Errorf("report %+v; want the break at record %d and nothing sealed after it", rep, tc.at)
			}
		})
	}
	t.Run("record forged with a recomputed chain", func(t *testing.T) {
		store, pub := tamperable(t)
		// Someone who knows the scheme but not the key appends a forged
		// disclosure and a forged seal, chained correctly.
		recs, _ := store.Read(ctx, audit.StreamOf("P1"), 1)
		last := recs[len(recs)-1]
		forged := disclosure(99)
		forged.Chain = &eventsv1.AuditChainLink{Sequence: uint64(last.Version) + 1, PreviousHash: audit.Hash(last.Type, last.Data)}
		fd, _ := decider.Encode(forged)
		h := audit.Hash(fd.Type, fd.Data)
		at := time.Now()
		seal := &eventsv1.AuditTrailSealed{Chain: &eventsv1.AuditChainLink{Sequence: uint64(last.Version) + 2, PreviousHash: h},
			SealedSequence: uint64(last.Version) + 1, SealedHash: h, Signature: audit.Sign(newKey(t), audit.StreamOf("P1"), uint64(last.Version)+1, h, at)}
		sd, _ := decider.Encode(proto.Message(seal))
		if _, err := store.Append(ctx, audit.StreamOf("P1"), es.Any, es.AppendRequest{Events: []es.EventData{fd, sd}}); err != nil {
			t.Fatal(err)
		}
		rep, err := audit.Verify(ctx, store, "P1", pub)
		if err != nil || rep.Intact() || rep.Problems[0].Sequence != uint64(last.Version)+2 {
			t.Fatalf("report %+v, %v; want the forged seal found", rep, err)
		}
	})
	t.Run("record of another kind inserted", func(t *testing.T) {
		store, pub := tamperable(t)
		ev, _ := decider.Encode(&eventsv1.PersonEnrolled{PersonId: "P1"})
		if _, err := store.Append(ctx, audit.StreamOf("P1"), es.Any, es.AppendRequest{Events: []es.EventData{ev}}); err != nil {
			t.Fatal(err)
		}
		rep, _ := audit.Verify(ctx, store, "P1", pub)
		if rep.Intact() {
			t.Fatalf("report %+v; want a problem", rep)
		}
	})
	t.Run("untouched trail", func(t *testing.T) {
		store, pub := tamperable(t)
		rep, err := audit.Verify(ctx, store, "P1", pub)
		if err != nil || !rep.Intact() || rep.Records != 11 || rep.SealedThrough != 9 {
			t.Fatalf("report %+v, %v; want 11 records intact, sealed through 9", rep, err)
		}
	})
}

// lastCounter is the real store, counting the trails' last records read.
type lastCounter struct {
	es.Store
	lasts atomic.Int64
}

func (c *lastCounter) Last(ctx context.Context, stream string) (es.RecordedEvent, bool, error) {
	c.lasts.Add(1)
	return c.Store.Last(ctx, stream)
}

// runRecords runs a writer with heads on disk in dir (none when dir is
// empty), records n disclosures for each person, and stops it.
func runRecords(t *testing.T, store es.Store, key ed25519.PrivateKey, dir string, n int, people ...string) {
	t.Helper()
	cfg := audit.Config{Store: store, Key: key, SealEvery: 100}
	if dir != "" {
		db, err := kv.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		cfg.Heads = db
	}
	w, err := audit.NewWriter(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = w.Run(ctx) }()
	for _, p := range people {
		for i := range n {
			if err := w.Record(context.Background(), p, disclosure(i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	cancel()
	<-done
}

// With its heads on disk, a restarted writer appends to the trails it
// knows without reading their last record; a head gone stale (another
// writer wrote since) is caught by the version check and read again, and
// every chain stays intact.
func TestWriterHeadsOnDisk(t *testing.T) {
	store := &lastCounter{Store: natsjstest.NewStore(t)}
	key := newKey(t)
	dir := t.TempDir()
	runRecords(t, store, key, dir, 3, "P1", "P2")
	before := store.lasts.Load()
	runRecords(t, store, key, dir, 3, "P1", "P2")
	if read := store.lasts.Load() - before; read != 0 {
		t.Errorf("a writer restarted with its heads on disk read %d trails' last records, want 0", read)
	}
	// Another writer, not sharing the heads, writes to P1 and begins P3.
	runRecords(t, store, key, "", 2, "P1", "P3")
	runRecords(t, store, key, dir, 2, "P1", "P2", "P3")
	for p, want := range map[string]uint64{"P1": 3 + 1 + 3 + 1 + 2 + 1 + 2 + 1, "P2": 3 + 1 + 3 + 1 + 2 + 1, "P3": 2 + 1 + 2 + 1} {
		rep, err := audit.Verify(context.Background(), store, p, key.Public().(ed25519.PublicKey))
		if err != nil || !rep.Intact() || rep.Records != want || rep.SealedThrough != want-1 {
			t.Errorf("%s: report %+v, %v; want %d records intact, sealed through the one before the last seal", p, rep, err, want)
		}
	}
}

// Trails written into the domain events' store, as maillaged did before
// the trails had a stream of their own, move record by record and verify
// as before; a second move copies nothing.
func TestMoveTrailsKeepsThemVerifiable(t *testing.T) {
	ctx := context.Background()
	events, nc := natsjstest.NewStoreConn(t)
	key := newKey(t)
	runRecords(t, events, key, "", 5, "P1", "P2")
	if _, err := events.Append(ctx, "parcours-P1", es.NoStream, es.AppendRequest{Events: []es.EventData{{Type: "maillage.events.v1.PersonEnrolled"}}}); err != nil {
		t.Fatal(err)
	}
	trails, err := natsjs.Open(ctx, natsjs.Config{Conn: nc, Stream: "AUDIT", SubjectPrefix: "trails"})
	if err != nil {
		t.Fatal(err)
	}
	moved, err := audit.MoveTrails(ctx, events, trails)
	if err != nil || moved != 12 {
		t.Fatalf("MoveTrails = %d, %v; want the 12 records (5 and a seal, twice)", moved, err)
	}
	for _, p := range []string{"P1", "P2"} {
		rep, err := audit.Verify(ctx, trails, p, key.Public().(ed25519.PublicKey))
		if err != nil || !rep.Intact() || rep.Records != 6 || rep.SealedThrough != 5 {
			t.Errorf("%s moved: report %+v, %v; want 6 records intact, sealed through 5", p, rep, err)
		}
	}
	if moved, err := audit.MoveTrails(ctx, events, trails); err != nil || moved != 0 {
		t.Fatalf("a second MoveTrails = %d, %v; want nothing moved", moved, err)
	}
	// The trails go on in their store.
	runRecords(t, trails, key, "", 1, "P1")
	rep, err := audit.Verify(ctx, trails, "P1", key.Public().(ed25519.PublicKey))
	if err != nil || !rep.Intact() || rep.Records != 8 {
		t.Fatalf("after the move and one more record: %+v, %v; want 8 records intact", rep, err)
	}
}
