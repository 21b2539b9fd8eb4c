package natsjs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"
	"github.com/oklog/ulid/v2"

	"github.com/maillage/maillage/internal/es"
)

// JetStream API error codes the store reacts to.
const (
	errCodeWrongLastSeq       = 10071
	errCodeWrongLastSeqConst  = 10164
	errCodeBatchHasDuplicate  = 10201
	errCodeBatchTooManyFlight = 10210
	errCodeBatchIncomplete    = 10176
	// The server's or the account's storage is exhausted (a full disk, or
	// JetStream's max_file_store reached).
	errCodeInsufficientResources = 10023
	errCodeInsufficientStorage   = 10047
	// No peer can hold the stream yet (a cluster starting).
	errCodeNoSuitablePeers = 10005
)

// storageFull says whether err is JetStream refusing for lack of room.
func storageFull(err error) bool {
	switch apiErrorCode(err) {
	case errCodeInsufficientResources, errCodeInsufficientStorage:
		return true
	}
	return false
}

// classify wraps es.ErrStorageFull around a refusal for lack of room,
// and keeps what the writes' health says up to date.
func (s *Store) classify(err error) error {
	if err == nil {
		s.writes.ok()
		return nil
	}
	if storageFull(err) {
		s.writes.failed(err)
		return fmt.Errorf("%w: %w", es.ErrStorageFull, err)
	}
	return err
}

// maxAppendAttempts bounds the retries of an append that expects any
// version and keeps losing the race for the stream's end.
const maxAppendAttempts = 10

// Append writes req at the end of stream; see es.Store.
func (s *Store) Append(ctx context.Context, stream string, expected es.ExpectedVersion, req es.AppendRequest) (es.AppendResult, error) {
	if err := es.ValidateStream(stream); err != nil {
		return es.AppendResult{}, err
	}
	if err := validateAppend(req); err != nil {
		return es.AppendResult{}, err
	}
	ctx, cancel := withTimeout(ctx, s.cfg.RequestTimeout)
	defer cancel()
	req.Events = slices.Clone(req.Events) // ids are filled in: not in the caller's slice
	for i := range req.Events {
		if req.Events[i].ID == "" {
			req.Events[i].ID = ulid.Make().String()
		}
	}
	for attempt := 0; ; attempt++ {
		head, cached := s.heads.get(stream)
		if !cached && attempt == 0 {
			// The caller knows where its expected version ends (or that
			// the stream is new): the server's subject-sequence check
			// decides, no lookup first.
			if at, ok := expected.At(); ok {
				v, _ := expected.Version()
				head, cached = streamHead{version: v, seq: at.Commit}, true
			} else if v, ok := expected.Version(); ok && v == 0 {
				head, cached = streamHead{}, true
			}
		}
		fromLeader := false
		if !cached || attempt > 0 {
			fromLeader = attempt > 1
			var err error
			if head, err = s.lastOf(ctx, stream, fromLeader); err != nil {
				return es.AppendResult{}, err
			}
		}
		if want, ok := expected.Version(); ok && head.version != want {
			if !fromLeader {
				// The cache or a replica may lag: only the leader's head
				// decides a conflict, and the version it reports.
				var err error
				if head, err = s.lastOf(ctx, stream, true); err != nil {
					return es.AppendResult{}, err
				}
				s.heads.put(stream, head) // so that reads after it see as far
			}
			if head.version != want {
				return s.conflictOrDuplicate(ctx, stream, expected, req, head)
			}
		}
		res, err := s.publish(ctx, stream, head, req)
		if err == nil {
			s.writes.ok()
			return res, nil
		}
		if storageFull(err) {
			return es.AppendResult{}, fmt.Errorf("natsjs: append to %s: %w", stream, s.classify(err))
		}
		switch apiErrorCode(err) {
		case errCodeWrongLastSeq, errCodeWrongLastSeqConst:
			s.heads.forget(stream)
			if attempt+1 < maxAppendAttempts {
				continue
			}
			return es.AppendResult{}, &es.ConflictError{Stream: stream, Expected: expected, Actual: head.version}
		case errCodeBatchHasDuplicate:
			return s.findRequest(ctx, stream, req.Metadata.RequestID, 0)
		case errCodeBatchTooManyFlight, errCodeBatchIncomplete:
			if attempt+1 < maxAppendAttempts {
				// The server is saturated with batches: give it room.
				select {
				case <-time.After(time.Duration(attempt+1) * 5 * time.Millisecond):
				case <-ctx.Done():
					return es.AppendResult{}, ctx.Err()
				}
				continue
			}
		}
		return es.AppendResult{}, fmt.Errorf("natsjs: append to %s: %w", stream, err)
	}
}

func validateAppend(req es.AppendRequest) error {
	if len(req.Events) == 0 {
		return fmt.Errorf("%w: no event", es.ErrInvalidRequest)
	}
	if len(req.Events) > 500 {
		return fmt.Errorf("%w: %d events in one append, at most 500", es.ErrInvalidRequest, len(req.Events))
	}
	for i, e := range req.Events {
		if e.Type == "" {
			return fmt.Errorf("%w: event %d has no type", es.ErrInvalidRequest, i)
		}
	}
	if len(req.Metadata.RequestID) > 128 {
		return fmt.Errorf("%w: request id longer than 128 characters", es.ErrInvalidRequest)
	}
	return nil
}

// publish writes the events after head: one message with the expected
// subject sequence, or an atomic batch whose first message carries it.
func (s *Store) publish(ctx context.Context, stream string, head streamHead, req es.AppendRequest) (es.AppendResult, error) {
	subject := s.subject(stream)
	msgs := make([]*nats.Msg, len(req.Events))
	for i, ev := range req.Events {
		v := head.version + es.Version(i) + 1
		m := &nats.Msg{Subject: subject, Header: eventHeader(ev, v, req.Metadata), Data: ev.Data}
		if id := req.Metadata.RequestID; id != "" {
			// Scoped by stream: one request id reused on two persons' files
			// must not make the second append a silent no-op.
			m.Header.Set(hdrMsgID, stream+"/"+id+"/"+strconv.Itoa(i))
		}
		msgs[i] = m
	}
	msgs[0].Header.Set(hdrExpectedSubSeq, strconv.FormatUint(head.seq, 10))

	var ack *jetstream.PubAck
	var err error
	if len(msgs) == 1 {
		ack, err = s.js.PublishMsg(ctx, msgs[0])
	} else {
		ack, err = s.publishAtomic(ctx, msgs)
	}
	if err != nil {
		return es.AppendResult{}, err
	}
	if ack.Duplicate {
		return s.findRequest(ctx, stream, req.Metadata.RequestID, 0)
	}
	n := es.Version(len(msgs))
	s.wrote(ack.Sequence)
	last := streamHead{version: head.version + n, seq: ack.Sequence}
	s.heads.put(stream, last)
	return es.AppendResult{
		FirstVersion: head.version + 1,
		LastVersion:  last.version,
		Position:     es.PositionAt(ack.Sequence),
	}, nil
}

// publishAtomic sends msgs as one JetStream atomic batch: the server stores
// all of them or none. Only the commit message is a request.
func (s *Store) publishAtomic(ctx context.Context, msgs []*nats.Msg) (*jetstream.PubAck, error) {
	batch := nuid.Next()
	for i, m := range msgs {
		m.Header.Set(hdrBatchID, batch)
		m.Header.Set(hdrBatchSeq, strconv.Itoa(i+1))
		if i < len(msgs)-1 {
			if err := s.nc.PublishMsg(m); err != nil {
				return nil, err
			}
		}
	}
	commit := msgs[len(msgs)-1]
	commit.Header.Set(hdrBatchCommit, "1")
	resp, err := s.nc.RequestMsgWithContext(ctx, commit)
	if err != nil {
		return nil, err
	}
	var ack struct {
		jetstream.PubAck
		Error *jetstream.APIError `json:"error,omitempty"`
	}
	if err := jsonUnmarshal(resp.Data, &ack); err != nil {
		return nil, fmt.Errorf("natsjs: batch answer %q: %w", resp.Data, err)
	}
	if ack.Error != nil {
		return nil, ack.Error
	}
	return &ack.PubAck, nil
}

// conflictOrDuplicate decides what an append that found the stream at
// another version gets: the first answer, when its request id is what
// follows the version it expected (a retry of an append that landed), or a
// conflict.
func (s *Store) conflictOrDuplicate(ctx context.Context, stream string, expected es.ExpectedVersion, req es.AppendRequest, head streamHead) (es.AppendResult, error) {
	conflict := &es.ConflictError{Stream: stream, Expected: expected, Actual: head.version}
	want, _ := expected.Version()
	if req.Metadata.RequestID == "" || head.version <= want {
		return es.AppendResult{}, conflict
	}
	res, err := s.findRequest(ctx, stream, req.Metadata.RequestID, want+1)
	if errors.Is(err, errRequestNotFound) {
		return es.AppendResult{}, conflict
	}
	return res, err
}

var errRequestNotFound = errors.New("natsjs: request id not in stream")

// findRequest returns the result of the append that carried requestID on
// stream, looking from version from on (0 for the whole stream).
func (s *Store) findRequest(ctx context.Context, stream, requestID string, from es.Version) (es.AppendResult, error) {
	evs, err := s.Read(ctx, stream, from)
	if err != nil {
		return es.AppendResult{}, err
	}
	var res es.AppendResult
	for _, ev := range evs {
		if ev.Metadata.RequestID != requestID {
			if res.LastVersion != 0 {
				break
			}
			if from != 0 {
				return es.AppendResult{}, errRequestNotFound
			}
			continue
		}
		if res.FirstVersion == 0 {
			res.FirstVersion = ev.Version
		}
		res.LastVersion, res.Position = ev.Version, ev.Position
	}
	if res.LastVersion == 0 {
		return es.AppendResult{}, errRequestNotFound
	}
	res.Duplicate = true
	s.wrote(res.Position.Commit) // stored, if not by this call: the store's known end includes it
	return res, nil
}

func apiErrorCode(err error) int {
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) {
		return int(apiErr.ErrorCode)
	}
	var jsErr jetstream.JetStreamError
	if errors.As(err, &jsErr) && jsErr.APIError() != nil {
		return int(jsErr.APIError().ErrorCode)
	}
	return 0
}
