// Package audit keeps each person's audit trail (traçabilité des accès):
// stream "audit-<person_id>", one record per disclosure of their
// information (InformationDisclosed) or refused access (AccessDenied),
// hash-chained and sealed with Maillage's audit key (AuditTrailSealed).
//
// A Writer appends records in group commits (one store round trip, one
// fsync, for every record that arrived meanwhile), so that auditing a read
// costs a few tens of microseconds of the caller's time, not an fsync
// each; a read is answered only once its record is stored. Verify checks a
// trail: each record's chain link, each seal's signature.
package audit

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/maillage/maillage/internal/es"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// Category is the stream category of audit trails.
const Category = "audit"

// StreamOf returns the stream of the person's audit trail.
func StreamOf(personID string) string { return es.StreamName(Category, personID) }

// hashDomain separates the trail's hashes from any other SHA-256 use.
const hashDomain = "maillage-audit-v1"

// Hash is the chain hash of a stored record: SHA-256 of "maillage-audit-v1",
// NUL, its stored type, NUL, its stored bytes.
func Hash(eventType string, data []byte) []byte {
	h := sha256.New()
	h.Write([]byte(hashDomain))
	h.Write([]byte{0})
	h.Write([]byte(eventType))
	h.Write([]byte{0})
	h.Write(data)
	return h.Sum(nil)
}

// sealStatement is what a seal signs.
func sealStatement(stream string, sequence uint64, hash []byte, at time.Time) []byte {
	return fmt.Appendf(nil, "maillage-audit-seal-v1|%s|%d|%s|%s", stream, sequence, hex.EncodeToString(hash), at.UTC().Format(time.RFC3339Nano))
}

// Sign returns the signature of a seal over the record sequence of stream,
// whose hash is hash, made at at.
func Sign(key ed25519.PrivateKey, stream string, sequence uint64, hash []byte, at time.Time) []byte {
	return ed25519.Sign(key, sealStatement(stream, sequence, hash, at))
}

// chainOf returns the chain link of a record, and whether it is one of
// the trail's record types.
func chainOf(msg any) (*eventsv1.AuditChainLink, bool) {
	switch m := msg.(type) {
	case *eventsv1.InformationDisclosed:
		return m.GetChain(), true
	case *eventsv1.AccessDenied:
		return m.GetChain(), true
	case *eventsv1.AuditTrailSealed:
		return m.GetChain(), true
	}
	return nil, false
}

// setChain sets a record's chain link; false for a message that is no
// record of the trail.
func setChain(msg any, link *eventsv1.AuditChainLink) bool {
	switch m := msg.(type) {
	case *eventsv1.InformationDisclosed:
		m.Chain = link
	case *eventsv1.AccessDenied:
		m.Chain = link
	case *eventsv1.AuditTrailSealed:
		m.Chain = link
	default:
		return false
	}
	return true
}

var sealType = string((&eventsv1.AuditTrailSealed{}).ProtoReflect().Descriptor().FullName())
