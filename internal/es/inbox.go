package es

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Inbox reads a subscription ahead of its reader, who takes what has
// arrived by the batch: a projection catching up folds thousands of events
// per write, a live one each event as it comes. A channel send per event
// cost a replay more than the fold of small events; the inbox costs a
// lock.
//
// An Inbox is for one reader; Take must not be called concurrently.
type Inbox struct {
	mu      sync.Mutex
	queued  []Delivery
	spare   []Delivery
	stopped bool          // the pump stopped (an error delivered, or ctx)
	arrived chan struct{} // 1-buffered: a delivery arrived since the last Take looked
	room    chan struct{} // 1-buffered: the reader took deliveries
	limit   int
}

// NewInbox starts reading sub into an inbox of at most limit deliveries,
// until the first error that does not wrap ErrMalformed (delivered too) or
// until ctx ends. The caller still closes sub.
func NewInbox(ctx context.Context, sub Subscription, limit int) *Inbox {
	in := &Inbox{arrived: make(chan struct{}, 1), room: make(chan struct{}, 1), limit: max(limit, 1)}
	go in.pump(ctx, sub)
	return in
}

func (in *Inbox) pump(ctx context.Context, sub Subscription) {
	defer func() {
		in.mu.Lock()
		in.stopped = true
		in.mu.Unlock()
		signal(in.arrived)
	}()
	for {
		ev, err := sub.Next(ctx)
		in.mu.Lock()
		for len(in.queued) >= in.limit {
			in.mu.Unlock()
			select {
			case <-in.room:
			case <-ctx.Done():
				return
			}
			in.mu.Lock()
		}
		in.queued = append(in.queued, Delivery{Event: ev, Err: err})
		in.mu.Unlock()
		signal(in.arrived)
		if err != nil && !errors.Is(err, ErrMalformed) {
			return
		}
	}
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// Take waits until at least one delivery has arrived and returns those
// that have, up to the inbox's limit. With atLeast above one it waits
// longer, for atLeast deliveries or linger after the first, whichever
// comes first: a replay then writes its projection in large batches. It
// returns ctx's error when ctx ends first, and ErrClosed once the pump has
// stopped and everything it read was taken. The returned slice is valid
// until the next Take.
func (in *Inbox) Take(ctx context.Context, atLeast int, linger time.Duration) ([]Delivery, error) {
	var deadline <-chan time.Time
	for {
		in.mu.Lock()
		n, stopped := len(in.queued), in.stopped
		if n > 0 && (n >= atLeast || n >= in.limit || stopped || deadline == nil && linger <= 0) {
			out := in.queued
			in.queued, in.spare = in.spare[:0], out
			in.mu.Unlock()
			signal(in.room)
			return out, nil
		}
		in.mu.Unlock()
		if n == 0 && stopped {
			return nil, ErrClosed
		}
		if n > 0 && deadline == nil {
			t := time.NewTimer(linger)
			defer t.Stop()
			deadline = t.C
		}
		select {
		case <-in.arrived:
		case <-deadline:
			linger, atLeast = 0, 1
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
