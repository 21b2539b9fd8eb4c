package decider

import (
	"fmt"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/maillage/maillage/internal/es"
)

// Encode turns a domain event into what the store keeps: its protobuf full
// name as type, its binary encoding as data. Deterministic, so that a
// replayed command encodes to the same bytes.
func Encode(ev proto.Message) (es.EventData, error) {
	data, err := proto.MarshalOptions{Deterministic: true}.Marshal(ev)
	if err != nil {
		return es.EventData{}, fmt.Errorf("encode %s: %w", ev.ProtoReflect().Descriptor().FullName(), err)
	}
	return es.EventData{Type: string(ev.ProtoReflect().Descriptor().FullName()), Data: data}, nil
}

// Upcaster rewrites a stored event of an old shape into the current one.
// Upcasting happens here, on read, and nowhere else.
type Upcaster func(es.RecordedEvent) (proto.Message, error)

// Codec decodes stored events into their generated Go types.
type Codec struct {
	upcasters map[string]Upcaster
}

// NewCodec returns a codec with upcasters by stored type name.
func NewCodec(upcasters map[string]Upcaster) *Codec {
	return &Codec{upcasters: upcasters}
}

// ErrUnknownEventType is returned for a type no linked package registers:
// an event written by a newer version of Maillage.
var ErrUnknownEventType = fmt.Errorf("unknown event type: %w", es.ErrMalformed)

// Decode returns the event's payload as its generated Go type.
func (c *Codec) Decode(ev es.RecordedEvent) (proto.Message, error) {
	if up, ok := c.upcasters[ev.Type]; ok {
		return up(ev)
	}
	mt, err := protoregistry.GlobalTypes.FindMessageByName(protoreflect.FullName(ev.Type))
	if err != nil {
		return nil, fmt.Errorf("decode %s event %s of %s: %w", ev.Type, ev.ID, ev.Stream, ErrUnknownEventType)
	}
	m := mt.New().Interface()
	if err := proto.Unmarshal(ev.Data, m); err != nil {
		return nil, fmt.Errorf("decode %s event %s of %s: %w: %w", ev.Type, ev.ID, ev.Stream, es.ErrMalformed, err)
	}
	return m, nil
}
