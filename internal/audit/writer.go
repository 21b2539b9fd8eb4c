package audit

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/projection/kv"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// ErrClosed is returned by Record once the writer has stopped.
var ErrClosed = errors.New("audit: the writer has stopped")

// Config of a Writer. Store and Key are required.
type Config struct {
	Store es.Store
	// Key signs the seals (the audit key, auth.AuditKeyPath).
	Key ed25519.PrivateKey
	// SealEvery seals a trail after that many records; default 32.
	SealEvery int
	// SealAfter seals a trail whose last record is older, unsealed;
	// default one minute.
	SealAfter time.Duration
	// MaxBatch bounds the records of one group commit; default 256.
	MaxBatch int
	// Atomic writes each group commit as one atomic batch of the store
	// (one fsync for all): the faster with a store that fsyncs each write
	// (NATS sync=always). Otherwise the trails of a group commit are
	// appended side by side, pipelined: the faster when the store does
	// not wait for the disk.
	Atomic bool
	// Heads keeps the trails' heads on disk, so that a restarted writer
	// appends without reading each trail's last record first; nil keeps
	// them in memory only.
	Heads  *kv.DB
	Now    func() time.Time
	Logger *slog.Logger
}

// Writer appends records to people's audit trails. Run must be running
// for Record to return.
type Writer struct {
	cfg     Config
	batch   es.BatchAppender // nil: one Append a trail
	keyID   string
	queue   chan *pending
	done    chan struct{} // closed when Run's context ends
	stopped chan struct{} // closed once Run has written what was queued
	heads   *heads
}

type pending struct {
	person string
	record proto.Message
	err    chan error
}

// NewWriter returns a writer, or what is missing in cfg.
func NewWriter(cfg Config) (*Writer, error) {
	if cfg.Store == nil || len(cfg.Key) != ed25519.PrivateKeySize {
		return nil, errors.New("audit: a Store and an Ed25519 Key are required")
	}
	if cfg.SealEvery <= 0 {
		cfg.SealEvery = 32
	}
	if cfg.SealAfter <= 0 {
		cfg.SealAfter = time.Minute
	}
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 256
	}
	// Each record may bring a seal: a batch stays within what one atomic
	// batch of the store takes.
	cfg.MaxBatch = min(cfg.MaxBatch, es.MaxBatchEvents/2)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	w := &Writer{cfg: cfg, keyID: auth.KeyID(cfg.Key.Public().(ed25519.PublicKey)),
		queue: make(chan *pending, 4*cfg.MaxBatch), done: make(chan struct{}), stopped: make(chan struct{}), heads: newHeads(100_000, cfg.Heads)}
	if b, ok := cfg.Store.(es.BatchAppender); ok {
		w.batch = b
	}
	return w, nil
}

// KeyID names the key that signs the seals (RFC 7638 thumbprint).
func (w *Writer) KeyID() string { return w.keyID }

// PublicKey is the key that verifies the seals.
func (w *Writer) PublicKey() ed25519.PublicKey { return w.cfg.Key.Public().(ed25519.PublicKey) }

// Record appends record (an InformationDisclosed or AccessDenied, its
// chain left unset) to the person's trail and returns once it is stored:
// a disclosure is answered only once audited.
func (w *Writer) Record(ctx context.Context, personID string, record proto.Message) error {
	if _, ok := chainOf(record); !ok {
		return fmt.Errorf("audit: %T is not an audit record", record)
	}
	p := &pending{person: personID, record: record, err: make(chan error, 1)}
	select {
	case w.queue <- p:
	case <-w.done:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-p.err:
		return err
	case <-w.stopped:
		select {
		case err := <-p.err:
			return err
		default:
			return ErrClosed
		}
	case <-ctx.Done():
		// The record may still land: the writer goes on without us.
		return ctx.Err()
	}
}

// Run writes what Record queues, in group commits, and seals trails left
// unsealed, until ctx ends; it then writes what is queued and seals every
// trail it wrote to.
func (w *Writer) Run(ctx context.Context) error {
	tick := time.NewTicker(max(w.cfg.SealAfter/4, 10*time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case p := <-w.queue:
			w.commit(ctx, w.drain(p))
		case <-tick.C:
			w.sealStale(ctx, w.cfg.Now().Add(-w.cfg.SealAfter))
		case <-ctx.Done():
			close(w.done)
			w.shutdown()
			return nil
		}
	}
}

func (w *Writer) shutdown() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for len(w.queue) > 0 {
		w.commit(ctx, w.drain(<-w.queue))
	}
	w.sealStale(ctx, w.cfg.Now().Add(time.Hour))
	close(w.stopped)
}

// drain returns first and what else is queued, up to MaxBatch.
func (w *Writer) drain(first *pending) []*pending {
	batch := []*pending{first}
	for len(batch) < w.cfg.MaxBatch {
		select {
		case p := <-w.queue:
			batch = append(batch, p)
		default:
			return batch
		}
	}
	return batch
}

// commit appends the batch's records, one atomic batch for every trail
// when the store can, and tells each caller how it went.
func (w *Writer) commit(ctx context.Context, batch []*pending) {
	byPerson := map[string][]*pending{}
	var order []string
	for _, p := range batch {
		if _, ok := byPerson[p.person]; !ok {
			order = append(order, p.person)
		}
		byPerson[p.person] = append(byPerson[p.person], p)
	}
	if w.cfg.Atomic && w.batch != nil && len(order) > 1 {
		if err := w.appendAll(ctx, order, byPerson); err == nil {
			return
		}
		// A trail moved under us (another replica wrote) or the batch
		// failed: each trail on its own, from its stored head.
		for _, person := range order {
			w.heads.forget(person)
		}
	}
	var wg sync.WaitGroup
	for _, person := range order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.appendOne(ctx, person, byPerson[person])
		}()
	}
	wg.Wait()
}

func (w *Writer) appendAll(ctx context.Context, order []string, byPerson map[string][]*pending) error {
	appends := make([]es.StreamAppend, 0, len(order))
	nexts := make([]head, 0, len(order))
	for _, person := range order {
		h, err := w.heads.load(ctx, w.cfg.Store, person, false)
		if err != nil {
			return err
		}
		cs, err := w.chain(person, h, records(byPerson[person]))
		if err != nil {
			return err
		}
		appends = append(appends, es.StreamAppend{Stream: StreamOf(person), Expected: h.expected(), Events: dataOf(cs)})
		nexts = append(nexts, cs[len(cs)-1].after)
	}
	results, err := w.batch.AppendBatch(ctx, appends)
	if err != nil {
		return err
	}
	written := make(map[string]head, len(order))
	for i, person := range order {
		next := nexts[i]
		if i < len(results) {
			next.position = results[i].Position
		}
		written[person] = next
	}
	w.heads.put(written)
	for _, person := range order {
		tell(byPerson[person], nil)
	}
	return nil
}

// appendOne appends one trail's records one message each, in order (a
// message of several events is an atomic batch of the store, milliseconds
// where one message is tens of microseconds), telling each caller once its
// record is stored; after a conflict (another replica wrote to the trail)
// it reads the head again and chains what is left.
func (w *Writer) appendOne(ctx context.Context, person string, ps []*pending) {
	var err error
	for attempt := 0; attempt < 4 && len(ps) > 0; attempt++ {
		var h head
		if h, err = w.heads.load(ctx, w.cfg.Store, person, attempt > 0); err != nil {
			break
		}
		var cs []chained
		if cs, err = w.chain(person, h, records(ps)); err != nil {
			break
		}
		told := 0
		for _, c := range cs {
			var res es.AppendResult
			res, err = w.cfg.Store.Append(ctx, StreamOf(person), h.expected(), es.AppendRequest{Events: []es.EventData{c.data}})
			if err != nil {
				w.heads.forget(person)
				break
			}
			h = c.after
			h.position = res.Position
			w.heads.put(map[string]head{person: h})
			if c.owner >= 0 {
				ps[c.owner].err <- nil
				told = c.owner + 1
			}
		}
		ps = ps[told:]
		if err == nil || !errors.Is(err, es.ErrConflict) {
			break
		}
	}
	if err != nil && len(ps) > 0 {
		w.cfg.Logger.Error("audit records not stored", "person", person, "records", len(ps), "err", err)
		tell(ps, fmt.Errorf("audit: the disclosure could not be recorded: %w", err))
	}
}

func records(ps []*pending) []proto.Message {
	out := make([]proto.Message, len(ps))
	for i, p := range ps {
		out[i] = p.record
	}
	return out
}

func tell(ps []*pending, err error) {
	for _, p := range ps {
		p.err <- err
	}
}

// chained is one record of a trail, encoded, with the trail's head after
// it and the caller it answers (-1 for a seal).
type chained struct {
	data  es.EventData
	after head
	owner int
}

// chain links records after h, adding a seal each SealEvery records.
func (w *Writer) chain(person string, h head, recs []proto.Message) ([]chained, error) {
	var out []chained
	add := func(rec proto.Message, owner int) error {
		// A clone: the caller's record is not changed, and a retry
		// chains it afresh.
		rec = proto.Clone(rec)
		setChain(rec, &eventsv1.AuditChainLink{Sequence: h.sequence + 1, PreviousHash: h.hash})
		data, err := decider.Encode(rec)
		if err != nil {
			return err
		}
		h.sequence++
		h.hash = Hash(data.Type, data.Data)
		h.unsealed++
		h.lastWrite = w.cfg.Now()
		out = append(out, chained{data: data, after: h, owner: owner})
		return nil
	}
	for i, rec := range recs {
		if err := add(rec, i); err != nil {
			return nil, err
		}
		if h.unsealed >= w.cfg.SealEvery {
			if err := add(w.seal(person, h), -1); err != nil {
				return nil, err
			}
			h.unsealed = 0
			out[len(out)-1].after.unsealed = 0
		}
	}
	return out, nil
}

func dataOf(cs []chained) []es.EventData {
	out := make([]es.EventData, len(cs))
	for i, c := range cs {
		out[i] = c.data
	}
	return out
}

// seal returns a seal of the record h ends with.
func (w *Writer) seal(person string, h head) *eventsv1.AuditTrailSealed {
	at := w.cfg.Now()
	return &eventsv1.AuditTrailSealed{
		SealedSequence: h.sequence,
		SealedHash:     h.hash,
		SealedAt:       timestamppb.New(at),
		KeyId:          w.keyID,
		Signature:      Sign(w.cfg.Key, StreamOf(person), h.sequence, h.hash, at),
	}
}

// sealStale seals the trails whose last record, unsealed, was written
// before cutoff.
func (w *Writer) sealStale(ctx context.Context, cutoff time.Time) {
	for _, person := range w.heads.unsealedBefore(cutoff) {
		h, err := w.heads.load(ctx, w.cfg.Store, person, false)
		if err != nil || h.unsealed == 0 {
			continue
		}
		data, err := decider.Encode(withChain(w.seal(person, h), h))
		if err != nil {
			continue
		}
		res, err := w.cfg.Store.Append(ctx, StreamOf(person), h.expected(), es.AppendRequest{Events: []es.EventData{data}})
		if err != nil {
			w.heads.forget(person)
			w.cfg.Logger.Warn("audit trail not sealed", "person", person, "err", err)
			continue
		}
		w.heads.put(map[string]head{person: {sequence: h.sequence + 1, hash: Hash(data.Type, data.Data), position: res.Position}})
	}
}

func withChain(s *eventsv1.AuditTrailSealed, h head) *eventsv1.AuditTrailSealed {
	s.Chain = &eventsv1.AuditChainLink{Sequence: h.sequence + 1, PreviousHash: h.hash}
	return s
}
