package audit_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"sync"
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
