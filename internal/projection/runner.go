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
	Store      es.Store
	Projection Projection
	// Durable, instead of Projection, is a projection that keeps its model
	// and position together (projection/kv): the runner applies events to
	// it in batches and keeps no checkpoint file.
	Durable Durable
	// Dir keeps the projection's checkpoint file; "" keeps nothing (the
	// projection rebuilds at every start).
	Dir string
	// CheckpointEvery is how often a running projection saves itself;
	// default 30s. It also saves when it stops.
	CheckpointEvery time.Duration
	Logger          *slog.Logger
}

// Runner runs one projection.
type Runner struct {
	cfg Config
	log *slog.Logger

	mu       sync.Mutex
	pos      es.Position
	advanced chan struct{} // closed and replaced whenever pos moves
	ready    chan struct{} // closed once restored and caught up with the store
	readyOne sync.Once
	skipped  atomic.Uint64 // unreadable events passed over
}

// NewRunner checks cfg and returns a runner that has not started.
func NewRunner(cfg Config) (*Runner, error) {
	var errs []error
	if cfg.Store == nil {
		errs = append(errs, errors.New("projection: Store is required"))
	}
	if (cfg.Projection == nil) == (cfg.Durable == nil) {
		errs = append(errs, errors.New("projection: one of Projection and Durable is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cfg.CheckpointEvery == 0 {
		cfg.CheckpointEvery = 30 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	name := ""
	if cfg.Projection != nil {
		name = cfg.Projection.Name()
	} else {
		name = cfg.Durable.Name()
	}
	return &Runner{
		cfg: cfg, log: cfg.Logger.With("projection", name),
		advanced: make(chan struct{}), ready: make(chan struct{}),
	}, nil
}

// Position returns the position of the last event applied.
func (r *Runner) Position() es.Position {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pos
}

// Ready is closed once the projection has restored its checkpoint and
// caught up with what the store held when it started.
func (r *Runner) Ready() <-chan struct{} { return r.ready }

// Run restores the checkpoint, then applies events until ctx is done; then
// it saves a last checkpoint. It returns nil when ctx ends it, or the error
// that stopped the projection.
func (r *Runner) Run(ctx context.Context) error {
	if r.cfg.Durable != nil {
		return r.runDurable(ctx)
	}
	start := time.Now()
	restored, err := r.restore()
	if err != nil {
		return err
	}
	head, err := r.cfg.Store.Head(ctx, r.cfg.Projection.Filter())
	if err != nil {
		return fmt.Errorf("projection %s: %w", r.cfg.Projection.Name(), err)
	}
	if !r.Position().Before(head) {
		r.markReady(start, restored)
	}
	sub, err := r.cfg.Store.Subscribe(ctx, r.Position(), r.cfg.Projection.Filter())
	if err != nil {
		return fmt.Errorf("projection %s: %w", r.cfg.Projection.Name(), err)
	}
	defer sub.Close()
	lastSave := time.Now()
	for {
		ev, err := sub.Next(ctx)
		var malformed *es.MalformedError
		if errors.As(err, &malformed) {
			// A message no event can be read from (written by hand, by
			// a newer or broken writer): skipped, loudly, instead of
			// stopping maillaged at every start.
			r.skip(malformed.Position, "", err)
			if !malformed.Position.Before(head) {
				r.markReady(start, restored)
			}
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				// A checkpoint is a head start, not data: one that cannot
				// be written (a full disk) costs a longer replay at the
				// next start, and is said, not failed on.
				if err := r.save(); err != nil {
					r.log.Error("checkpoint not saved at stop; the next start replays from the last one", "err", err)
				}
				return nil
			}
			return fmt.Errorf("projection %s: %w", r.cfg.Projection.Name(), err)
		}
		if !r.Position().Before(ev.Position) {
			continue // at or before the checkpoint: applied already
		}
		if err := r.cfg.Projection.Apply(ev); err != nil {
			if errors.Is(err, es.ErrMalformed) {
				r.skip(ev.Position, ev.Stream, err)
				if !ev.Position.Before(head) {
					r.markReady(start, restored)
				}
				continue
			}
			r.save()
			return fmt.Errorf("projection %s at %v (%s %s v%d): %w", r.cfg.Projection.Name(), ev.Position, ev.Type, ev.Stream, ev.Version, err)
		}
		r.advance(ev.Position)
		if !ev.Position.Before(head) {
			r.markReady(start, restored)
		}
		if time.Since(lastSave) >= r.cfg.CheckpointEvery {
			if err := r.save(); err != nil {
				r.log.Error("checkpoint failed; will retry", "err", err)
			}
			lastSave = time.Now()
		}
	}
}

// skip passes over an event that cannot be read, and says so.
func (r *Runner) skip(p es.Position, stream string, err error) {
	r.skipped.Add(1)
	r.log.Error("projection skipped an unreadable event", "position", p.String(),
		"stream", stream, "err", err)
	if r.Position().Before(p) {
		r.advance(p)
	}
}

// Skipped counts the unreadable events skipped since start.
func (r *Runner) Skipped() uint64 { return r.skipped.Load() }

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

// WaitFor blocks until every event the projection reads up to target is
// applied, or ctx ends (then it returns an error wrapping ErrBehind). A
// target past the projection's own events (another service's write) is
// reached as soon as the projection has applied its last event.
func (r *Runner) WaitFor(ctx context.Context, target es.Position) error {
	if !r.Position().Before(target) {
		return nil
	}
	// Events after the last one this projection reads are not its concern.
	head, err := r.cfg.Store.Head(ctx, r.filter())
	if err != nil {
		return err
	}
	if head.Before(target) {
		target = head
	}
	for {
		r.mu.Lock()
		pos, advanced := r.pos, r.advanced
		r.mu.Unlock()
		if !pos.Before(target) {
			return nil
		}
		select {
		case <-advanced:
		case <-ctx.Done():
			return fmt.Errorf("%w: %s is at %v, asked for %v: %w", ErrBehind, r.name(), pos, target, ctx.Err())
		}
	}
}

func (r *Runner) filter() es.Filter {
	if r.cfg.Durable != nil {
		return r.cfg.Durable.Filter()
	}
	return r.cfg.Projection.Filter()
}

func (r *Runner) name() string {
	if r.cfg.Durable != nil {
		return r.cfg.Durable.Name()
	}
	return r.cfg.Projection.Name()
}
