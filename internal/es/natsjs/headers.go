package natsjs

import (
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/maillage/maillage/internal/es"
)

// Headers of every event message. They are part of the stored format:
// never rename one; add new ones.
const (
	hdrEventID     = "Maillage-Event-Id"
	hdrEventType   = "Maillage-Event-Type"
	hdrVersion     = "Maillage-Version"
	hdrActor       = "Maillage-Actor"
	hdrOrg         = "Maillage-Organisation"
	hdrRequestID   = "Maillage-Request-Id"
	hdrCorrelation = "Maillage-Correlation-Id"
	hdrCausation   = "Maillage-Causation-Id"
	hdrOccurredAt  = "Maillage-Occurred-At"
	hdrRequestHash = "Maillage-Request-Hash"

	// JetStream's own.
	hdrMsgID          = "Nats-Msg-Id"
	hdrExpectedSubSeq = "Nats-Expected-Last-Subject-Sequence"
	hdrBatchID        = "Nats-Batch-Id"
	hdrBatchSeq       = "Nats-Batch-Sequence"
	hdrBatchCommit    = "Nats-Batch-Commit"
	hdrSubject        = "Nats-Subject"
	hdrSequence       = "Nats-Sequence"
	hdrTimeStamp      = "Nats-Time-Stamp"
	hdrNumPending     = "Nats-Num-Pending"
	hdrStatus         = "Status"
)

func eventHeader(ev es.EventData, v es.Version, md es.Metadata) nats.Header {
	h := make(nats.Header, 15) // sized for every header, so filling it never grows it
	h.Set(hdrEventID, ev.ID)
	h.Set(hdrEventType, ev.Type)
	h.Set(hdrVersion, strconv.FormatUint(uint64(v), 10))
	set := func(k, v string) {
		if v != "" {
			h.Set(k, v)
		}
	}
	set(hdrActor, md.Actor)
	set(hdrOrg, md.Organisation)
	set(hdrRequestID, md.RequestID)
	set(hdrRequestHash, md.RequestHash)
	set(hdrCorrelation, md.CorrelationID)
	set(hdrCausation, md.CausationID)
	if !md.OccurredAt.IsZero() {
		h.Set(hdrOccurredAt, md.OccurredAt.UTC().Format(time.RFC3339Nano))
	}
	return h
}

// decode turns a stored message into a RecordedEvent.
func (s *Store) decode(subject string, seq uint64, recorded time.Time, h nats.Header, data []byte) (es.RecordedEvent, error) {
	stream, err := s.streamOf(subject)
	if err != nil {
		return es.RecordedEvent{}, &es.MalformedError{Position: es.PositionAt(seq), Subject: subject, Reason: err.Error()}
	}
	v, err := strconv.ParseUint(h.Get(hdrVersion), 10, 64)
	if err != nil {
		return es.RecordedEvent{}, &es.MalformedError{Position: es.PositionAt(seq), Subject: subject,
			Reason: fmt.Sprintf("natsjs: message %d of %s has no version: %v", seq, subject, err)}
	}
	ev := es.RecordedEvent{
		ID:       h.Get(hdrEventID),
		Stream:   stream,
		Version:  es.Version(v),
		Position: es.PositionAt(seq),
		Type:     h.Get(hdrEventType),
		Data:     data,
		Metadata: es.Metadata{
			Actor:         h.Get(hdrActor),
			Organisation:  h.Get(hdrOrg),
			RequestID:     h.Get(hdrRequestID),
			RequestHash:   h.Get(hdrRequestHash),
			CorrelationID: h.Get(hdrCorrelation),
			CausationID:   h.Get(hdrCausation),
		},
		RecordedAt: recorded,
	}
	if at := h.Get(hdrOccurredAt); at != "" {
		if t, err := time.Parse(time.RFC3339Nano, at); err == nil {
			ev.Metadata.OccurredAt = t
		}
	}
	return ev, nil
}
