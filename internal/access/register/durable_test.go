package register_test

import (
	"testing"
	"time"

	"github.com/maillage/maillage/internal/access/register"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/projection/kv"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

func event(t *testing.T, stream string, pos uint64, m *eventsv1.ProfessionalAccessRevoked) es.RecordedEvent {
	d, err := decider.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	return es.RecordedEvent{Stream: stream, Version: 1, Position: es.PositionAt(pos), Type: d.Type, Data: d.Data, RecordedAt: time.Now()}
}

// The register on disk comes back as it was stored, at its position; an
// unreadable event is passed over.
func TestDurableRegisterReopens(t *testing.T) {
	dir := t.TempDir()
	db, err := kv.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	d, err := register.OpenDurable(register.New(nil), db)
	if err != nil {
		t.Fatal(err)
	}
	evs := []es.RecordedEvent{
		event(t, "revocation-750000001", 3, &eventsv1.ProfessionalAccessRevoked{OrganisationId: "750000001", Subject: "marc", Reason: "départ"}),
		{Stream: "revocation-750000001", Version: 2, Position: es.PositionAt(4), Type: "maillage.events.v1.ProfessionalAccessRevoked", Data: []byte{0xff, 0xff}},
	}
	skipped, err := d.ApplyBatch(evs)
	if err != nil || len(skipped) != 1 {
		t.Fatalf("ApplyBatch = %v skipped, %v", len(skipped), err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = kv.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := register.New(nil)
	d, err = register.OpenDurable(r, db)
	if err != nil {
		t.Fatal(err)
	}
	r.CaughtUp()
	if p, _ := d.Position(); p != es.PositionAt(4) {
		t.Errorf("position after reopening %v, want 4", p)
	}
	if !r.IsRevoked("750000001", "marc") {
		t.Error("the revocation was not kept")
	}
	if err := r.Check(auth.Principal{Subject: "marc", Organisation: "750000001"}); err == nil {
		t.Error("a revoked professional's token passes")
	}
}
