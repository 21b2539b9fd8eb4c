package projection

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/maillage/maillage/internal/es"
)

// Config of a Runner.
type Config struct {
	Store      es.Store   // required
	Projection Projection // required
	Logger     *slog.Logger
}

// Runner runs one projection.
type Runner struct {
	cfg Config
	log *slog.Logger

	mu       sync.Mutex
	pos      es.Position
	advanced chan struct{} // closed and replaced whenever pos moves
	progress es.Progress   // how far the subscription read; nil when it cannot tell
	ready    chan struct{} // closed once caught up with the store at start
	readyOne sync.Once
	skipped  atomic.Uint64 // unreadable events passed over
}

// NewRunner checks cfg and returns a runner that has not started.
func NewRunner(cfg Config) (*Runner, error) {
	var errs []error
	if cfg.Store == nil {
		errs = append(errs, errors.New("projection: Store is required"))
	}
	if cfg.Projection == nil {
		errs = append(errs, errors.New("projection: Projection is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Runner{
		cfg: cfg, log: cfg.Logger.With("projection", cfg.Projection.Name()),
		advanced: make(chan struct{}), ready: make(chan struct{}),
	}, nil
}

// Position returns the position of the last event applied.
func (r *Runner) Position() es.Position {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pos
}

// Ready is closed once the projection has caught up with what the store
// held when it started.
func (r *Runner) Ready() <-chan struct{} { return r.ready }

// Skipped counts the unreadable events skipped since start.
func (r *Runner) Skipped() uint64 { return r.skipped.Load() }

// batch bounds the events of one ApplyBatch. While a projection catches
// up with the store it waits up to catchUpLinger for a full batch, so
// that a view changed by many events is written once; on the live tail
// it applies what has arrived at once.
const (
	batch         = 4096
	catchUpLinger = 50 * time.Millisecond
)

// Run applies events from the projection's stored position until ctx
// ends (then it returns nil) or an event cannot be applied (then the
// error).
func (r *Runner) Run(ctx context.Context) error {
	start := time.Now()
	p := r.cfg.Projection
	pos, err := p.Position()
	if err != nil {
		return fmt.Errorf("projection %s: %w", p.Name(), err)
	}
	r.mu.Lock()
	r.pos = pos
	r.mu.Unlock()
	restored := !pos.IsZero()
	head, err := r.cfg.Store.Head(ctx, p.Filter())
	if err != nil {
		return r.stopped(ctx, err)
	}
	if !pos.Before(head) {
		r.markReady(start, restored)
	}
	sub, err := r.cfg.Store.Subscribe(ctx, pos, p.Filter())
	if err != nil {
		return r.stopped(ctx, err) // stopped while subscribing: not an error
	}
	defer sub.Close()
	if pr, ok := sub.(es.Progress); ok {
		if _, _, knows := pr.Progress(); knows {
			r.mu.Lock()
			r.progress = pr
			r.mu.Unlock()
		}
	}
	inbox := es.NewInbox(ctx, sub, batch)
	var events []es.RecordedEvent
	for {
		atLeast, linger := 1, time.Duration(0)
		if r.Position().Before(head) {
			atLeast, linger = batch, catchUpLinger
		}
		deliveries, err := inbox.Take(ctx, atLeast, linger)
		if err != nil {
			return r.stopped(ctx, err)
		}
		events = events[:0]
		var passedOver es.Position // the last unreadable message among them
		for _, d := range deliveries {
			if err := r.take(d, &events, &passedOver); err != nil {
				return r.stopped(ctx, err)
			}
		}
		if len(events) > 0 {
			skipped, err := p.ApplyBatch(events)
			if err != nil && ctx.Err() != nil {
				// Cut short by the stop: not applied, applied again at the next start.
				r.log.Info("projection stopped within a batch; it is applied again at the next start", "projection", p.Name(), "err", err)
				return nil
			}
			if err != nil {
				return fmt.Errorf("projection %s at %v: %w", p.Name(), events[0].Position, err)
			}
			for _, ev := range skipped {
				r.skipped.Add(1)
				r.log.Error("projection skipped an unreadable event", "position", ev.Position.String(), "stream", ev.Stream, "type", ev.Type)
			}
		}
		// Applied through the last event, and past the unreadable
		// messages, once everything before them is applied.
		last := passedOver
		if n := len(events); n > 0 && last.Before(events[n-1].Position) {
			last = events[n-1].Position
		}
		if r.Position().Before(last) {
			r.advance(last)
		}
		if !r.Position().Before(head) {
			r.markReady(start, restored)
		}
	}
}

// take adds a delivered event to events, passing over the ones at or
// before the stored position; a message no event can be read from is
// counted, logged, and moves passedOver.
func (r *Runner) take(d es.Delivery, events *[]es.RecordedEvent, passedOver *es.Position) error {
	var malformed *es.MalformedError
	if errors.As(d.Err, &malformed) {
		r.skipped.Add(1)
		r.log.Error("projection skipped an unreadable message", "position", malformed.Position.String(), "err", d.Err)
		if passedOver.Before(malformed.Position) {
			*passedOver = malformed.Position
		}
		return nil
	}
	if d.Err != nil {
		return d.Err
	}
	if !r.Position().Before(d.Event.Position) {
		return nil
	}
	if n := len(*events); n > 0 && !(*events)[n-1].Position.Before(d.Event.Position) {
		return nil
	}
	*events = append(*events, d.Event)
	return nil
}

func (r *Runner) stopped(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("projection %s: %w", r.cfg.Projection.Name(), err)
}

func (r *Runner) advance(p es.Position) {
	r.mu.Lock()
	r.pos = p
	close(r.advanced)
	r.advanced = make(chan struct{})
	r.mu.Unlock()
}

func (r *Runner) markReady(start time.Time, restored bool) {
	r.readyOne.Do(func() {
		r.log.Info("projection ready", "position", r.Position().String(), "restored", restored, "took", time.Since(start))
		close(r.ready)
	})
}

// ErrBehind is returned by WaitFor when the projection has not reached the
// asked position in time.
var ErrBehind = errors.New("projection: not caught up yet")

// progressPoll is how often a wait looks again at how far the
// subscription read, when nothing the projection applies moves it.
const progressPoll = 200 * time.Microsecond

// WaitFor blocks until every event the projection reads up to target is
// applied, or ctx ends (then it returns an error wrapping ErrBehind). A
// target past the projection's own events (another service's write, an
// event it does not read) is reached as soon as the projection has
// applied everything it reads before it.
func (r *Runner) WaitFor(ctx context.Context, target es.Position) error {
	if !r.Position().Before(target) {
		return nil
	}
	r.mu.Lock()
	progress := r.progress
	r.mu.Unlock()
	if progress == nil {
		// The subscription cannot tell what it passed over: ask the
		// store where the projection's own events end.
		head, err := r.cfg.Store.Head(ctx, r.cfg.Projection.Filter())
		if err != nil {
			return err
		}
		if head.Before(target) {
			target = head
		}
	}
	var poll <-chan time.Time
	if progress != nil {
		t := time.NewTicker(progressPoll)
		defer t.Stop()
		poll = t.C
	}
	for {
		r.mu.Lock()
		pos, advanced := r.pos, r.advanced
		r.mu.Unlock()
		if !pos.Before(target) || progress != nil && passed(progress, pos, target) {
			return nil
		}
		select {
		case <-advanced:
		case <-poll:
		case <-ctx.Done():
			return fmt.Errorf("%w: %s is at %v, asked for %v: %w", ErrBehind, r.cfg.Projection.Name(), pos, target, ctx.Err())
		}
	}
}

// passed reports whether the subscription has read the store through
// target and everything it delivered is applied (at or before applied):
// then every event the projection reads up to target is applied.
func passed(p es.Progress, applied, target es.Position) bool {
	read, delivered, ok := p.Progress()
	return ok && !read.Before(target) && !applied.Before(delivered)
}

// WaitForStored blocks until the projection has applied every event it
// reads that the store held when it was called: a decision made on the
// model then sees the file as stored now (a consent withdrawn a moment
// ago counts), whatever process wrote it.
func (r *Runner) WaitForStored(ctx context.Context) error {
	head, err := r.cfg.Store.Head(ctx, es.Filter{})
	if err != nil {
		return err
	}
	return r.WaitFor(ctx, head)
}
