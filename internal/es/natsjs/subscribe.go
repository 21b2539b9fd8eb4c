package natsjs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/maillage/maillage/internal/es"
)

var jsonUnmarshal = json.Unmarshal

// pullBytes is how much an ordered consumer asks for at a time: large
// pulls keep a replay streaming instead of waiting on round trips.
const pullBytes = 8 << 20

// Subscribe reads the store in order from after position from with an
// ordered consumer: ephemeral, flow-controlled, recreated by the client
// when a server is lost.
//
// A subject filter costs the server a match per message, which made a
// filtered replay of a million events 2 to 3 times slower than an
// unfiltered one. So when the events the filter selects are at least half
// of what is left to read, the consumer reads everything and the filter is
// applied here.
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
	clientSide := false
	if len(f.Categories) > 0 && s.mostlyMatches(cctx, cfg) {
		cfg.FilterSubjects, clientSide = nil, true
	}
	cons, err := s.subJS.OrderedConsumer(cctx, s.cfg.Stream, cfg)
	if err != nil {
		return nil, fmt.Errorf("natsjs: subscribe: %w", err)
	}
	it, err := cons.Messages(jetstream.PullMaxBytes(pullBytes))
	if err != nil {
		return nil, fmt.Errorf("natsjs: subscribe: %w", err)
	}
	sub := &subscription{store: s, it: it, knows: clientSide || len(f.Categories) == 0}
	if clientSide {
		sub.filter = &f
	}
	return sub, nil
}

// mostlyMatches reports whether the events cfg's filter selects are at
// least half of the events cfg would read unfiltered. It asks the server
// through a throwaway consumer (the server counts filtered pending messages
// from its subject index) and answers false when it cannot tell.
func (s *Store) mostlyMatches(ctx context.Context, cfg jetstream.OrderedConsumerConfig) bool {
	probe := jetstream.ConsumerConfig{
		FilterSubjects: cfg.FilterSubjects, DeliverPolicy: cfg.DeliverPolicy, OptStartSeq: cfg.OptStartSeq,
		AckPolicy: jetstream.AckNonePolicy, InactiveThreshold: 5 * time.Second, MemoryStorage: true,
	}
	cons, err := s.js.CreateConsumer(ctx, s.cfg.Stream, probe)
	if err != nil {
		return false
	}
	info := cons.CachedInfo()
	s.js.DeleteConsumer(ctx, s.cfg.Stream, info.Name)
	st, err := s.js.Stream(ctx, s.cfg.Stream)
	if err != nil {
		return false
	}
	state := st.CachedInfo().State
	start := max(cfg.OptStartSeq, state.FirstSeq)
	if state.LastSeq < start {
		return false // nothing to read yet: keep the server's filter
	}
	total := state.LastSeq - start + 1
	return info.NumPending*2 >= total
}

type subscription struct {
	store  *Store
	it     jetstream.MessagesContext
	filter *es.Filter // applied here when the consumer reads unfiltered
	// knows: the consumer reads every message, so the subscription can
	// tell how far it read (es.Progress).
	knows bool
	// read and delivered are stream sequences (es.Progress); read is
	// stored after delivered, and loaded before it.
	read, delivered atomic.Uint64
}

// Progress tells how far the subscription has read; see es.Progress.
func (sub *subscription) Progress() (read, delivered es.Position, ok bool) {
	if !sub.knows {
		return es.Start, es.Start, false
	}
	r := sub.read.Load()
	return es.PositionAt(r), es.PositionAt(sub.delivered.Load()), true
}

func (sub *subscription) Next(ctx context.Context) (es.RecordedEvent, error) {
	for {
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
		seq := md.Sequence.Stream
		if sub.filter != nil {
			stream, err := sub.store.streamOf(m.Subject())
			if err != nil || !sub.filter.Matches(stream) {
				sub.read.Store(seq) // passed over: read through it
				continue
			}
		}
		sub.delivered.Store(seq)
		sub.read.Store(seq)
		return sub.store.decode(m.Subject(), seq, md.Timestamp, m.Headers(), m.Data())
	}
}

func (sub *subscription) Close() error {
	sub.it.Stop()
	return nil
}
