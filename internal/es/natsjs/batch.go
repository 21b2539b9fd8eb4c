package natsjs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/nats-io/nats.go"
	"github.com/oklog/ulid/v2"

	"github.com/maillage/maillage/internal/es"
)

var _ es.BatchAppender = (*Store)(nil)

// AppendBatch writes every stream's events in one JetStream atomic batch:
// the server stores all of them or none, and with sync=always fsyncs once
// for the batch where one append a stream fsyncs each (measured: 150
// streams in 9 ms, against 108 ms one append at a time). Each stream's
// first message carries its expected subject sequence, which the server
// checks within the batch.
func (s *Store) AppendBatch(ctx context.Context, batch []es.StreamAppend) ([]es.AppendResult, error) {
	if err := validateBatch(batch); err != nil {
		return nil, err
	}
	ctx, cancel := withTimeout(ctx, s.cfg.RequestTimeout)
	defer cancel()
	heads := make([]streamHead, len(batch))
	for i, b := range batch {
		head, err := s.expectedHead(ctx, b.Stream, b.Expected)
		if err != nil {
			return nil, err
		}
		heads[i] = head
	}
	var msgs []*nats.Msg
	for i, b := range batch {
		subject := s.subject(b.Stream)
		for j, ev := range b.Events {
			if ev.ID == "" {
				ev.ID = ulid.Make().String()
			}
			m := &nats.Msg{Subject: subject, Header: eventHeader(ev, heads[i].version+es.Version(j)+1, b.Metadata), Data: ev.Data}
			if j == 0 {
				m.Header.Set(hdrExpectedSubSeq, strconv.FormatUint(heads[i].seq, 10))
			}
			msgs = append(msgs, m)
		}
	}
	ack, err := s.publishAtomic(ctx, msgs)
	if err != nil {
		switch apiErrorCode(err) {
		case errCodeWrongLastSeq, errCodeWrongLastSeqConst:
			for _, b := range batch {
				s.heads.forget(b.Stream)
			}
			return nil, &es.ConflictError{Expected: es.Any}
		}
		return nil, fmt.Errorf("natsjs: append batch of %d streams: %w", len(batch), s.classify(err))
	}
	s.writes.ok()
	// The batch's messages have consecutive sequences ending at ack's.
	s.wrote(ack.Sequence)
	seq := ack.Sequence - uint64(len(msgs))
	out := make([]es.AppendResult, len(batch))
	for i, b := range batch {
		seq += uint64(len(b.Events))
		n := es.Version(len(b.Events))
		out[i] = es.AppendResult{FirstVersion: heads[i].version + 1, LastVersion: heads[i].version + n, Position: es.PositionAt(seq)}
		s.heads.put(b.Stream, streamHead{version: heads[i].version + n, seq: seq})
	}
	return out, nil
}

// expectedHead returns the head an append to stream must extend: the
// cached or last one, which must match expected when it names a version.
func (s *Store) expectedHead(ctx context.Context, stream string, expected es.ExpectedVersion) (streamHead, error) {
	head, ok := s.heads.get(stream)
	if !ok {
		// What the caller knows (a new stream, a position hint) stands for
		// a lookup: the server's subject-sequence check decides.
		if at, hinted := expected.At(); hinted {
			v, _ := expected.Version()
			return streamHead{version: v, seq: at.Commit}, nil
		}
		if v, named := expected.Version(); named && v == 0 {
			return streamHead{}, nil
		}
		var err error
		if head, err = s.lastOf(ctx, stream, false); err != nil {
			return streamHead{}, err
		}
	}
	if want, named := expected.Version(); named && head.version != want {
		var err error
		if head, err = s.lastOf(ctx, stream, true); err != nil {
			return streamHead{}, err
		}
		if head.version != want {
			return streamHead{}, &es.ConflictError{Stream: stream, Expected: expected, Actual: head.version}
		}
	}
	return head, nil
}

func validateBatch(batch []es.StreamAppend) error {
	if len(batch) == 0 {
		return fmt.Errorf("%w: empty batch", es.ErrInvalidRequest)
	}
	n := 0
	var errs []error
	for i, b := range batch {
		if err := es.ValidateStream(b.Stream); err != nil {
			errs = append(errs, err)
		}
		if len(b.Events) == 0 {
			errs = append(errs, fmt.Errorf("%w: batch entry %d (%s) has no event", es.ErrInvalidRequest, i, b.Stream))
		}
		for j, e := range b.Events {
			if e.Type == "" {
				errs = append(errs, fmt.Errorf("%w: event %d of %s has no type", es.ErrInvalidRequest, j, b.Stream))
			}
		}
		if slices.ContainsFunc(batch[:i], func(o es.StreamAppend) bool { return o.Stream == b.Stream }) {
			errs = append(errs, fmt.Errorf("%w: stream %s twice in one batch", es.ErrInvalidRequest, b.Stream))
		}
		n += len(b.Events)
	}
	if n > es.MaxBatchEvents {
		errs = append(errs, fmt.Errorf("%w: %d events in one batch, at most %d", es.ErrInvalidRequest, n, es.MaxBatchEvents))
	}
	return errors.Join(errs...)
}
