// Package decider runs aggregates written as deciders: three pure functions
// (decide, evolve, an initial state) and no I/O. A Handler loads an
// aggregate's stream (from a snapshot it keeps, plus the stream's tail),
// decides, appends with the expected version, and retries on conflict.
//
// Deciders are tested as given events / when command / then events or
// error; see Spec.
package decider

import (
	"time"

	"github.com/maillage/maillage/internal/access"

	"google.golang.org/protobuf/proto"
)

// Decider is an aggregate's logic. S is its state, C its command type.
//
// Decide must not change the state it is given. Evolve may change it in
// place and return it: the handler never shares a state being evolved.
type Decider[S any, C any] struct {
	// Initial returns the state of an aggregate with no event.
	Initial func() S
	// Decide returns the events a command produces, or why it is refused
	// (a *derrors.RuleError, *derrors.InvalidError, derrors.ErrNotFound…).
	// No event and no error means the command changes nothing.
	Decide func(state S, cmd C, at Context) ([]proto.Message, error)
	// Evolve folds one event into the state.
	Evolve func(state S, ev Event) S
}

// Context is what a decision may know beyond the state and the command:
// the time by the deciding clock, and who acts.
type Context struct {
	Now          time.Time
	Actor        string
	Organisation string
	// Caller is who asks, for the decider's access rules.
	Caller access.Caller
	// NewID returns a fresh identifier (a ULID) for what the command
	// creates. Deciders call it rather than a global generator, so that
	// tests can fix the ids.
	NewID func() string
}

// Event is an event as Evolve sees it: its payload and the facts about it
// that the state may keep (when it happened, who did it).
type Event struct {
	Payload      proto.Message
	Version      uint64
	OccurredAt   time.Time
	Actor        string
	Organisation string
}
