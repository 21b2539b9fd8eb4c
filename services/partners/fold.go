package partners

import (
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
)

// versioned is a read model of one stream that knows the last version
// folded into it.
type versioned interface {
	proto.Message
	GetVersion() uint64
}

// folded is what a batch changed: each stream's model before the batch
// (nil when new) and after it, in the order the streams first came.
type folded[M versioned] struct {
	order         []string
	before, after map[string]M
	skipped       []es.RecordedEvent
}

// foldBatch folds the events of category's streams into their models:
// get reads a stream's stored model (the zero M when none), fold applies
// one decoded event to a copy. Events at or below a model's version are
// applied already and passed over; events that do not decode are
// skipped and returned.
func foldBatch[M versioned](evs []es.RecordedEvent, category string, codec *decider.Codec,
	get func(id string) (M, error), fold func(m M, payload proto.Message, ev es.RecordedEvent) M) (folded[M], error) {
	f := folded[M]{before: map[string]M{}, after: map[string]M{}}
	for _, ev := range evs {
		id, ok := strings.CutPrefix(ev.Stream, category+"-")
		if !ok {
			continue
		}
		current, seen := f.after[id]
		if !seen {
			stored, err := get(id)
			if err != nil {
				return f, err
			}
			f.before[id], f.order = stored, append(f.order, id)
			current = cloneOrZero(stored)
		}
		if current.ProtoReflect().IsValid() && uint64(ev.Version) <= current.GetVersion() {
			f.after[id] = current
			continue // applied already
		}
		payload, err := codec.Decode(ev)
		if err != nil {
			f.skipped, f.after[id] = append(f.skipped, ev), current
			continue
		}
		f.after[id] = fold(current, payload, ev)
	}
	return f, nil
}

func cloneOrZero[M proto.Message](m M) M {
	if !m.ProtoReflect().IsValid() {
		return m
	}
	return proto.Clone(m).(M)
}
