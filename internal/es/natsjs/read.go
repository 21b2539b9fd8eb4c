package natsjs

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/maillage/maillage/internal/es"
)

// readBatch is how many messages one direct get asks for.
const readBatch = 256

// Read returns the events of stream from version from on. It asks for the
// subject's messages in batches of direct gets starting at the position hint,
// so its cost is the stream's tail, not the store's size.
func (s *Store) Read(ctx context.Context, stream string, from es.Version, opts ...es.ReadOption) ([]es.RecordedEvent, error) {
	if err := es.ValidateStream(stream); err != nil {
		return nil, err
	}
	ctx, cancel := withTimeout(ctx, s.cfg.RequestTimeout)
	defer cancel()
	start := es.Options(opts).After.Commit + 1
	var evs []es.RecordedEvent
	var err error
	if start > 1 {
		// A snapshot's tail is usually empty or one event: the subject's
		// last message says so in one direct get, where scanning forward
		// from the snapshot walks every later message of the store.
		evs, err = s.tailByLast(ctx, stream, start, from)
	} else {
		evs, err = s.readSubject(ctx, s.subject(stream), start, from)
	}
	if err != nil {
		return nil, err
	}
	// Direct gets may be answered by a replica that lags the leader. What
	// this process wrote itself it must read back: if the head it knows is
	// further on, ask the leader.
	if known, ok := s.heads.get(stream); ok && lastVersion(evs, from) < known.version {
		return s.readFromLeader(ctx, stream, start, from)
	}
	if n := len(evs); n > 0 {
		last := evs[n-1]
		s.heads.put(stream, streamHead{version: last.Version, seq: last.Position.Commit})
	}
	return evs, nil
}

// tailByLast reads the events from version from on, starting with the
// subject's last message and scanning only when the tail is longer than it.
func (s *Store) tailByLast(ctx context.Context, stream string, start uint64, from es.Version) ([]es.RecordedEvent, error) {
	msgs, _, err := s.directBatch(ctx, directRequest{LastFor: s.subject(stream)})
	if err != nil || len(msgs) == 0 {
		return nil, err
	}
	last, err := s.decodeDirect(msgs[0])
	if err != nil {
		return nil, err
	}
	switch {
	case last.Version < from:
		return nil, nil
	case last.Version == from:
		return []es.RecordedEvent{last}, nil
	}
	return s.readSubject(ctx, s.subject(stream), start, from)
}

func lastVersion(evs []es.RecordedEvent, from es.Version) es.Version {
	if len(evs) == 0 {
		if from == 0 {
			return 0
		}
		return from - 1
	}
	return evs[len(evs)-1].Version
}

// readSubject reads a subject's messages from stream sequence start on,
// keeping those at version from or later.
func (s *Store) readSubject(ctx context.Context, subject string, start uint64, from es.Version) ([]es.RecordedEvent, error) {
	var out []es.RecordedEvent
	for {
		msgs, more, err := s.directBatch(ctx, directRequest{Seq: start, NextFor: subject, Batch: readBatch})
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			ev, err := s.decodeDirect(m)
			if err != nil {
				return nil, err
			}
			if ev.Version >= from {
				out = append(out, ev)
			}
			start = ev.Position.Commit + 1
		}
		if !more || len(msgs) == 0 {
			return out, nil
		}
	}
}

type directRequest struct {
	Seq     uint64 `json:"seq,omitempty"`
	NextFor string `json:"next_by_subj,omitempty"`
	LastFor string `json:"last_by_subj,omitempty"`
	Batch   int    `json:"batch,omitempty"` // 0: a single message, no end-of-batch marker
}

// directBatch sends one direct get and collects its answer: one message, or
// with req.Batch the messages up to the end-of-batch marker, more reporting
// whether messages remain after them.
func (s *Store) directBatch(ctx context.Context, req directRequest) (msgs []*nats.Msg, more bool, err error) {
	body, _ := json.Marshal(req)
	inbox, answers, done := s.replies.open(req.Batch + 2) // the messages, then the end-of-batch marker
	defer done()
	if err := s.nc.PublishRequest("$JS.API.DIRECT.GET."+s.cfg.Stream, inbox, body); err != nil {
		return nil, false, fmt.Errorf("natsjs: direct get: %w", err)
	}
	for {
		var m *nats.Msg
		select {
		case m = <-answers:
		case <-ctx.Done():
			return nil, false, fmt.Errorf("natsjs: direct get %s%s: %w", req.NextFor, req.LastFor, ctx.Err())
		}
		switch m.Header.Get(hdrStatus) {
		case "":
			msgs = append(msgs, m)
			if req.Batch == 0 {
				return msgs, false, nil
			}
		case "404":
			return msgs, false, nil
		case "204": // end of batch
			pending, _ := strconv.ParseUint(m.Header.Get(hdrNumPending), 10, 64)
			return msgs, pending > 0, nil
		default:
			return nil, false, fmt.Errorf("natsjs: direct get %s: status %s %s", req.NextFor, m.Header.Get(hdrStatus), m.Header.Get("Description"))
		}
	}
}

func (s *Store) decodeDirect(m *nats.Msg) (es.RecordedEvent, error) {
	seq, err := strconv.ParseUint(m.Header.Get(hdrSequence), 10, 64)
	if err != nil {
		return es.RecordedEvent{}, fmt.Errorf("natsjs: direct get answer without sequence: %w", err)
	}
	ts, _ := time.Parse(time.RFC3339Nano, m.Header.Get(hdrTimeStamp))
	return s.decode(m.Header.Get(hdrSubject), seq, ts, m.Header, m.Data)
}

// readFromLeader reads like readSubject but through the stream leader, one
// message a request: slower, and consistent with every acknowledged append.
func (s *Store) readFromLeader(ctx context.Context, stream string, start uint64, from es.Version) ([]es.RecordedEvent, error) {
	subject := s.subject(stream)
	var out []es.RecordedEvent
	for {
		ev, ok, err := s.leaderGet(ctx, directRequest{Seq: start, NextFor: subject})
		if err != nil {
			return nil, fmt.Errorf("natsjs: read %s: %w", stream, err)
		}
		if !ok {
			break
		}
		if ev.Version >= from {
			out = append(out, ev)
		}
		start = ev.Position.Commit + 1
	}
	if n := len(out); n > 0 {
		s.heads.put(stream, streamHead{version: out[n-1].Version, seq: out[n-1].Position.Commit})
	}
	return out, nil
}

// lastOf returns the head of a subject: its last message's version and
// sequence, or the zero head when it has none. fromLeader bypasses replicas
// that may lag.
func (s *Store) lastOf(ctx context.Context, stream string, fromLeader bool) (streamHead, error) {
	req := directRequest{LastFor: s.subject(stream)}
	if fromLeader {
		ev, ok, err := s.leaderGet(ctx, req)
		if err != nil || !ok {
			return streamHead{}, err
		}
		return streamHead{version: ev.Version, seq: ev.Position.Commit}, nil
	}
	msgs, _, err := s.directBatch(ctx, req)
	if err != nil || len(msgs) == 0 {
		return streamHead{}, err
	}
	ev, err := s.decodeDirect(msgs[0])
	if err != nil {
		return streamHead{}, err
	}
	return streamHead{version: ev.Version, seq: ev.Position.Commit}, nil
}

// Head returns the position of the last event filter matches.
func (s *Store) Head(ctx context.Context, f es.Filter) (es.Position, error) {
	ctx, cancel := withTimeout(ctx, s.cfg.RequestTimeout)
	defer cancel()
	if len(f.Categories) == 0 && s.cfg.SoleWriter {
		return es.PositionAt(s.last.Load()), nil // nobody else writes: known here
	}
	var head uint64
	subjects := s.filterSubjects(f)
	if len(f.Categories) == 0 {
		// The stream's last message: the server answers it from the last
		// block, where a wildcard of the stream's own prefix would make it
		// match every subject it holds.
		subjects = []string{">"}
	}
	for _, subj := range subjects {
		msgs, _, err := s.directBatch(ctx, directRequest{LastFor: subj})
		if err != nil {
			return es.Start, err
		}
		if len(msgs) == 1 {
			seq, err := strconv.ParseUint(msgs[0].Header.Get(hdrSequence), 10, 64)
			if err != nil {
				return es.Start, fmt.Errorf("natsjs: head %s: %w", subj, err)
			}
			head = max(head, seq)
		}
	}
	if len(f.Categories) == 0 {
		// A lagging replica may answer a direct get: never below what
		// this process knows was written.
		head = max(head, s.last.Load())
	}
	return es.PositionAt(head), nil
}

// Last returns the stream's last event: one direct get of the subject's
// last message, or one leader get when a replica answered with less than
// this process knows was written.
func (s *Store) Last(ctx context.Context, stream string) (es.RecordedEvent, bool, error) {
	if err := es.ValidateStream(stream); err != nil {
		return es.RecordedEvent{}, false, err
	}
	ctx, cancel := withTimeout(ctx, s.cfg.RequestTimeout)
	defer cancel()
	req := directRequest{LastFor: s.subject(stream)}
	msgs, _, err := s.directBatch(ctx, req)
	if err != nil {
		return es.RecordedEvent{}, false, err
	}
	var last es.RecordedEvent
	if len(msgs) > 0 {
		if last, err = s.decodeDirect(msgs[0]); err != nil {
			return es.RecordedEvent{}, false, err
		}
	}
	if known, ok := s.heads.get(stream); ok && last.Version < known.version {
		ev, found, err := s.leaderGet(ctx, req)
		if err != nil || !found {
			return es.RecordedEvent{}, false, err
		}
		last = ev
	}
	if last.Version == 0 {
		return es.RecordedEvent{}, false, nil
	}
	s.heads.put(stream, streamHead{version: last.Version, seq: last.Position.Commit})
	return last, true, nil
}
