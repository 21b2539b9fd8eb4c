package es

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// handSubscription delivers what the test sends it, in order: a real
// Subscription whose pace the test sets.
type handSubscription struct{ next chan Delivery }

func (h *handSubscription) Next(ctx context.Context) (RecordedEvent, error) {
	select {
	case d := <-h.next:
		return d.Event, d.Err
	case <-ctx.Done():
		return RecordedEvent{}, ctx.Err()
	}
}

func (h *handSubscription) Close() error { return nil }

func event(i int) Delivery {
	return Delivery{Event: RecordedEvent{Stream: fmt.Sprintf("person-%d", i), Position: PositionAt(uint64(i))}}
}

func TestInboxGivesWhatArrivedAtOnce(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sub := &handSubscription{next: make(chan Delivery)}
	in := NewInbox(ctx, sub, 100)
	for i := 1; i <= 5; i++ {
		sub.next <- event(i)
	}
	waitQueued(t, in, 5)
	got, err := in.Take(ctx, 1, 0)
	if err != nil || len(got) != 5 || got[4].Event.Position != PositionAt(5) {
		t.Fatalf("Take = %d deliveries (%v), want the 5 that arrived, in order", len(got), err)
	}
}

func TestInboxWaitsForAFullBatchOrTheLinger(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sub := &handSubscription{next: make(chan Delivery)}
	in := NewInbox(ctx, sub, 100)
	go func() {
		for i := 1; i <= 10; i++ {
			sub.next <- event(i)
		}
	}()
	got, err := in.Take(ctx, 10, time.Minute)
	if err != nil || len(got) != 10 {
		t.Fatalf("Take(atLeast 10) = %d deliveries (%v), want 10", len(got), err)
	}
	sub.next <- event(11)
	start := time.Now()
	got, err = in.Take(ctx, 10, 20*time.Millisecond)
	if err != nil || len(got) != 1 {
		t.Fatalf("Take(atLeast 10) with one arrived = %d deliveries (%v), want it after the linger", len(got), err)
	}
	if waited := time.Since(start); waited < 20*time.Millisecond {
		t.Errorf("Take returned a short batch after %v, before its linger of 20ms", waited)
	}
}

func TestInboxHoldsBackTheSubscriptionAtItsLimit(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sub := &handSubscription{next: make(chan Delivery)}
	in := NewInbox(ctx, sub, 3)
	for i := 1; i <= 3; i++ {
		sub.next <- event(i)
	}
	waitQueued(t, in, 3)
	select {
	case sub.next <- event(4):
		// The pump read it and now waits for room: it must not be queued.
		time.Sleep(10 * time.Millisecond) // give a wrong pump the time to queue it
		if n := queued(in); n != 3 {
			t.Fatalf("%d deliveries queued, want the limit of 3", n)
		}
	case <-time.After(time.Second):
		t.Fatal("the pump stopped reading before its limit")
	}
	got, _ := in.Take(ctx, 1, 0)
	if len(got) != 3 {
		t.Fatalf("Take = %d deliveries, want 3", len(got))
	}
	got, _ = in.Take(ctx, 1, 0)
	if len(got) != 1 || got[0].Event.Position != PositionAt(4) {
		t.Fatalf("after room was made, Take = %v, want event 4", got)
	}
}

func TestInboxDeliversTheErrorThatStopsItThenClosed(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sub := &handSubscription{next: make(chan Delivery, 4)}
	malformed := &MalformedError{Position: PositionAt(2), Reason: "garbled"}
	broken := errors.New("connection lost")
	sub.next <- event(1)
	sub.next <- Delivery{Err: malformed}
	sub.next <- event(3)
	sub.next <- Delivery{Err: broken}
	in := NewInbox(ctx, sub, 100)
	var got []Delivery
	for len(got) < 4 {
		ds, err := in.Take(ctx, 1, 0)
		if err != nil {
			t.Fatalf("Take after %d deliveries: %v", len(got), err)
		}
		got = append(got, ds...)
	}
	if !errors.Is(got[1].Err, ErrMalformed) || got[2].Event.Position != PositionAt(3) || !errors.Is(got[3].Err, broken) {
		t.Fatalf("deliveries = %+v, want event 1, the malformed message, event 3, then the error", got)
	}
	if _, err := in.Take(ctx, 1, 0); !errors.Is(err, ErrClosed) {
		t.Fatalf("Take after the stopping error = %v, want ErrClosed", err)
	}
}

func TestInboxTakeEndsWithItsContext(t *testing.T) {
	sub := &handSubscription{next: make(chan Delivery)}
	in := NewInbox(context.Background(), sub, 10)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := in.Take(ctx, 1, 0); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Take with nothing arriving = %v, want the context's deadline", err)
	}
}

func queued(in *Inbox) int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return len(in.queued)
}

func waitQueued(t *testing.T, in *Inbox, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for queued(in) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d deliveries queued after 5s, want %d", queued(in), n)
		}
		time.Sleep(time.Millisecond) // the pump runs on its own goroutine
	}
}
