// Package es is Maillage's event store contract: every service writes its
// domain events through it and every projection reads them back through it.
//
// A stream holds the events of one aggregate, named "<category>-<id>"
// (parcours-01J…, partner-…). Streams are versioned from 1; a store also
// gives each event a global Position, an opaque token that orders all events
// of the store. Neither leaks the engine underneath: the JetStream backend
// (package es/jetstream) and a KurrentDB backend both fit it, and both run the
// conformance suite in es/estest.
//
// Appends use optimistic concurrency (ExpectedVersion, ErrConflict) and are
// idempotent by request id: re-sending an append with the same RequestID
// writes nothing and answers as the first call did.
package es

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Store is the event store. Implementations are safe for concurrent use.
type Store interface {
	// Append writes events at the end of stream, atomically: all or none.
	// It fails with a *ConflictError (errors.Is ErrConflict) when the stream
	// is not at expected. When req.RequestID was already appended to this
	// store, it writes nothing and returns the first append's result.
	Append(ctx context.Context, stream string, expected ExpectedVersion, req AppendRequest) (AppendResult, error)

	// Read returns the events of stream whose version is at least from, in
	// order. A stream that was never written reads as no events.
	Read(ctx context.Context, stream string, from Version, opts ...ReadOption) ([]RecordedEvent, error)

	// Subscribe delivers every event after the position from (the zero
	// Position means from the start), in global order, first the stored
	// ones then live ones, until ctx is cancelled or Close is called.
	Subscribe(ctx context.Context, from Position, filter Filter) (Subscription, error)

	// Head returns the position of the last event that filter matches, or
	// the zero Position when there is none.
	Head(ctx context.Context, filter Filter) (Position, error)

	// Last returns the last event of stream, and false when the stream was
	// never written. It reads one event whatever the stream's length.
	Last(ctx context.Context, stream string) (RecordedEvent, bool, error)

	// Close releases the store's connections. It does not stop an embedded
	// server the store did not start.
	Close() error
}

// BatchAppender is a Store that appends to several streams in one round
// trip, all or nothing: an append group commit (one fsync for the batch
// where the engine fsyncs each write). It is optional: callers fall back
// on one Append a stream. A batch carries no request ids: the process that
// writes it knows what it wrote (the audit trail), and a conflict on any
// stream fails the whole batch with an error wrapping ErrConflict whose
// stream is unknown.
type BatchAppender interface {
	AppendBatch(ctx context.Context, batch []StreamAppend) ([]AppendResult, error)
}

// StreamAppend is one stream's part of a batch.
type StreamAppend struct {
	Stream   string
	Expected ExpectedVersion
	Events   []EventData
	Metadata Metadata
}

// MaxBatchEvents bounds the events of one AppendBatch.
const MaxBatchEvents = 900

// Subscription is a running, ordered read of the store.
// Next and Close may be called from different goroutines.
type Subscription interface {
	// Next blocks until the next event, ctx is done, or the subscription
	// is closed (then it returns ErrClosed).
	Next(ctx context.Context) (RecordedEvent, error)
	Close() error
}

// Version is the number of events in a stream once an event is written:
// the first event of a stream has version 1.
type Version uint64

// ExpectedVersion states what an append expects of the stream.
type ExpectedVersion struct {
	kind    expectKind
	version Version
	at      Position // where the caller knows the expected version ends; zero: unknown
}

type expectKind uint8

const (
	expectAny expectKind = iota
	expectNoStream
	expectExact
)

// Any appends whatever the stream's version.
var Any = ExpectedVersion{kind: expectAny}

// NoStream appends only if the stream has no event yet.
var NoStream = ExpectedVersion{kind: expectNoStream}

// Exactly appends only if the stream is at version v; Exactly(0) is NoStream.
func Exactly(v Version) ExpectedVersion {
	if v == 0 {
		return NoStream
	}
	return ExpectedVersion{kind: expectExact, version: v}
}

// ExactlyAt is Exactly(v), telling the store that the stream's version v
// is stored at position p, as an append's result or a read said: a store
// may then skip looking the stream's end up. A hint gone stale (the stream
// moved on) costs a round trip, never a wrong append. p must be where
// version v is, never a guess: the store trusts the pair.
func ExactlyAt(v Version, p Position) ExpectedVersion {
	e := Exactly(v)
	if v > 0 {
		e.at = p
	}
	return e
}

// At returns the position hint of ExactlyAt, and false when there is none.
func (e ExpectedVersion) At() (Position, bool) { return e.at, !e.at.IsZero() }

// IsAny reports whether e accepts any version.
func (e ExpectedVersion) IsAny() bool { return e.kind == expectAny }

// Version returns the version e expects (0 for NoStream) and whether e
// expects one at all.
func (e ExpectedVersion) Version() (Version, bool) {
	return e.version, e.kind != expectAny
}

func (e ExpectedVersion) String() string {
	switch e.kind {
	case expectAny:
		return "any"
	case expectNoStream:
		return "no stream"
	default:
		return fmt.Sprintf("version %d", e.version)
	}
}

// EventData is an event to append: its type is the protobuf full name of
// its payload (maillage.events.v1.TransitionAnticipated) and Data the
// payload's protobuf binary encoding.
type EventData struct {
	ID   string // a ULID; the store assigns one when empty
	Type string
	Data []byte
}

// Metadata travels with every event of one append.
type Metadata struct {
	Actor        string // the professional (token subject) who acted
	Organisation string // FINESS or SIRET the actor acted for
	RequestID    string // the caller's idempotency key
	// RequestHash fingerprints the request that RequestID names (its
	// method and body), so that the same key sent with another request is
	// told apart from a retry; empty when the writer gave none.
	RequestHash   string
	CorrelationID string    // the conversation this belongs to
	CausationID   string    // the event or request that caused it
	OccurredAt    time.Time // when the fact happened, by the deciding clock
}

// AppendRequest is one atomic append.
type AppendRequest struct {
	Events   []EventData
	Metadata Metadata
}

// AppendResult says where an append landed.
type AppendResult struct {
	FirstVersion Version  // version of the first event written
	LastVersion  Version  // the stream's version after the append
	Position     Position // global position of the last event written
	Duplicate    bool     // the request id had been appended before; nothing was written
}

// RecordedEvent is an event as stored.
type RecordedEvent struct {
	ID         string
	Stream     string
	Version    Version
	Position   Position
	Type       string
	Data       []byte
	Metadata   Metadata
	RecordedAt time.Time
}

// Category returns the category of the event's stream.
func (e RecordedEvent) Category() string { return Category(e.Stream) }

// Filter selects events by stream category; an empty filter selects all.
type Filter struct {
	Categories []string
}

// Matches reports whether the filter selects events of stream.
func (f Filter) Matches(stream string) bool {
	if len(f.Categories) == 0 {
		return true
	}
	c := Category(stream)
	for _, want := range f.Categories {
		if c == want {
			return true
		}
	}
	return false
}

// ReadOption tunes a Read.
type ReadOption func(*ReadOptions)

// ReadOptions is what ReadOptions gather; backends read it with Options.
type ReadOptions struct {
	// After is a position known to be at or before the event at version
	// from-1 (a snapshot's position). Backends may start their scan there.
	After Position
}

// AfterPosition tells Read that the events it is asked for all come after
// p: a snapshot's position, so a backend reads only the stream's tail.
func AfterPosition(p Position) ReadOption {
	return func(o *ReadOptions) { o.After = p }
}

// Options applies opts.
func Options(opts []ReadOption) ReadOptions {
	var o ReadOptions
	for _, f := range opts {
		f(&o)
	}
	return o
}

// StreamName joins a category and an id into a stream name.
func StreamName(category, id string) string { return category + "-" + id }

// Category returns the part of a stream name before its first '-'.
func Category(stream string) string {
	if i := strings.IndexByte(stream, '-'); i >= 0 {
		return stream[:i]
	}
	return stream
}

// Errors of the contract. Backends wrap them; test with errors.Is.
var (
	ErrConflict       = errors.New("es: stream version conflict")
	ErrClosed         = errors.New("es: closed")
	ErrInvalidStream  = errors.New("es: invalid stream name")
	ErrInvalidRequest = errors.New("es: invalid append")
	// ErrMalformed: a stored message is not an event this version can
	// read (no version header, a body that does not decode, a type it does
	// not know). Readers of many streams skip it, loudly, rather than stop.
	ErrMalformed = errors.New("es: malformed event")
	// ErrStorageFull: the engine has no room left to store the append
	// (disk full, storage limit reached); nothing of it was written.
	ErrStorageFull = errors.New("es: the event store has no room left")
)

// MalformedError is a stored message that is no readable event, at its
// place in the store.
type MalformedError struct {
	Position Position
	Subject  string // where the engine keeps it
	Reason   string
}

func (e *MalformedError) Error() string {
	return fmt.Sprintf("es: malformed event at %v (%s): %s", e.Position, e.Subject, e.Reason)
}

// Is makes errors.Is(err, ErrMalformed) hold.
func (e *MalformedError) Is(target error) bool { return target == ErrMalformed }

// ConflictError is returned when an append's expectation does not hold.
type ConflictError struct {
	Stream   string
	Expected ExpectedVersion
	Actual   Version // the stream's version as the store saw it
}

func (e *ConflictError) Error() string {
	if e.Stream == "" {
		return "es: a stream of the batch moved since its version was read"
	}
	return fmt.Sprintf("es: stream %s is at version %d, append expected %s", e.Stream, e.Actual, e.Expected)
}

// Is makes errors.Is(err, ErrConflict) hold.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Progress is a Subscription that can tell how far it has read the store,
// the messages its filter passed over included: read is the position of
// the last message it read, delivered the position of the last event Next
// returned. A reader that has handled everything through delivered has
// then seen every event its filter selects up to read. A subscription
// whose filtering the engine does (and so cannot tell) does not implement
// it, or answers ok false.
type Progress interface {
	Progress() (read, delivered Position, ok bool)
}

// Delivery is one answer of a subscription: an event, or why there is
// none (an error wrapping ErrMalformed for a message passed over).
type Delivery struct {
	Event RecordedEvent
	Err   error
}
