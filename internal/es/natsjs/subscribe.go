package natsjs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/maillage/maillage/internal/es"
)

var jsonUnmarshal = json.Unmarshal

// Subscribe reads the store in order from after position from with an
// ordered consumer: ephemeral, flow-controlled, recreated by the client
// when a server is lost.
func (s *Store) Subscribe(ctx context.Context, from es.Position, f es.Filter) (es.Subscription, error) {
	cfg := jetstream.OrderedConsumerConfig{
		FilterSubjects: s.filterSubjects(f),
		DeliverPolicy:  jetstream.DeliverAllPolicy,
		// The server forgets a consumer its client has not pulled from for
		// this long: a closed or crashed subscriber's consumer goes soon.
		InactiveThreshold: 30 * time.Second,
	}
	if !from.IsZero() {
		cfg.DeliverPolicy = jetstream.DeliverByStartSequencePolicy
		cfg.OptStartSeq = from.Commit + 1
	}
	cctx, cancel := withTimeout(ctx, s.cfg.RequestTimeout)
	defer cancel()
	cons, err := s.js.OrderedConsumer(cctx, s.cfg.Stream, cfg)
	if err != nil {
		return nil, fmt.Errorf("natsjs: subscribe: %w", err)
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(1024))
	if err != nil {
		return nil, fmt.Errorf("natsjs: subscribe: %w", err)
	}
	return &subscription{store: s, it: it}, nil
}

type subscription struct {
	store *Store
	it    jetstream.MessagesContext
}

func (sub *subscription) Next(ctx context.Context) (es.RecordedEvent, error) {
	m, err := sub.it.Next(jetstream.NextContext(ctx))
	if err != nil {
		if errors.Is(err, jetstream.ErrMsgIteratorClosed) {
			return es.RecordedEvent{}, es.ErrClosed
		}
		if ctx.Err() != nil {
			return es.RecordedEvent{}, ctx.Err()
		}
		return es.RecordedEvent{}, fmt.Errorf("natsjs: subscription: %w", err)
	}
	md, err := m.Metadata()
	if err != nil {
		return es.RecordedEvent{}, fmt.Errorf("natsjs: subscription: %w", err)
	}
	return sub.store.decode(m.Subject(), md.Sequence.Stream, md.Timestamp, m.Headers(), m.Data())
}

func (sub *subscription) Close() error {
	sub.it.Stop()
	return nil
}
