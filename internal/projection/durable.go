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
	// counted and logged, not applied.
	ApplyBatch(events []es.RecordedEvent) (skipped []es.RecordedEvent, err error)
}

// durableBatch bounds the events of one ApplyBatch: a catch-up commits
// every few thousand events, the live tail event by event.
const durableBatch = 2000

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
	items := es.Pump(ctx, sub, 2*durableBatch)
	for {
		var batch []es.RecordedEvent
		select {
		case it := <-items:
			if err := r.take(it, &batch); err != nil {
				return r.stopped(ctx, err)
			}
		case <-ctx.Done():
			return nil
		}
	drain:
		for len(batch) < durableBatch {
			select {
			case it := <-items:
				if err := r.take(it, &batch); err != nil {
					return r.stopped(ctx, err)
				}
			default:
				break drain
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
