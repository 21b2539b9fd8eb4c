package estest

import (
	"fmt"
	"testing"
	"time"

	"github.com/maillage/maillage/internal/es"
)

// testSurvivesDisruption writes, lets the harness lose a node, writes on,
// and checks that every acknowledged append is there exactly once, in order,
// both by Read and by a subscription.
func testSurvivesDisruption(t *testing.T, s es.Store, disrupt func(*testing.T)) {
	cat := category(t)
	const total = 60
	acked := make([]es.AppendResult, 0, total)
	for i := range total {
		if i == total/2 {
			disrupt(t)
		}
		stream := es.StreamName(cat, fmt.Sprintf("p%d", i%3))
		req := es.AppendRequest{Events: events(fmt.Sprintf("E%d", i)), Metadata: es.Metadata{RequestID: fmt.Sprintf("%s-%d", cat, i)}}
		acked = append(acked, appendRetrying(t, s, stream, req))
	}
	count := 0
	for p := range 3 {
		evs := mustRead(t, s, es.StreamName(cat, fmt.Sprintf("p%d", p)), 1)
		checkVersions(t, evs, 1)
		count += len(evs)
	}
	if count != total {
		t.Fatalf("after the disruption the streams hold %d events, want %d acknowledged ones exactly once", count, total)
	}
	sub, err := s.Subscribe(ctxFor(t), es.Start, es.Filter{Categories: []string{cat}})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	for i, e := range next(t, sub, total) {
		if e.Position != acked[i].Position {
			t.Fatalf("subscription event %d at %v, want %v", i, e.Position, acked[i].Position)
		}
	}
}

// appendRetrying retries an append with the same request id while the
// store recovers, as a client whose call timed out does.
func appendRetrying(t *testing.T, s es.Store, stream string, req es.AppendRequest) es.AppendResult {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := s.Append(ctxFor(t), stream, es.Any, req)
		if err == nil {
			return res
		}
		if time.Now().After(deadline) {
			t.Fatalf("append to %s still failing after 30s: %v", stream, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
