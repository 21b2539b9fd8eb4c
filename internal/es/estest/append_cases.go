package estest

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/maillage/maillage/internal/es"
)

func testAppendAndRead(t *testing.T, s es.Store) {
	t.Parallel()
	stream := es.StreamName(category(t), "p1")
	at := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	md := es.Metadata{Actor: "prof-1", Organisation: "750000001", RequestID: requestID(t),
		CorrelationID: "corr-1", CausationID: "cause-1", OccurredAt: at}
	res := mustAppend(t, s, stream, es.NoStream, es.AppendRequest{Events: events("PersonEnrolled", "CoordinatorAssigned"), Metadata: md})
	if res.FirstVersion != 1 || res.LastVersion != 2 || res.Duplicate || res.Position.IsZero() {
		t.Fatalf("Append = %+v, want versions 1..2 at a position, not duplicate", res)
	}
	got := mustRead(t, s, stream, 1)
	if len(got) != 2 {
		t.Fatalf("Read = %d events, want 2", len(got))
	}
	checkVersions(t, got, 1)
	if got[1].Position != res.Position {
		t.Errorf("last event at %v, Append said %v", got[1].Position, res.Position)
	}
	for i, want := range []string{"PersonEnrolled", "CoordinatorAssigned"} {
		e := got[i]
		if e.Type != "maillage.test.v1."+want || !bytes.Equal(e.Data, []byte(want+"-payload")) {
			t.Errorf("event %d = %s %q, want %s", i, e.Type, e.Data, want)
		}
		if e.Stream != stream || e.ID == "" || e.Category() != es.Category(stream) {
			t.Errorf("event %d stream=%q id=%q, want stream %q and an id", i, e.Stream, e.ID, stream)
		}
		if e.Metadata.Actor != md.Actor || e.Metadata.Organisation != md.Organisation || e.Metadata.RequestID != md.RequestID ||
			e.Metadata.CorrelationID != md.CorrelationID || e.Metadata.CausationID != md.CausationID || !e.Metadata.OccurredAt.Equal(at) {
			t.Errorf("event %d metadata = %+v, want %+v", i, e.Metadata, md)
		}
		if e.RecordedAt.IsZero() {
			t.Errorf("event %d has no recorded time", i)
		}
	}
	if got[0].ID == got[1].ID {
		t.Errorf("two events share id %s", got[0].ID)
	}
	if evs := mustRead(t, s, es.StreamName(category(t), "never"), 1); len(evs) != 0 {
		t.Errorf("Read of an unwritten stream = %d events, want none", len(evs))
	}
	// Given ids are kept.
	id := "01JD0000000000000000000000"
	mustAppend(t, s, stream, es.Exactly(2), es.AppendRequest{Events: []es.EventData{{ID: id, Type: "maillage.test.v1.X"}}})
	if evs := mustRead(t, s, stream, 3); len(evs) != 1 || evs[0].ID != id {
		t.Errorf("Read(3) = %+v, want the event with id %s", evs, id)
	}
}

func testExpectedVersion(t *testing.T, s es.Store) {
	t.Parallel()
	stream := es.StreamName(category(t), "p1")
	mustAppend(t, s, stream, es.NoStream, es.AppendRequest{Events: events("A")})
	mustAppend(t, s, stream, es.Exactly(1), es.AppendRequest{Events: events("B")})
	mustAppend(t, s, stream, es.Any, es.AppendRequest{Events: events("C")})

	for _, exp := range []es.ExpectedVersion{es.NoStream, es.Exactly(1), es.Exactly(2), es.Exactly(4), es.Exactly(99)} {
		_, err := s.Append(ctxFor(t), stream, exp, es.AppendRequest{Events: events("Rejected")})
		if !isConflict(err) {
			t.Fatalf("Append(%s) on a stream at 3 = %v, want a *ConflictError", exp, err)
		}
		var ce *es.ConflictError
		errors.As(err, &ce)
		if ce.Actual != 3 || ce.Stream != stream {
			t.Errorf("conflict says stream %s at %d, want %s at 3", ce.Stream, ce.Actual, stream)
		}
	}
	got := mustRead(t, s, stream, 1)
	if len(got) != 3 {
		t.Fatalf("after refused appends the stream has %d events, want 3 (%v)", len(got), types(got))
	}
	checkVersions(t, got, 1)
	mustAppend(t, s, stream, es.Exactly(3), es.AppendRequest{Events: events("D")})
}

func testAtomicBatch(t *testing.T, s es.Store) {
	t.Parallel()
	stream := es.StreamName(category(t), "p1")
	res := mustAppend(t, s, stream, es.NoStream, es.AppendRequest{Events: events("A", "B", "C", "D", "E")})
	if res.FirstVersion != 1 || res.LastVersion != 5 {
		t.Fatalf("batch of 5 = versions %d..%d, want 1..5", res.FirstVersion, res.LastVersion)
	}
	if _, err := s.Append(ctxFor(t), stream, es.Exactly(4), es.AppendRequest{Events: events("X", "Y", "Z")}); !isConflict(err) {
		t.Fatalf("batch at a wrong version = %v, want conflict", err)
	}
	got := mustRead(t, s, stream, 1)
	if len(got) != 5 {
		t.Fatalf("after a refused batch the stream has %v, want the 5 first events only", types(got))
	}
	checkVersions(t, got, 1)
	res = mustAppend(t, s, stream, es.Exactly(5), es.AppendRequest{Events: events("F", "G")})
	if res.FirstVersion != 6 || res.LastVersion != 7 {
		t.Fatalf("second batch = %d..%d, want 6..7", res.FirstVersion, res.LastVersion)
	}
	checkVersions(t, mustRead(t, s, stream, 1), 1)
}

func testIdempotency(t *testing.T, s es.Store) {
	t.Parallel()
	cat := category(t)
	for _, tc := range []struct {
		name     string
		expected func(first bool) es.ExpectedVersion
		n        int
	}{
		{"exact version, one event", func(bool) es.ExpectedVersion { return es.Exactly(1) }, 1},
		{"exact version, a batch", func(bool) es.ExpectedVersion { return es.Exactly(1) }, 3},
		{"any version, one event", func(bool) es.ExpectedVersion { return es.Any }, 1},
		{"any version, a batch", func(bool) es.ExpectedVersion { return es.Any }, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stream := es.StreamName(cat, category(t))
			mustAppend(t, s, stream, es.NoStream, es.AppendRequest{Events: events("Start")})
			evs := events("A", "B", "C")[:tc.n]
			req := es.AppendRequest{Events: evs, Metadata: es.Metadata{RequestID: requestID(t)}}
			first := mustAppend(t, s, stream, tc.expected(true), req)
			again := mustAppend(t, s, stream, tc.expected(false), req)
			if !again.Duplicate || again.FirstVersion != first.FirstVersion || again.LastVersion != first.LastVersion || again.Position != first.Position {
				t.Fatalf("replayed append = %+v, want the first answer %+v marked duplicate", again, first)
			}
			if got := mustRead(t, s, stream, 1); len(got) != 1+tc.n {
				t.Fatalf("after a replay the stream holds %v, want Start and %d events once", types(got), tc.n)
			}
			// Later writes do not hide the first answer.
			mustAppend(t, s, stream, es.Any, es.AppendRequest{Events: events("Later")})
			third := mustAppend(t, s, stream, tc.expected(false), req)
			if !third.Duplicate || third.Position != first.Position {
				t.Fatalf("replay after a later write = %+v, want first answer %+v", third, first)
			}
		})
	}
	t.Run("same request id on two streams writes both", func(t *testing.T) {
		id := requestID(t)
		a, b := es.StreamName(cat, "a"+category(t)), es.StreamName(cat, "b"+category(t))
		ra := mustAppend(t, s, a, es.NoStream, es.AppendRequest{Events: events("A"), Metadata: es.Metadata{RequestID: id}})
		rb := mustAppend(t, s, b, es.NoStream, es.AppendRequest{Events: events("B"), Metadata: es.Metadata{RequestID: id}})
		if ra.Duplicate || rb.Duplicate || ra.Position == rb.Position {
			t.Fatalf("appends %+v and %+v, want two distinct writes", ra, rb)
		}
	})
	t.Run("a different request at a stale version is a conflict", func(t *testing.T) {
		stream := es.StreamName(cat, category(t))
		mustAppend(t, s, stream, es.NoStream, es.AppendRequest{Events: events("A"), Metadata: es.Metadata{RequestID: requestID(t)}})
		_, err := s.Append(ctxFor(t), stream, es.NoStream, es.AppendRequest{Events: events("B"), Metadata: es.Metadata{RequestID: requestID(t) + "x"}})
		if !isConflict(err) {
			t.Fatalf("other request at a stale version = %v, want conflict", err)
		}
	})
}
