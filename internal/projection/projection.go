// Package projection runs projections: each keeps its read model in a
// store of its own (projection/kv) with the position it covers, written in
// the same batch, so that a restart resumes exactly where it stopped. The
// Runner subscribes to the event store from that position and hands the
// projection events by the batch. Queries wait on a Runner for a position
// (read-your-writes for integrators, bounded) or for everything stored
// when they began (decisions on the file as stored now).
package projection

import "github.com/maillage/maillage/internal/es"

// Projection is a read model whose state lives in a store of its own with
// the position it covers, written in the same batch: a restart resumes
// exactly there, with nothing to restore and no window to replay.
type Projection interface {
	// Name names the projection (and its store's directory). Change it (a
	// new version suffix) when the model's shape changes, to rebuild.
	Name() string
	// Filter selects the events the projection reads.
	Filter() es.Filter
	// Position is where the stored model stands; es.Start when empty.
	Position() (es.Position, error)
	// ApplyBatch folds events, in store order, and stores the changes
	// with the position of the last event, atomically. Events it cannot
	// read (es.ErrMalformed) it passes over and returns: they are
	// counted and logged, not applied. Any other error stops the runner:
	// a projection must not skip what it cannot apply. It must not keep
	// events: the runner reuses the slice.
	ApplyBatch(events []es.RecordedEvent) (skipped []es.RecordedEvent, err error)
}
