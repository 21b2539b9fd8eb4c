package projection

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/maillage/maillage/internal/es"
)

// Durable is a projection whose model lives in a store of its own
// (projection/kv) with the position it covers, written in the same batch:
// a restart resumes exactly there, with nothing to restore and no window
// to replay.
type Durable interface {
	// Name names the projection (and its store's directory).
	Name() string
	// Filter selects the events the projection reads.
	Filter() es.Filter
	// Position is where the stored model stands; es.Start when empty.
	Position() (es.Position, error)
	// ApplyBatch folds events, in store order, and stores the changes
	// with the position of the last event, atomically. Events it cannot
	// read (es.ErrMalformed) it passes over and returns: they are
	// counted and logged, not applied. It must not keep events: the
	// runner reuses the slice.
	ApplyBatch(events []es.RecordedEvent) (skipped []es.RecordedEvent, err error)
}

// durableBatch bounds the events of one ApplyBatch. While a projection
// catches up with the store it waits up to catchUpLinger for a full batch,
// so that a view changed by many events is written once; on the live tail
// it applies what has arrived at once.
const (
	durableBatch  = 4096
	catchUpLinger = 50 * time.Millisecond
)

func (r *Runner) runDurable(ctx context.Context) error {
	start := time.Now()
	d := r.cfg.Durable
	pos, err := d.Position()
	if err != nil {
		return fmt.Errorf("projection %s: %w", d.Name(), err)
	}
	r.mu.Lock()
	r.pos = pos
	r.mu.Unlock()
	restored := !pos.IsZero()
	head, err := r.cfg.Store.Head(ctx, d.Filter())
	if err != nil {
		return fmt.Errorf("projection %s: %w", d.Name(), err)
	}
	if !pos.Before(head) {
		r.markReady(start, restored)
	}
	sub, err := r.cfg.Store.Subscribe(ctx, pos, d.Filter())
	if err != nil {
		return fmt.Errorf("projection %s: %w", d.Name(), err)
	}
	defer sub.Close()
	inbox := es.NewInbox(ctx, sub, durableBatch)
	var batch []es.RecordedEvent
	for {
		atLeast, linger := 1, time.Duration(0)
		if r.Position().Before(head) {
			atLeast, linger = durableBatch, catchUpLinger
		}
		deliveries, err := inbox.Take(ctx, atLeast, linger)
		if err != nil {
			return r.stopped(ctx, err)
		}
		batch = batch[:0]
		for _, it := range deliveries {
			if err := r.take(it, &batch); err != nil {
				return r.stopped(ctx, err)
			}
		}
		if len(batch) == 0 {
			// Only messages passed over: ready once past the head.
			if !r.Position().Before(head) {
				r.markReady(start, restored)
			}
			continue
		}
		skipped, err := d.ApplyBatch(batch)
		if err != nil {
			return fmt.Errorf("projection %s at %v: %w", d.Name(), batch[0].Position, err)
		}
		for _, ev := range skipped {
			r.skipped.Add(1)
			r.log.Error("projection skipped an unreadable event", "position", ev.Position.String(), "stream", ev.Stream, "type", ev.Type)
		}
		last := batch[len(batch)-1].Position
		r.advance(last)
		if !last.Before(head) {
			r.markReady(start, restored)
		}
	}
}

// take adds an event of the subscription to batch, passing over the ones
// before the stored position and the messages no event can be read from.
func (r *Runner) take(d es.Delivery, batch *[]es.RecordedEvent) error {
	var malformed *es.MalformedError
	if errors.As(d.Err, &malformed) {
		r.skip(malformed.Position, "", d.Err)
		return nil
	}
	if d.Err != nil {
		return d.Err
	}
	if !r.Position().Before(d.Event.Position) {
		return nil
	}
	if n := len(*batch); n > 0 && !(*batch)[n-1].Position.Before(d.Event.Position) {
		return nil
	}
	*batch = append(*batch, d.Event)
	return nil
}

func (r *Runner) stopped(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("projection %s: %w", r.name(), err)
}
