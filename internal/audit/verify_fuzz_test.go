package audit_test

import (
	"crypto/ed25519"
	"testing"

	"github.com/maillage/maillage/internal/audit"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// FuzzVerifyRecords feeds the verifier trails whose records are any bytes
// under any type: it never panics, and a trail it calls intact and sealed
// has every record up to the seal exactly as chained.
func FuzzVerifyRecords(f *testing.F) {
	seed := make([]byte, ed25519.SeedSize)
	key := ed25519.NewKeyFromSeed(seed)
	good, _ := decider.Encode(&eventsv1.InformationDisclosed{DisclosureId: "d", Chain: &eventsv1.AuditChainLink{Sequence: 1}})
	f.Add(good.Data, "maillage.events.v1.InformationDisclosed", []byte{}, "maillage.events.v1.AuditTrailSealed")
	f.Add([]byte{0xff, 0x01}, "maillage.events.v1.AccessDenied", []byte("x"), "other.Type")
	f.Fuzz(func(t *testing.T, a []byte, typeA string, b []byte, typeB string) {
		recs := []es.RecordedEvent{
			{Stream: "audit-P", Version: 1, Type: typeA, Data: a},
			{Stream: "audit-P", Version: 2, Type: typeB, Data: b},
		}
		rep := audit.VerifyRecords("audit-P", recs, key.Public().(ed25519.PublicKey))
		if rep.Records != 2 {
			t.Fatalf("records = %d", rep.Records)
		}
		// Nobody without the key can produce a valid seal.
		if rep.SealedThrough != 0 {
			t.Fatalf("a fuzzed trail is sealed through %d: %+v", rep.SealedThrough, rep)
		}
	})
}
