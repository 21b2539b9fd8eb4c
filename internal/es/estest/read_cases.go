package estest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/maillage/maillage/internal/es"
)

func testReadFrom(t *testing.T, s es.Store) {
	t.Parallel()
	cat := category(t)
	stream := es.StreamName(cat, "p1")
	var third es.Position
	for i := range 10 {
		// Interleave another stream so positions and versions differ.
		mustAppend(t, s, es.StreamName(cat, "other"), es.Any, es.AppendRequest{Events: events("Noise")})
		res := mustAppend(t, s, stream, es.Any, es.AppendRequest{Events: events(fmt.Sprintf("E%d", i+1))})
		if i == 2 {
			third = res.Position
		}
	}
	got := mustRead(t, s, stream, 4)
	if len(got) != 7 || got[0].Type != "maillage.test.v1.E4" {
		t.Fatalf("Read(from 4) = %v, want E4..E10", types(got))
	}
	checkVersions(t, got, 4)
	hinted := mustRead(t, s, stream, 4, es.AfterPosition(third))
	if len(hinted) != 7 || hinted[0].Position != got[0].Position {
		t.Fatalf("Read(from 4, after the 3rd event's position) = %v, want the same as without the hint", types(hinted))
	}
	if evs := mustRead(t, s, stream, 11); len(evs) != 0 {
		t.Fatalf("Read past the end = %v, want none", types(evs))
	}
	if evs := mustRead(t, s, stream, 0); len(evs) != 10 {
		t.Fatalf("Read(from 0) = %d events, want all 10", len(evs))
	}
}

// testConcurrentWriters races writers on one stream, each loading and
// appending at the version it saw, retrying on conflict, as command
// handlers do. No append may be lost or doubled.
func testConcurrentWriters(t *testing.T, s es.Store) {
	t.Parallel()
	stream := es.StreamName(category(t), "p1")
	const writers, each = 6, 8
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, tries := 0, 0; i < each; tries++ {
				if tries > 50*writers*each {
					errs <- fmt.Errorf("writer %d: %d appends in %d tries: conflicts never end", w, i, tries)
					return
				}
				evs, err := s.Read(ctxFor(t), stream, 1)
				if err != nil {
					errs <- err
					return
				}
				v := es.Version(len(evs))
				_, err = s.Append(ctxFor(t), stream, es.Exactly(v), es.AppendRequest{
					Events:   events(fmt.Sprintf("W%dN%d", w, i)),
					Metadata: es.Metadata{RequestID: fmt.Sprintf("%s-w%d-%d", stream, w, i)},
				})
				if isConflict(err) {
					continue
				}
				if err != nil {
					errs <- err
					return
				}
				i++
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got := mustRead(t, s, stream, 1)
	if len(got) != writers*each {
		t.Fatalf("%d writers × %d appends left %d events, want %d", writers, each, len(got), writers*each)
	}
	checkVersions(t, got, 1)
	seen := map[string]bool{}
	for _, e := range got {
		if seen[e.Type] {
			t.Fatalf("event %s written twice", e.Type)
		}
		seen[e.Type] = true
	}
}

func testSubscribe(t *testing.T, s es.Store) {
	t.Parallel()
	cat, other := category(t), category(t)
	var positions []es.Position
	for i := range 5 {
		res := mustAppend(t, s, es.StreamName(cat, fmt.Sprintf("p%d", i%2)), es.Any, es.AppendRequest{Events: events(fmt.Sprintf("Old%d", i))})
		positions = append(positions, res.Position)
		mustAppend(t, s, es.StreamName(other, "x"), es.Any, es.AppendRequest{Events: events("Other")})
	}
	ctx := ctxFor(t)
	sub, err := s.Subscribe(ctx, es.Start, es.Filter{Categories: []string{cat}})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	got := next(t, sub, 5)
	for i, e := range got {
		if e.Position != positions[i] || e.Category() != cat {
			t.Fatalf("caught-up event %d = %s at %v, want %s event at %v", i, e.Stream, e.Position, cat, positions[i])
		}
	}
	// Live: written after the subscription caught up.
	live := mustAppend(t, s, es.StreamName(cat, "p9"), es.NoStream, es.AppendRequest{Events: events("Live")})
	if e := next(t, sub, 1)[0]; e.Position != live.Position || e.Type != "maillage.test.v1.Live" {
		t.Fatalf("live event = %s at %v, want Live at %v", e.Type, e.Position, live.Position)
	}

	// Resuming from a position delivers only what follows it.
	sub2, err := s.Subscribe(ctx, positions[2], es.Filter{Categories: []string{cat, other}})
	if err != nil {
		t.Fatal(err)
	}
	defer sub2.Close()
	rest := next(t, sub2, 5) // Other(2), Old3, Other(3), Old4, Other(4)
	if !positions[2].Before(rest[0].Position) || rest[1].Position != positions[3] {
		t.Fatalf("resumed after %v: got %v then %v, want an Other event then Old3 at %v", positions[2], rest[0].Position, rest[1].Position, positions[3])
	}
	for i := 1; i < len(rest); i++ {
		if !rest[i-1].Position.Before(rest[i].Position) {
			t.Fatalf("subscription out of order: %v then %v", rest[i-1].Position, rest[i].Position)
		}
	}

	// Close ends a blocked Next.
	done := make(chan error, 1)
	sub3, err := s.Subscribe(ctx, live.Position, es.Filter{Categories: []string{cat}})
	if err != nil {
		t.Fatal(err)
	}
	go func() { _, err := sub3.Next(ctx); done <- err }()
	sub3.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("Next after Close returned an event, want an error")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Next still blocked 10s after Close")
	}
	// A cancelled context ends a blocked Next too.
	cctx, cancel := context.WithCancel(ctx)
	go func() { _, err := sub.Next(cctx); done <- err }()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Next with a cancelled context = %v, want context.Canceled", err)
	}
}

func next(t *testing.T, sub es.Subscription, n int) []es.RecordedEvent {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var out []es.RecordedEvent
	for len(out) < n {
		e, err := sub.Next(ctx)
		if err != nil {
			t.Fatalf("Next after %d of %d events: %v", len(out), n, err)
		}
		out = append(out, e)
	}
	return out
}

func testHead(t *testing.T, s es.Store) {
	t.Parallel()
	cat, other := category(t), category(t)
	if p, err := s.Head(ctxFor(t), es.Filter{Categories: []string{cat}}); err != nil || !p.IsZero() {
		t.Fatalf("Head of an empty category = %v, %v; want Start", p, err)
	}
	a := mustAppend(t, s, es.StreamName(cat, "a"), es.Any, es.AppendRequest{Events: events("A")})
	b := mustAppend(t, s, es.StreamName(other, "b"), es.Any, es.AppendRequest{Events: events("B")})
	for _, tc := range []struct {
		cats []string
		want es.Position
	}{{[]string{cat}, a.Position}, {[]string{other}, b.Position}, {[]string{cat, other}, b.Position}} {
		p, err := s.Head(ctxFor(t), es.Filter{Categories: tc.cats})
		if err != nil || p != tc.want {
			t.Errorf("Head(%v) = %v, %v; want %v", tc.cats, p, err, tc.want)
		}
	}
	if p, err := s.Head(ctxFor(t), es.Filter{}); err != nil || p.Before(b.Position) {
		t.Errorf("Head(all) = %v, %v; want at least %v", p, err, b.Position)
	}
}

func testInvalidInput(t *testing.T, s es.Store) {
	t.Parallel()
	for _, name := range []string{"", "nocategory", "-id", "cat-", "Cat-id", "cat-a.b", "cat-a*", "cat-a>", "cat-a b", "cat-é"} {
		if _, err := s.Append(ctxFor(t), name, es.Any, es.AppendRequest{Events: events("A")}); !errors.Is(err, es.ErrInvalidStream) {
			t.Errorf("Append(%q) = %v, want ErrInvalidStream", name, err)
		}
		if _, err := s.Read(ctxFor(t), name, 1); !errors.Is(err, es.ErrInvalidStream) {
			t.Errorf("Read(%q) = %v, want ErrInvalidStream", name, err)
		}
	}
	stream := es.StreamName(category(t), "p1")
	if _, err := s.Append(ctxFor(t), stream, es.Any, es.AppendRequest{}); !errors.Is(err, es.ErrInvalidRequest) {
		t.Errorf("Append of no event = %v, want ErrInvalidRequest", err)
	}
	if _, err := s.Append(ctxFor(t), stream, es.Any, es.AppendRequest{Events: []es.EventData{{Data: []byte("x")}}}); !errors.Is(err, es.ErrInvalidRequest) {
		t.Errorf("Append of an event without type = %v, want ErrInvalidRequest", err)
	}
	if evs := mustRead(t, s, stream, 1); len(evs) != 0 {
		t.Errorf("refused appends wrote %v", types(evs))
	}
}
