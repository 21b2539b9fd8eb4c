package audit

import (
	"context"
	"errors"
	"fmt"

	"github.com/maillage/maillage/internal/es"
)

// movedMarker is the stream, in the trails' store, whose one event says
// the trails were moved there from the domain events' store.
const movedMarker = "migration-trailsmoved"

// MoveTrails copies the audit trails written into the domain events'
// store (before the trails had a store of their own) into trails, record
// by record with their ids, types and bytes: the chain hashes the stored
// bytes and the seals sign each trail's own sequence, so the copied trails
// verify as the originals did. It is idempotent (a record already copied
// is passed over) and does nothing once a copy has completed. It returns
// how many records it copied.
func MoveTrails(ctx context.Context, from, trails es.Store) (int, error) {
	if _, done, err := trails.Last(ctx, movedMarker); err != nil || done {
		return 0, err
	}
	filter := es.Filter{Categories: []string{Category}}
	head, err := from.Head(ctx, filter)
	if err != nil || head.IsZero() {
		return 0, err
	}
	sub, err := from.Subscribe(ctx, es.Start, filter)
	if err != nil {
		return 0, err
	}
	defer sub.Close()
	moved := 0
	for {
		ev, err := sub.Next(ctx)
		if errors.Is(err, es.ErrMalformed) {
			continue // nothing a trail can hold: verification never saw it
		}
		if err != nil {
			return moved, fmt.Errorf("audit: moving the trails: %w", err)
		}
		_, err = trails.Append(ctx, ev.Stream, es.Exactly(ev.Version-1), es.AppendRequest{
			Events: []es.EventData{{ID: ev.ID, Type: ev.Type, Data: ev.Data}}, Metadata: ev.Metadata})
		var conflict *es.ConflictError
		switch {
		case errors.As(err, &conflict) && conflict.Actual >= ev.Version:
			// Copied by an earlier, interrupted move.
		case err != nil:
			return moved, fmt.Errorf("audit: moving record %d of %s: %w", ev.Version, ev.Stream, err)
		default:
			moved++
		}
		if !ev.Position.Before(head) {
			break
		}
	}
	_, err = trails.Append(ctx, movedMarker, es.NoStream, es.AppendRequest{Events: []es.EventData{{Type: "maillage.audit.TrailsMoved"}}})
	if errors.Is(err, es.ErrConflict) {
		err = nil // another replica finished the same move
	}
	return moved, err
}
