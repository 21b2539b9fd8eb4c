package natsjs_test

// Benchmarks of the event store beside the raw JetStream engine it runs on,
// measured in the same run so that the ratio between them means something on
// a shared machine. `make bench` runs them and prints the es/raw ratios
// (see benchreport).
//
// Pairing convention, which benchreport relies on: the two sides of a pair
// share a parent and their last name element is "raw<variant>" and
// "es<variant>" (Append/sync=always/raw-par16 beside Append/sync=always/es-par16).
//
// Every benchmark starts its own embedded server on a fresh directory and
// connects in process, as maillaged does by default. Fixtures are built once
// per parent, outside the timed sub-benchmarks, and the sub-benchmarks of a
// parent share them: the tracked stream heads carry over from one run to the
// next.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"

	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/es/natsjs"
	"github.com/maillage/maillage/internal/natsembed"
)

const (
	jsStream    = "EVENTS" // natsjs's default stream
	category    = "parcours"
	eventType   = "maillage.events.v1.TransitionAnticipated"
	payloadSize = 200 // a typical protobuf event

	appendStreams = 20_000 // a département's people: appends spread over them
	parWorkers    = 16     // concurrent commands in the parallel variants

	readPeople   = 4_000 // 200k events stored for BenchmarkRead
	readPerson   = 50    // events per person: a year of a parcours
	replayPeople = 4_000 // 200k events replayed by BenchmarkReplay
	replayPerson = 50

	setupWorkers = 16
	opTimeout    = 5 * time.Second // natsjs's default RequestTimeout
)

var payload = func() []byte {
	p := make([]byte, payloadSize)
	for i := range p {
		p[i] = byte(i*7 + 3)
	}
	return p
}()

// Sizes of what the store computes per event (a ULID, an RFC 3339 instant),
// so that raw messages carry headers of the same count and size.
const (
	someULID    = "01K3Z5X7Q9B2C4D6E8F0G1H3J5"
	someInstant = "2026-09-01T10:43:58.123456789Z"
	someActor   = "pro-7f3c2a1e-5b6d-4e8f-9a0b-1c2d3e4f5a6b"
	someOrg     = "750012345"
)

// ---------------------------------------------------------------------------
// Append

// BenchmarkAppend compares natsjs.Store.Append with a raw JetStream publish
// that checks the subject's last sequence, over appendStreams subjects taken
// round robin, under both sync policies.
func BenchmarkAppend(b *testing.B) {
	for _, policy := range []natsembed.SyncPolicy{natsembed.SyncInterval, natsembed.SyncAlways} {
		b.Run("sync="+string(policy), func(b *testing.B) {
			f := newAppendFixture(b, policy)
			// Raw then es for each variant, so that a drift of the machine's
			// load shows on both sides of a pair alike.
			b.Run("raw", func(b *testing.B) { runWorkers(b, 1, f.rawOp(1, 1)) })
			b.Run("es", func(b *testing.B) { runWorkers(b, 1, f.esOp(1, 1)) })
			b.Run("raw-batch3", func(b *testing.B) { runWorkers(b, 1, f.rawOp(1, 3)) })
			b.Run("es-batch3", func(b *testing.B) { runWorkers(b, 1, f.esOp(1, 3)) })
			b.Run(fmt.Sprintf("raw-par%d", parWorkers), func(b *testing.B) { runWorkers(b, parWorkers, f.rawOp(parWorkers, 1)) })
			b.Run(fmt.Sprintf("es-par%d", parWorkers), func(b *testing.B) { runWorkers(b, parWorkers, f.esOp(parWorkers, 1)) })
		})
	}
}

// appendFixture is a server whose appendStreams raw subjects and
// appendStreams event store streams already hold one event each, with the
// head of every one of them tracked here, as a command handler knows the
// version it loaded.
type appendFixture struct {
	env *env
	raw []rawHead
	es  []esHead
}

type rawHead struct {
	subject string // events.parcours.r<i>
	id      string // r<i>, for message ids
	seq     uint64 // JetStream sequence of its last message
	version uint64
}

type esHead struct {
	stream  string // parcours-e<i>
	version es.Version
}

// newAppendFixture seeds every subject with one message under SyncInterval
// (40,000 fsyncs would take a minute), restarts the server on the same
// directory with the policy to measure, and warms the store's head cache by
// reading every event store stream, as a command handler does before its
// first append: the benchmarks measure steady appends, not first writes.
func newAppendFixture(b *testing.B, policy natsembed.SyncPolicy) *appendFixture {
	start := time.Now()
	dir := b.TempDir()
	f := &appendFixture{raw: make([]rawHead, appendStreams), es: make([]esHead, appendStreams)}
	subjects := make([]string, 0, 2*appendStreams)
	for i := range appendStreams {
		id := "r" + strconv.Itoa(i)
		f.raw[i] = rawHead{subject: "events." + category + "." + id, id: id, version: 1}
		f.es[i] = esHead{stream: es.StreamName(category, "e"+strconv.Itoa(i)), version: 1}
		subjects = append(subjects, f.raw[i].subject, "events."+category+".e"+strconv.Itoa(i))
	}

	seed := startEnv(b, dir, natsembed.SyncInterval)
	seqs := seedSubjects(b, seed.js, subjects)
	for i := range f.raw {
		f.raw[i].seq = seqs[2*i]
	}
	seed.stop()

	f.env = startEnv(b, dir, policy)
	err := inParallel(setupWorkers, func(w int) error {
		for i := w; i < appendStreams; i += setupWorkers {
			evs, err := f.env.store.Read(context.Background(), f.es[i].stream, 0)
			if err != nil {
				return err
			}
			if len(evs) != 1 {
				return fmt.Errorf("warm-up: %s has %d events, want 1", f.es[i].stream, len(evs))
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("warm-up: %v", err)
	}
	b.Logf("seeded, restarted and warmed %d+%d streams in %s", appendStreams, appendStreams, time.Since(start).Round(time.Millisecond))
	return f
}

// seedSubjects publishes one message at version 1 on each subject,
// asynchronously, and returns their sequences. The store reads them back
// (rawHeader has its header names): going through Append would cost a
// lookup of each new stream's head first.
func seedSubjects(b *testing.B, js jetstream.JetStream, subjects []string) []uint64 {
	acks := make([]jetstream.PubAckFuture, len(subjects))
	for i, subj := range subjects {
		id := subj[len("events."+category+"."):]
		ack, err := js.PublishMsgAsync(&nats.Msg{Subject: subj, Header: rawHeader(id, 1), Data: payload})
		if err != nil {
			b.Fatalf("seed %s: %v", subj, err)
		}
		acks[i] = ack
	}
	seqs := make([]uint64, len(subjects))
	for i, ack := range acks {
		select {
		case pa := <-ack.Ok():
			seqs[i] = pa.Sequence
		case err := <-ack.Err():
			b.Fatalf("seed %s: %v", subjects[i], err)
		case <-time.After(time.Minute):
			b.Fatalf("seed %s: no ack", subjects[i])
		}
	}
	return seqs
}

// oneEvent is an append of one event; requestID must be new on its stream,
// or the server takes the append for a retry and writes nothing.
func oneEvent(requestID string) es.AppendRequest {
	return es.AppendRequest{
		Events:   []es.EventData{{Type: eventType, Data: payload}},
		Metadata: metadata(requestID),
	}
}

// metadata is what a command handler passes: who acted, for which
// organisation, and the request's ids.
func metadata(requestID string) es.Metadata {
	return es.Metadata{
		Actor:         someActor,
		Organisation:  someOrg,
		RequestID:     requestID,
		CorrelationID: someULID,
		CausationID:   someULID,
		OccurredAt:    time.Now(),
	}
}

// owned returns the index of the subject worker w of workers appends to at
// its k-th op: each worker owns every workers-th subject and goes round them,
// so that no two workers race for one stream's end.
func owned(w, workers, k int) int {
	per := appendStreams / workers
	return w + (k%per)*workers
}

// esOp appends events events through the store with the version it expects.
func (f *appendFixture) esOp(workers, events int) func(w, k int) error {
	return func(w, k int) error {
		h := &f.es[owned(w, workers, k)]
		// A fresh slice per append: the store fills in event ids.
		evs := make([]es.EventData, events)
		for i := range evs {
			evs[i] = es.EventData{Type: eventType, Data: payload}
		}
		// Request ids name the version written, as rawHeader's do.
		req := es.AppendRequest{Events: evs, Metadata: metadata("q" + strconv.FormatUint(uint64(h.version+1), 10))}
		res, err := f.env.store.Append(context.Background(), h.stream, es.Exactly(h.version), req)
		if err != nil {
			return err
		}
		if res.Duplicate || res.FirstVersion != h.version+1 {
			return fmt.Errorf("append to %s at %d: got %+v", h.stream, h.version, res)
		}
		h.version = res.LastVersion
		return nil
	}
}

// rawOp publishes events messages on a subject with the sequence it expects
// there: one publish with an ack, or an atomic batch as natsjs sends one.
func (f *appendFixture) rawOp(workers, events int) func(w, k int) error {
	return func(w, k int) error {
		h := &f.raw[owned(w, workers, k)]
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		msgs := make([]*nats.Msg, events)
		for i := range msgs {
			v := h.version + uint64(i) + 1
			msgs[i] = &nats.Msg{Subject: h.subject, Header: rawHeader(h.id, v), Data: payload}
		}
		msgs[0].Header.Set(jetstream.ExpectedLastSubjSeqHeader, strconv.FormatUint(h.seq, 10))
		var ack *jetstream.PubAck
		var err error
		if events == 1 {
			ack, err = f.env.js.PublishMsg(ctx, msgs[0])
		} else {
			ack, err = publishAtomic(ctx, f.env.nc, msgs)
		}
		if err != nil {
			return fmt.Errorf("publish on %s after %d: %w", h.subject, h.seq, err)
		}
		if ack.Duplicate {
			return fmt.Errorf("publish on %s after %d: duplicate", h.subject, h.seq)
		}
		h.seq, h.version = ack.Sequence, h.version+uint64(events)
		return nil
	}
}

// rawHeader has the store's header count and sizes, with constants where
// the store computes a value (event id, instant): the raw side does what the
// engine needs and nothing more. The message id makes the server
// deduplicate, as it does for the store's appends.
func rawHeader(id string, version uint64) nats.Header {
	v := strconv.FormatUint(version, 10)
	return nats.Header{
		"Maillage-Event-Id":       {someULID},
		"Maillage-Event-Type":     {eventType},
		"Maillage-Version":        {v},
		"Maillage-Actor":          {someActor},
		"Maillage-Organisation":   {someOrg},
		"Maillage-Request-Id":     {"q" + v},
		"Maillage-Correlation-Id": {someULID},
		"Maillage-Causation-Id":   {someULID},
		"Maillage-Occurred-At":    {someInstant},
		jetstream.MsgIDHeader:     {id + "/q" + v + "/0"},
	}
}

// publishAtomic sends msgs as one JetStream atomic batch, the protocol
// natsjs speaks (nats.go has no client API for it): the commit message alone
// is a request, and its answer is the batch's ack.
func publishAtomic(ctx context.Context, nc *nats.Conn, msgs []*nats.Msg) (*jetstream.PubAck, error) {
	batch := nuid.Next()
	for i, m := range msgs {
		m.Header.Set("Nats-Batch-Id", batch)
		m.Header.Set("Nats-Batch-Sequence", strconv.Itoa(i+1))
		if i < len(msgs)-1 {
			if err := nc.PublishMsg(m); err != nil {
				return nil, err
			}
		}
	}
	commit := msgs[len(msgs)-1]
	commit.Header.Set("Nats-Batch-Commit", "1")
	resp, err := nc.RequestMsgWithContext(ctx, commit)
	if err != nil {
		return nil, err
	}
	var ack struct {
		jetstream.PubAck
		Error *jetstream.APIError `json:"error,omitempty"`
	}
	if err := json.Unmarshal(resp.Data, &ack); err != nil {
		return nil, fmt.Errorf("batch ack %q: %w", resp.Data, err)
	}
	if ack.Error != nil {
		return nil, ack.Error
	}
	return &ack.PubAck, nil
}

// ---------------------------------------------------------------------------
// Read

// BenchmarkRead loads one person's stream from a store of
// readPeople×readPerson events written round robin, so that each stream is
// spread over the whole JetStream stream, as a year of activity leaves it.
//
//   - es-cold: Read with no hint, the whole stream (a load without snapshot);
//     raw-cold: what the engine offers for it, an ordered consumer on the
//     subject (created, drained of the 50 messages, deleted: a consumer per
//     load must be removed or they pile up on the server).
//   - es-tail: Read after a snapshot's position (the 49th event), so one
//     event; raw-tail: a direct get of the subject's last message.
func BenchmarkRead(b *testing.B) {
	f := newReadFixture(b)
	b.Run("raw-cold", func(b *testing.B) { runWorkers(b, 1, f.rawCold) })
	b.Run("es-cold", func(b *testing.B) { runWorkers(b, 1, f.esCold) })
	b.Run("raw-tail", func(b *testing.B) { runWorkers(b, 1, f.rawTail) })
	b.Run("es-tail", func(b *testing.B) { runWorkers(b, 1, f.esTail) })
}

type readFixture struct {
	env    *env
	people []person
}

type person struct {
	stream  string
	subject string
	pos49   es.Position // of the last but one event: a snapshot's position
}

func newReadFixture(b *testing.B) *readFixture {
	e := startEnv(b, b.TempDir(), natsembed.SyncInterval)
	return &readFixture{env: e, people: fillInterleaved(b, e, readPeople, readPerson)}
}

// fillInterleaved appends perPerson events to each of people streams, one
// event per append, the people taking turns: each person's events end up
// spread over the whole JetStream stream, as a year of activity leaves them.
func fillInterleaved(b *testing.B, e *env, people, perPerson int) []person {
	start := time.Now()
	ps := make([]person, people)
	for i := range ps {
		id := "p" + strconv.Itoa(i)
		ps[i] = person{stream: es.StreamName(category, id), subject: "events." + category + "." + id}
	}
	// Each worker owns every setupWorkers-th person and writes one event to
	// each in turn, so that versions stay in order without coordination.
	err := inParallel(setupWorkers, func(w int) error {
		for v := range es.Version(perPerson) {
			for i := w; i < people; i += setupWorkers {
				p := &ps[i]
				res, err := e.store.Append(context.Background(), p.stream, es.Exactly(v), oneEvent("fill"+strconv.Itoa(int(v))))
				if err != nil {
					return err
				}
				if res.LastVersion == es.Version(perPerson)-1 {
					p.pos49 = res.Position
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("fill: %v", err)
	}
	b.Logf("filled %d streams × %d events in %s", people, perPerson, time.Since(start).Round(time.Millisecond))
	return ps
}

func (f *readFixture) esCold(_, k int) error {
	p := f.people[k%readPeople]
	evs, err := f.env.store.Read(context.Background(), p.stream, 0)
	return wantEvents(p.stream, len(evs), err, readPerson)
}

func (f *readFixture) esTail(_, k int) error {
	p := f.people[k%readPeople]
	evs, err := f.env.store.Read(context.Background(), p.stream, readPerson, es.AfterPosition(p.pos49))
	return wantEvents(p.stream, len(evs), err, 1)
}

func (f *readFixture) rawCold(_, k int) error {
	p := f.people[k%readPeople]
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	cons, err := f.env.js.OrderedConsumer(ctx, jsStream, jetstream.OrderedConsumerConfig{FilterSubjects: []string{p.subject}})
	if err != nil {
		return err
	}
	batch, err := cons.Fetch(readPerson, jetstream.FetchMaxWait(opTimeout))
	if err != nil {
		return err
	}
	n := 0
	for range batch.Messages() {
		n++
	}
	if err := batch.Error(); err != nil {
		return err
	}
	if err := f.env.js.DeleteConsumer(ctx, jsStream, cons.CachedInfo().Name); err != nil {
		return err
	}
	return wantEvents(p.subject, n, nil, readPerson)
}

func (f *readFixture) rawTail(_, k int) error {
	p := f.people[k%readPeople]
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	_, err := f.env.stream.GetLastMsgForSubject(ctx, p.subject)
	return err
}

func wantEvents(what string, got int, err error, want int) error {
	if err == nil && got != want {
		err = fmt.Errorf("read %s: %d events, want %d", what, got, want)
	}
	return err
}

// ---------------------------------------------------------------------------
// Replay

// BenchmarkReplay reads every event of a store from the start, as a
// projection rebuilding from scratch does: es.Subscribe beside a raw
// ordered consumer on the same subjects. One op is one full replay.
func BenchmarkReplay(b *testing.B) {
	env := startEnv(b, b.TempDir(), natsembed.SyncInterval)
	const total = replayPeople * replayPerson
	fillInterleaved(b, env, replayPeople, replayPerson)

	b.Run("raw", func(b *testing.B) { runReplay(b, total, func() error { return rawReplay(env.js, total) }) })
	b.Run("es", func(b *testing.B) { runReplay(b, total, func() error { return esReplay(env.store, total) }) })
}

// runReplay replays once untimed first, so that neither side pays for
// loading the store's blocks into the server's cache.
func runReplay(b *testing.B, total int, replay func() error) {
	if err := replay(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := replay(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(total*b.N)/b.Elapsed().Seconds(), "events/s")
}

func esReplay(store *natsjs.Store, total int) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sub, err := store.Subscribe(ctx, es.Start, es.Filter{})
	if err != nil {
		return err
	}
	defer sub.Close()
	for range total {
		if _, err := sub.Next(ctx); err != nil {
			return err
		}
	}
	return nil
}

// rawReplay pulls as natsjs does (an ordered consumer, 1,024 messages a
// pull) and reads each message's stream sequence, which any projection
// needs for its checkpoint.
func rawReplay(js jetstream.JetStream, total int) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cons, err := js.OrderedConsumer(ctx, jsStream, jetstream.OrderedConsumerConfig{FilterSubjects: []string{"events.>"}})
	if err != nil {
		return err
	}
	it, err := cons.Messages(jetstream.PullMaxMessages(1024))
	if err != nil {
		return err
	}
	defer it.Stop()
	for range total {
		m, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			return err
		}
		if _, err := m.Metadata(); err != nil {
			return err
		}
	}
	return nil
}

// ---------------------------------------------------------------------------
// Harness

// env is one embedded server with the event store open on it and a raw
// JetStream client beside it, each on its own in-process connection.
type env struct {
	ns     *server.Server
	store  *natsjs.Store
	nc     *nats.Conn // the raw side's
	js     jetstream.JetStream
	stream jetstream.Stream // jsStream, for direct gets
	stop   func()
}

func startEnv(b *testing.B, dir string, policy natsembed.SyncPolicy) *env {
	b.Helper()
	ns, err := natsembed.Start(natsembed.Config{StoreDir: dir, Sync: policy, NoListen: true})
	if err != nil {
		b.Fatal(err)
	}
	e := &env{ns: ns}
	var conns []*nats.Conn
	e.stop = sync.OnceFunc(func() {
		if e.store != nil {
			e.store.Close()
		}
		for _, nc := range conns {
			nc.Close()
		}
		ns.Shutdown()
		ns.WaitForShutdown()
	})
	b.Cleanup(e.stop)
	connect := func() *nats.Conn {
		nc, err := nats.Connect("", nats.InProcessServer(ns))
		if err != nil {
			b.Fatal(err)
		}
		conns = append(conns, nc)
		return nc
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if e.store, err = natsjs.Open(ctx, natsjs.Config{Conn: connect()}); err != nil {
		b.Fatal(err)
	}
	e.nc = connect()
	if e.js, err = jetstream.New(e.nc); err != nil {
		b.Fatal(err)
	}
	if e.stream, err = e.js.Stream(ctx, jsStream); err != nil {
		b.Fatal(err)
	}
	return e
}

// runWorkers runs b.N ops spread over workers goroutines, op(w, k) being
// worker w's k-th op of this run, and reports the ops' latency percentiles.
func runWorkers(b *testing.B, workers int, op func(w, k int) error) {
	lat := newLatencies(b.N)
	var next atomic.Int64
	var failed atomic.Pointer[error]
	var wg sync.WaitGroup
	b.ResetTimer()
	for w := range workers {
		wg.Go(func() {
			for k := 0; next.Add(1) <= int64(b.N); k++ {
				start := time.Now()
				if err := op(w, k); err != nil {
					failed.CompareAndSwap(nil, &err)
					return
				}
				lat.add(time.Since(start))
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	if err := failed.Load(); err != nil {
		b.Fatal(*err)
	}
	lat.report(b)
}

// latencies holds one duration per op in a slice sized before the timer
// starts, so that recording one costs an atomic add and no allocation.
type latencies struct {
	d []time.Duration
	n atomic.Int64
}

func newLatencies(n int) *latencies { return &latencies{d: make([]time.Duration, n)} }

func (l *latencies) add(d time.Duration) { l.d[l.n.Add(1)-1] = d }

func (l *latencies) report(b *testing.B) {
	d := l.d[:l.n.Load()]
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	at := func(q float64) float64 {
		return float64(d[int(q*float64(len(d)-1))].Nanoseconds()) / 1e3
	}
	b.ReportMetric(at(0.50), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
}

// inParallel runs fn(0) … fn(workers-1) at once and returns their errors.
func inParallel(workers int, fn func(w int) error) error {
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() { errs[w] = fn(w) })
	}
	wg.Wait()
	return errors.Join(errs...)
}
