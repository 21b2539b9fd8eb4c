package estest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/maillage/maillage/internal/es"
)

func testLast(t *testing.T, s es.Store) {
	t.Parallel()
	stream := es.StreamName(category(t), "p1")
	if ev, ok, err := s.Last(ctxFor(t), stream); err != nil || ok {
		t.Fatalf("Last of a stream never written = %v, %t, %v; want none", ev.Type, ok, err)
	}
	mustAppend(t, s, stream, es.NoStream, es.AppendRequest{Events: events("A", "B")})
	res := mustAppend(t, s, stream, es.Exactly(2), es.AppendRequest{Events: events("C"), Metadata: es.Metadata{Actor: "prof-1", RequestHash: "h1"}})
	mustAppend(t, s, es.StreamName(category(t), "other"), es.Any, es.AppendRequest{Events: events("Noise")})
	ev, ok, err := s.Last(ctxFor(t), stream)
	if err != nil || !ok {
		t.Fatalf("Last = %v, %t; want C", err, ok)
	}
	if ev.Type != "maillage.test.v1.C" || ev.Version != 3 || ev.Position != res.Position || ev.Metadata.Actor != "prof-1" || ev.Metadata.RequestHash != "h1" {
		t.Fatalf("Last = %s v%d at %v by %q (hash %q), want C v3 at %v by prof-1 (hash h1)", ev.Type, ev.Version, ev.Position, ev.Metadata.Actor, ev.Metadata.RequestHash, res.Position)
	}
	if _, _, err := s.Last(ctxFor(t), "no category"); !errors.Is(err, es.ErrInvalidStream) {
		t.Fatalf("Last(bad name) = %v, want ErrInvalidStream", err)
	}
}

// testAppendBatch runs when the store is an es.BatchAppender: every
// stream's events land in order with their versions, or none when one
// stream's expectation fails.
func testAppendBatch(t *testing.T, s es.Store) {
	b, ok := s.(es.BatchAppender)
	if !ok {
		t.Skip("the store does not append batches")
	}
	t.Parallel()
	cat := category(t)
	a, c := es.StreamName(cat, "a"), es.StreamName(cat, "c")
	mustAppend(t, s, a, es.NoStream, es.AppendRequest{Events: events("A1")})
	res, err := b.AppendBatch(ctxFor(t), []es.StreamAppend{
		{Stream: a, Expected: es.Exactly(1), Events: events("A2", "A3")},
		{Stream: c, Expected: es.NoStream, Events: events("C1"), Metadata: es.Metadata{Actor: "prof-2"}},
	})
	if err != nil {
		t.Fatalf("AppendBatch = %v", err)
	}
	if len(res) != 2 || res[0].FirstVersion != 2 || res[0].LastVersion != 3 || res[1].LastVersion != 1 || !res[0].Position.Before(res[1].Position) {
		t.Fatalf("AppendBatch results = %+v, want a at 2..3 then c at 1", res)
	}
	got := mustRead(t, s, a, 1)
	checkVersions(t, got, 1)
	if fmt.Sprint(types(got)) != "[maillage.test.v1.A1 maillage.test.v1.A2 maillage.test.v1.A3]" || got[2].Position != res[0].Position {
		t.Fatalf("stream a = %v, want A1 A2 A3 ending at %v", types(got), res[0].Position)
	}
	if ev, _, _ := s.Last(ctxFor(t), c); ev.Metadata.Actor != "prof-2" || ev.Position != res[1].Position {
		t.Fatalf("stream c ends with %+v, want C1 by prof-2 at %v", ev, res[1].Position)
	}

	// A stale expectation on one stream writes nothing anywhere.
	_, err = b.AppendBatch(ctxFor(t), []es.StreamAppend{
		{Stream: c, Expected: es.Exactly(1), Events: events("C2")},
		{Stream: a, Expected: es.Exactly(1), Events: events("A4")},
	})
	if !errors.Is(err, es.ErrConflict) {
		t.Fatalf("AppendBatch with a stale version = %v, want a conflict", err)
	}
	if n := len(mustRead(t, s, c, 1)); n != 1 {
		t.Fatalf("a refused batch wrote on c: %d events, want 1", n)
	}
	if _, err := b.AppendBatch(ctxFor(t), []es.StreamAppend{{Stream: a, Events: events("X")}, {Stream: a, Events: events("Y")}}); !errors.Is(err, es.ErrInvalidRequest) {
		t.Fatalf("AppendBatch naming a stream twice = %v, want ErrInvalidRequest", err)
	}
}
