package register

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/projection"
	"github.com/maillage/maillage/internal/projection/kv"
)

// The register on disk (projection/kv): its whole state, small, written
// with the position it covers in each batch.

var stateKey = []byte("state")

// Durable is the register kept in db: the runner applies events to it in
// batches, and a restart resumes exactly where it stopped.
type Durable struct {
	*Register
	db *kv.DB
}

var _ projection.Projection = (*Durable)(nil)

// OpenDurable loads the register stored in db (empty when new).
func OpenDurable(r *Register, db *kv.DB) (*Durable, error) {
	data, ok, err := db.Get(stateKey)
	if err != nil {
		return nil, err
	}
	if ok {
		if err := r.Restore(bytes.NewReader(data)); err != nil {
			return nil, fmt.Errorf("access register on disk: %w", err)
		}
	}
	return &Durable{Register: r, db: db}, nil
}

// Position is where the stored register stands.
func (d *Durable) Position() (es.Position, error) { return d.db.Position() }

// ApplyBatch folds events and stores the register with the position of
// the last one; events it cannot read are passed over.
func (d *Durable) ApplyBatch(evs []es.RecordedEvent) ([]es.RecordedEvent, error) {
	var skipped []es.RecordedEvent
	for _, ev := range evs {
		if err := d.Apply(ev); err != nil {
			if errors.Is(err, es.ErrMalformed) {
				skipped = append(skipped, ev)
				continue
			}
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := d.Snapshot(&buf); err != nil {
		return nil, err
	}
	b := d.db.NewBatch()
	if err := b.Set(stateKey, buf.Bytes()); err != nil {
		b.Discard()
		return nil, err
	}
	return skipped, b.Commit(evs[len(evs)-1].Position)
}
