package audit

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// Problem is one break found in a trail.
type Problem struct {
	Sequence uint64 // the stored version of the record found wrong
	What     string // in words
}

// Report is what Verify found.
type Report struct {
	Records uint64 // records read
	// SealedThrough is the last record covered by a valid seal with no
	// problem up to it; records after it are the unsealed tail.
	SealedThrough uint64
	Problems      []Problem
}

// Intact reports whether the trail has no problem.
func (r Report) Intact() bool { return len(r.Problems) == 0 }

// Verify reads the person's trail and checks it: every record is a record
// of the trail, at the place it says, linked to the hash of the record
// before it; every seal names the record before it and is signed by one
// of keys. A record removed, changed or inserted shows as a problem; so
// does a chain rewritten by someone without the audit key, at its first
// seal.
func Verify(ctx context.Context, store es.Store, personID string, keys ...ed25519.PublicKey) (Report, error) {
	stream := StreamOf(personID)
	recs, err := store.Read(ctx, stream, 1)
	if err != nil {
		return Report{}, fmt.Errorf("verify audit trail of %s: %w", personID, err)
	}
	return VerifyRecords(stream, recs, keys...), nil
}

// VerifyRecords checks the records of one trail, read in stream order,
// as Verify does.
func VerifyRecords(stream string, recs []es.RecordedEvent, keys ...ed25519.PublicKey) Report {
	codec := decider.NewCodec(nil)
	var rep Report
	var prevHash []byte
	var expected uint64 = 1
	for _, rec := range recs {
		rep.Records++
		seq := uint64(rec.Version)
		problem := func(format string, args ...any) {
			rep.Problems = append(rep.Problems, Problem{Sequence: seq, What: fmt.Sprintf(format, args...)})
		}
		if seq != expected {
			problem("the trail jumps from record %d to record %d: records are missing", expected-1, seq)
		}
		expected = seq + 1
		msg, err := codec.Decode(rec)
		link, ok := chainOf(msg)
		switch {
		case err != nil:
			problem("the record cannot be read: %v", err)
		case !ok:
			problem("a %s is no record of an audit trail", rec.Type)
		case link.GetSequence() != seq:
			problem("the record says it is record %d", link.GetSequence())
		case !bytes.Equal(link.GetPreviousHash(), prevHash):
			problem("the record is not linked to the record before it (hash mismatch): a record was changed, removed or inserted")
		}
		if s, isSeal := msg.(*eventsv1.AuditTrailSealed); isSeal && err == nil {
			if what := checkSeal(stream, s, seq, prevHash, keys); what != "" {
				problem("%s", what)
			} else if len(rep.Problems) == 0 {
				rep.SealedThrough = s.GetSealedSequence()
			}
		}
		prevHash = Hash(rec.Type, rec.Data)
	}
	return rep
}

func checkSeal(stream string, s *eventsv1.AuditTrailSealed, seq uint64, prevHash []byte, keys []ed25519.PublicKey) string {
	if s.GetSealedSequence() != seq-1 || !bytes.Equal(s.GetSealedHash(), prevHash) {
		return fmt.Sprintf("the seal names record %d, not the record before it", s.GetSealedSequence())
	}
	stmt := sealStatement(stream, s.GetSealedSequence(), s.GetSealedHash(), s.GetSealedAt().AsTime())
	for _, k := range keys {
		if ed25519.Verify(k, stmt, s.GetSignature()) {
			return ""
		}
	}
	return fmt.Sprintf("the seal's signature is not Maillage's audit key (key %s)", s.GetKeyId())
}
