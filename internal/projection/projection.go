// Package projection runs projections: it subscribes to the event store
// from a projection's checkpoint, applies each event once, and persists the
// projection's state with its checkpoint, so that a restart resumes where it
// stopped instead of replaying everything. Queries wait on a Runner for a
// position (read-your-writes for integrators, bounded).
package projection

import (
	"io"

	"github.com/maillage/maillage/internal/es"
)

// Projection folds events into a read model. The Runner calls Apply from
// one goroutine, in store order, once per position after the last
// checkpoint; queries may read the model concurrently, so the projection
// guards its own state.
type Projection interface {
	// Name is durable: it names the checkpoint file. Change it (a new
	// version suffix) when the model's shape changes, to rebuild.
	Name() string
	// Filter selects the events the projection reads.
	Filter() es.Filter
	// Apply folds one event. An error stops the runner: a projection that
	// cannot read an event must not skip it silently.
	Apply(ev es.RecordedEvent) error
	// Snapshot writes the model; Restore reads what Snapshot wrote into an
	// empty projection.
	Snapshot(w io.Writer) error
	Restore(r io.Reader) error
}
