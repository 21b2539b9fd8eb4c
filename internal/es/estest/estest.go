// Package estest is the conformance suite of the es.Store contract. Every
// backend runs it:
//
//	func TestConformance(t *testing.T) {
//		estest.Run(t, estest.Harness{New: func(t *testing.T) es.Store { … }})
//	}
//
// Tests share the store they are given: each one writes to streams of its
// own random category, so they can run in parallel and against a store that
// already holds data.
package estest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/maillage/maillage/internal/es"
)

// Harness is what a backend gives the suite.
type Harness struct {
	// New returns a store for one test; it may return the same store to
	// every test. Cleanup is the harness's job (t.Cleanup).
	New func(t *testing.T) es.Store
	// Disrupt, when set, is called in the middle of the resilience test:
	// it loses a node, a leader, a connection. Appends may fail for a
	// while after it; the suite retries them with the same request id.
	Disrupt func(t *testing.T)
}

// Run runs every conformance test.
func Run(t *testing.T, h Harness) {
	t.Run("AppendAndRead", func(t *testing.T) { testAppendAndRead(t, h.New(t)) })
	t.Run("ExpectedVersion", func(t *testing.T) { testExpectedVersion(t, h.New(t)) })
	t.Run("AtomicBatch", func(t *testing.T) { testAtomicBatch(t, h.New(t)) })
	t.Run("Idempotency", func(t *testing.T) { testIdempotency(t, h.New(t)) })
	t.Run("ReadFrom", func(t *testing.T) { testReadFrom(t, h.New(t)) })
	t.Run("ConcurrentWriters", func(t *testing.T) { testConcurrentWriters(t, h.New(t)) })
	t.Run("Subscribe", func(t *testing.T) { testSubscribe(t, h.New(t)) })
	t.Run("Head", func(t *testing.T) { testHead(t, h.New(t)) })
	t.Run("Last", func(t *testing.T) { testLast(t, h.New(t)) })
	t.Run("AppendBatch", func(t *testing.T) { testAppendBatch(t, h.New(t)) })
	t.Run("InvalidInput", func(t *testing.T) { testInvalidInput(t, h.New(t)) })
	if h.Disrupt != nil {
		t.Run("SurvivesDisruption", func(t *testing.T) { testSurvivesDisruption(t, h.New(t), h.Disrupt) })
	}
}

// category returns a fresh category, so a test sees only its own streams.
func category(t *testing.T) string {
	t.Helper()
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	for i := range b {
		b[i] = 'a' + b[i]%26
	}
	return "t" + string(b)
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func events(types ...string) []es.EventData {
	out := make([]es.EventData, len(types))
	for i, ty := range types {
		out[i] = es.EventData{Type: "maillage.test.v1." + ty, Data: []byte(ty + "-payload")}
	}
	return out
}

func mustAppend(t *testing.T, s es.Store, stream string, exp es.ExpectedVersion, req es.AppendRequest) es.AppendResult {
	t.Helper()
	res, err := s.Append(ctxFor(t), stream, exp, req)
	if err != nil {
		t.Fatalf("Append(%s, %s) = %v", stream, exp, err)
	}
	return res
}

func mustRead(t *testing.T, s es.Store, stream string, from es.Version, opts ...es.ReadOption) []es.RecordedEvent {
	t.Helper()
	evs, err := s.Read(ctxFor(t), stream, from, opts...)
	if err != nil {
		t.Fatalf("Read(%s, %d) = %v", stream, from, err)
	}
	return evs
}

func types(evs []es.RecordedEvent) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Type
	}
	return out
}

func checkVersions(t *testing.T, evs []es.RecordedEvent, first es.Version) {
	t.Helper()
	for i, e := range evs {
		if want := first + es.Version(i); e.Version != want {
			t.Fatalf("event %d has version %d, want %d", i, e.Version, want)
		}
		if i > 0 && !evs[i-1].Position.Before(e.Position) {
			t.Fatalf("event %d at position %v is not after %v", i, e.Position, evs[i-1].Position)
		}
	}
}

func requestID(t *testing.T) string {
	return fmt.Sprintf("req-%s-%d", category(t), time.Now().UnixNano())
}

func isConflict(err error) bool {
	var ce *es.ConflictError
	return errors.Is(err, es.ErrConflict) && errors.As(err, &ce)
}
