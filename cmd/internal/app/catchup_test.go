package app_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/maillage/maillage/cmd/internal/app"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/natsembed"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// writeFiles stores people × perPerson events straight into the store
// (enrolled by pcpe, then coordination levels), in atomic batches.
func writeFiles(t *testing.T, store es.Store, people, perPerson int) []string {
	t.Helper()
	batcher, ok := store.(es.BatchAppender)
	if !ok {
		t.Fatal("the store does not batch")
	}
	var ids []string
	var batch []es.StreamAppend
	n := 0
	flush := func() {
		if len(batch) == 0 {
			return
		}
		if _, err := batcher.AppendBatch(context.Background(), batch); err != nil {
			t.Fatal(err)
		}
		batch, n = nil, 0
	}
	for p := range people {
		id := fmt.Sprintf("01JDCATCH%017d", p)
		ids = append(ids, id)
		events := []es.EventData{}
		enrolled, _ := decider.Encode(&eventsv1.PersonEnrolled{PersonId: id, BirthDate: "1990-01-01", Domicile: &eventsv1.Domicile{CommuneInsee: "35238"},
			PublicConcerned: 1, LegalProtection: 1})
		events = append(events, enrolled)
		for i := 1; i < perPerson; i++ {
			lvl, _ := decider.Encode(&eventsv1.CoordinationLevelSet{Level: eventsv1.CoordinationLevel(1 + i%3)})
			events = append(events, lvl)
		}
		if n+len(events) > es.MaxBatchEvents {
			flush()
		}
		batch = append(batch, es.StreamAppend{Stream: "parcours-" + id, Expected: es.NoStream, Events: events,
			Metadata: es.Metadata{Actor: "prof-42", Organisation: pcpeOrg}})
		n += len(events)
	}
	flush()
	return ids
}

// While the views catch up at start, a read of a person who exists is
// UNAVAILABLE (retry), never NOT_FOUND nor a partial file, and the server
// says NOT_SERVING as a whole.
func TestReadsDuringCatchUpAreUnavailableNeverNotFound(t *testing.T) {
	dir := t.TempDir()
	// The files are written by a maillaged that runs the access service
	// only: no projection works while they are written, as when they came
	// from another instance.
	m := startConfig(t, app.Config{DataDir: dir, Sync: natsembed.SyncInterval, Now: time.Now, Services: []string{"access"}})
	const people, perPerson = 2500, 40
	ids := writeFiles(t, m.app.Store(), people, perPerson)
	mustNil(t, m.stop())
	// No checkpoint: the views rebuild from the first event.
	mustNil(t, os.RemoveAll(filepath.Join(dir, "projections")))

	m = start(t, dir, time.Now)
	cc := m.client(t, coordinatrice)
	api := parcoursv1.NewParcoursServiceClient(cc)
	health := healthpb.NewHealthClient(cc)
	seen := map[codes.Code]int{}
	notServing := false
	deadline := time.Now().Add(60 * time.Second)
	for {
		if h, err := health.Check(ctxT(t), &healthpb.HealthCheckRequest{}); err == nil && h.GetStatus() == healthpb.HealthCheckResponse_NOT_SERVING {
			notServing = true
		}
		res, err := api.GetCoordinatedView(ctxT(t), &parcoursv1.GetCoordinatedViewRequest{PersonId: ids[people-1]})
		code := status.Code(err)
		seen[code]++
		if code == codes.OK {
			if v := res.GetView(); v.GetVersion() != perPerson {
				t.Fatalf("a partial file during catch-up: version %d of %d", v.GetVersion(), perPerson)
			}
			break
		}
		if code != codes.Unavailable {
			t.Fatalf("during catch-up: %v, want UNAVAILABLE or the whole file", err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("never caught up: %v", seen)
		}
		time.Sleep(2 * time.Millisecond)
	}
	if seen[codes.Unavailable] == 0 || !notServing {
		t.Fatalf("answers %v, NOT_SERVING seen %v: the catch-up was not observed (make it longer)", seen, notServing)
	}
	waitServing(t, cc, "")
}
