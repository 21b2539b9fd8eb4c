package decider

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/es"
)

// maxConflictRetries bounds how often a command that expects no particular
// version is decided again after losing a race for its stream.
const maxConflictRetries = 5

// Handler runs the commands of one aggregate type. It keeps a snapshot of
// each aggregate it has loaded (state, version, position), so that loading
// reads only the stream's tail: one round trip, whatever the store's size.
// Commands on one aggregate are serialised within the process; across
// processes the store's expected-version check decides.
type Handler[S any, C any] struct {
	store    es.Store
	codec    *Codec
	decider  Decider[S, C]
	category string
	now      func() time.Time
	newID    func() string
	cache    *snapshots[S]
	created  func([]proto.Message) string
	seed     maphash.Seed
	locks    [256]sync.Mutex
}

// HandlerConfig configures a Handler. Store, Codec, Decider and Category are
// required.
type HandlerConfig[S any, C any] struct {
	Store     es.Store
	Codec     *Codec
	Decider   Decider[S, C]
	Category  string
	Now       func() time.Time // default time.Now
	NewID     func() string    // default a ULID
	CacheSize int              // aggregates kept in memory; default 50,000
	// CreatedID names what a command's events created (their first
	// event's own id), for Result.CreatedID; nil leaves it empty.
	CreatedID func(events []proto.Message) string
}

// NewHandler returns a handler, or every problem of cfg.
func NewHandler[S any, C any](cfg HandlerConfig[S, C]) (*Handler[S, C], error) {
	var errs []error
	if cfg.Store == nil {
		errs = append(errs, errors.New("decider: Store is required"))
	}
	if cfg.Codec == nil {
		errs = append(errs, errors.New("decider: Codec is required"))
	}
	if cfg.Decider.Initial == nil || cfg.Decider.Decide == nil || cfg.Decider.Evolve == nil {
		errs = append(errs, errors.New("decider: Decider needs Initial, Decide and Evolve"))
	}
	if cfg.Category == "" {
		errs = append(errs, errors.New("decider: Category is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.NewID == nil {
		cfg.NewID = func() string { return ulid.Make().String() }
	}
	if cfg.CacheSize == 0 {
		cfg.CacheSize = 50_000
	}
	return &Handler[S, C]{
		store: cfg.Store, codec: cfg.Codec, decider: cfg.Decider, category: cfg.Category,
		now: cfg.Now, newID: cfg.NewID, cache: newSnapshots[S](cfg.CacheSize), created: cfg.CreatedID, seed: maphash.MakeSeed(),
	}, nil
}

// Options of one command.
type Options struct {
	// Expected, when set, is the version the caller saw: the command fails
	// with an es.ConflictError if the aggregate has moved since. When nil,
	// the handler decides again on the fresh state after a conflict.
	Expected *es.Version
	// Metadata travels with the events; RequestID makes the command
	// idempotent: sent again, it answers as the first time, writing nothing.
	Metadata es.Metadata
	// Caller is who asks; the decider's Context carries it.
	Caller access.Caller
}

// Result of a command.
type Result struct {
	Version   es.Version      // the aggregate's version after the command
	Position  es.Position     // the global position reached (read-your-writes token)
	Events    []proto.Message // what the command produced; on a replay, what the first call produced
	Duplicate bool            // a replay: nothing was written
	// CreatedID is the id of what the command created (HandlerConfig.
	// CreatedID), the same on a replay.
	CreatedID string
}

// Handle loads the aggregate id, decides cmd, and appends what it produced.
func (h *Handler[S, C]) Handle(ctx context.Context, id string, cmd C, opts Options) (Result, error) {
	res, err := h.handle(ctx, id, cmd, opts)
	if err == nil && h.created != nil {
		res.CreatedID = h.created(res.Events)
	}
	return res, err
}

// Inspect calls fn with the aggregate id's state as stored now, under the
// aggregate's lock: for process managers that decide when to act next
// from what the file holds. fn must neither keep nor change the state.
func (h *Handler[S, C]) Inspect(ctx context.Context, id string, fn func(S)) error {
	stream := es.StreamName(h.category, id)
	if err := es.ValidateStream(stream); err != nil {
		return err
	}
	mu := &h.locks[maphash.String(h.seed, stream)%uint64(len(h.locks))]
	mu.Lock()
	defer mu.Unlock()
	snap, _, err := h.load(ctx, stream, true)
	if err != nil {
		return err
	}
	fn(snap.state)
	return nil
}

func (h *Handler[S, C]) handle(ctx context.Context, id string, cmd C, opts Options) (Result, error) {
	stream := es.StreamName(h.category, id)
	if err := es.ValidateStream(stream); err != nil {
		return Result{}, err
	}
	mu := &h.locks[maphash.String(h.seed, stream)%uint64(len(h.locks))]
	mu.Lock()
	defer mu.Unlock()

	// The first attempt trusts a cached snapshot without reading the store:
	// the append's expected-version check catches a snapshot gone stale
	// (another process wrote), and the next attempt reads the tail. One
	// round trip saved on nearly every command.
	for attempt := 0; ; attempt++ {
		snap, fresh, err := h.load(ctx, stream, attempt > 0)
		if err != nil {
			return Result{}, err
		}
		if applied, ok := snap.applied(opts.Metadata.RequestID); ok {
			if err := sameRequest(applied.hash, opts.Metadata.RequestHash); err != nil {
				return Result{}, err
			}
			return h.replay(ctx, stream, applied)
		}
		if opts.Expected != nil && *opts.Expected != snap.version {
			if !fresh {
				continue // the caller may know a version our snapshot missed
			}
			return Result{}, &es.ConflictError{Stream: stream, Expected: es.Exactly(*opts.Expected), Actual: snap.version}
		}
		dctx := Context{Now: h.now(), Actor: opts.Metadata.Actor, Organisation: opts.Metadata.Organisation, Caller: opts.Caller, NewID: h.newID}
		events, err := h.decider.Decide(snap.state, cmd, dctx)
		if (err != nil || len(events) == 0) && !fresh {
			continue // a refusal or a no-op must not rest on a stale snapshot
		}
		if err != nil {
			return Result{}, err
		}
		if len(events) == 0 {
			return Result{Version: snap.version, Position: snap.position}, nil
		}
		res, err := h.append(ctx, stream, snap, events, opts.Metadata, dctx.Now)
		var conflict *es.ConflictError
		if errors.As(err, &conflict) && (!fresh || opts.Expected == nil) && attempt < maxConflictRetries {
			continue // another process wrote first: decide again on what it wrote
		}
		return res, err
	}
}

func (h *Handler[S, C]) append(ctx context.Context, stream string, snap *snapshot[S], events []proto.Message, md es.Metadata, now time.Time) (Result, error) {
	data := make([]es.EventData, len(events))
	for i, ev := range events {
		d, err := Encode(ev)
		if err != nil {
			return Result{}, err
		}
		data[i] = d
	}
	md.OccurredAt = now
	res, err := h.store.Append(ctx, stream, es.Exactly(snap.version), es.AppendRequest{Events: data, Metadata: md})
	if err != nil {
		return Result{}, err
	}
	if res.Duplicate {
		// The store knew the request though our snapshot did not (another
		// process handled it): answer from the stored events.
		return h.replay(ctx, stream, appliedRequest{id: md.RequestID, hash: md.RequestHash, first: res.FirstVersion, last: res.LastVersion, position: res.Position})
	}
	for i, ev := range events {
		snap.state = h.decider.Evolve(snap.state, Event{Payload: ev, Version: uint64(res.FirstVersion) + uint64(i), OccurredAt: now, Actor: md.Actor, Organisation: md.Organisation})
	}
	snap.advance(res.LastVersion, res.Position, md.RequestID, md.RequestHash, res.FirstVersion)
	return Result{Version: res.LastVersion, Position: res.Position, Events: events}, nil
}

// load returns the aggregate's snapshot: the cached one as it is unless
// fresh is asked, else brought up to date with the tail of its stream. It
// reports whether the snapshot was read fresh from the store.
func (h *Handler[S, C]) load(ctx context.Context, stream string, fresh bool) (*snapshot[S], bool, error) {
	snap, ok := h.cache.get(stream)
	if ok && !fresh {
		return snap, false, nil
	}
	if !ok {
		snap = &snapshot[S]{state: h.decider.Initial()}
	}
	tail, err := h.store.Read(ctx, stream, snap.version+1, es.AfterPosition(snap.position))
	if err != nil {
		return nil, false, fmt.Errorf("load %s: %w", stream, err)
	}
	for _, rec := range tail {
		payload, err := h.codec.Decode(rec)
		if err != nil {
			return nil, false, fmt.Errorf("load %s: %w", stream, err)
		}
		snap.state = h.decider.Evolve(snap.state, EventOf(rec, payload))
		snap.advance(rec.Version, rec.Position, rec.Metadata.RequestID, rec.Metadata.RequestHash, rec.Version)
	}
	h.cache.put(stream, snap)
	return snap, true, nil
}

// replay answers a request that was already applied, from its events.
func (h *Handler[S, C]) replay(ctx context.Context, stream string, a appliedRequest) (Result, error) {
	recs, err := h.store.Read(ctx, stream, a.first)
	if err != nil {
		return Result{}, fmt.Errorf("replay %s on %s: %w", a.id, stream, err)
	}
	res := Result{Version: a.last, Position: a.position, Duplicate: true}
	for _, rec := range recs {
		if rec.Version > a.last {
			break
		}
		if err := sameRequest(rec.Metadata.RequestHash, a.hash); err != nil {
			return Result{}, err
		}
		payload, err := h.codec.Decode(rec)
		if err != nil {
			return Result{}, err
		}
		res.Events = append(res.Events, payload)
	}
	return res, nil
}

// EventOf is the Event that Evolve sees for a stored event.
func EventOf(rec es.RecordedEvent, payload proto.Message) Event {
	at := rec.Metadata.OccurredAt
	if at.IsZero() {
		at = rec.RecordedAt
	}
	return Event{Payload: payload, Version: uint64(rec.Version), OccurredAt: at, Actor: rec.Metadata.Actor, Organisation: rec.Metadata.Organisation}
}

// sameRequest refuses a request id used again for another command or body:
// answering it as the first would silently drop the second. A fingerprint
// missing on either side (events written before fingerprints) is trusted.
func sameRequest(stored, asked string) error {
	if stored == "" || asked == "" || stored == asked {
		return nil
	}
	return derrors.Invalid("request_id", "was already used for another command or another body on this file; send a new request id for a new command")
}
