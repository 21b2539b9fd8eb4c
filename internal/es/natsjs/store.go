// Package natsjs is the event store on NATS JetStream, Maillage's default
// backend: one JetStream stream holds every event, each event store stream
// "<category>-<id>" is the subject "<prefix>.<category>.<id>", and the
// JetStream stream sequence is the global position.
//
// Appends check the stream's version with Nats-Expected-Last-Subject-Sequence
// and deduplicate with Nats-Msg-Id; several events of one append go in one
// atomic batch. Reads use batched direct gets by subject, so loading an
// aggregate never scans the big stream nor creates a consumer; subscriptions
// are ordered consumers.
package natsjs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/maillage/maillage/internal/es"
)

// Config of a Store.
type Config struct {
	Conn *nats.Conn // required; the store does not close it
	// SubscribeConn, when set, carries the subscriptions (projections,
	// feeds) apart from the appends and reads: a replay or a live tail
	// then never queues in front of an append's acknowledgement in the
	// connection's one reader. The store does not close it.
	SubscribeConn   *nats.Conn
	Stream          string        // JetStream stream name; default "EVENTS"
	SubjectPrefix   string        // default "events"
	Replicas        int           // default 1; 3 on a cluster
	DuplicateWindow time.Duration // how long a request id is remembered by the server; default 24h
	RequestTimeout  time.Duration // bounds each call to the server; default 5s
	HeadCacheSize   int           // streams whose last version is remembered; default 200,000
	// SoleWriter says no other process writes to the stream (an embedded
	// server without a listener): the store then knows where the stream
	// ends from its own appends, and Head of everything asks nothing.
	SoleWriter bool
}

func (c *Config) setDefaults() {
	if c.Stream == "" {
		c.Stream = "EVENTS"
	}
	if c.SubjectPrefix == "" {
		c.SubjectPrefix = "events"
	}
	if c.Replicas == 0 {
		c.Replicas = 1
	}
	if c.DuplicateWindow == 0 {
		c.DuplicateWindow = 24 * time.Hour
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = 5 * time.Second
	}
	if c.HeadCacheSize == 0 {
		c.HeadCacheSize = 200_000
	}
}

// Validate gathers every problem of c.
func (c Config) Validate() error {
	var errs []error
	if c.Conn == nil {
		errs = append(errs, errors.New("natsjs: Conn is required"))
	}
	if strings.ContainsAny(c.SubjectPrefix, ".*> ") {
		errs = append(errs, fmt.Errorf("natsjs: subject prefix %q must be one subject token", c.SubjectPrefix))
	}
	if c.Replicas < 0 || c.Replicas > 5 {
		errs = append(errs, fmt.Errorf("natsjs: replicas %d is not within 1..5", c.Replicas))
	}
	return errors.Join(errs...)
}

// Store is an es.Store on JetStream.
type Store struct {
	cfg     Config
	nc      *nats.Conn
	js      jetstream.JetStream
	subJS   jetstream.JetStream // the subscriptions' (Config.SubscribeConn), else js
	heads   *headCache
	replies *replies
	writes  writeHealth
	// last is the stream's last sequence this process knows of: its own
	// appends' and, with SoleWriter, the stream's at Open.
	last atomic.Uint64
}

// wrote notes that the stream holds seq now.
func (s *Store) wrote(seq uint64) {
	for {
		cur := s.last.Load()
		if seq <= cur || s.last.CompareAndSwap(cur, seq) {
			return
		}
	}
}

var _ es.Store = (*Store)(nil)

// Open creates or updates the JetStream stream and returns the store.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	js, err := jetstream.New(cfg.Conn)
	if err != nil {
		return nil, fmt.Errorf("natsjs: %w", err)
	}
	ctx, cancel := withTimeout(ctx, cfg.RequestTimeout*3)
	defer cancel()
	streamCfg := jetstream.StreamConfig{
		Name:               cfg.Stream,
		Description:        "Maillage domain events",
		Subjects:           []string{cfg.SubjectPrefix + ".>"},
		Storage:            jetstream.FileStorage,
		Retention:          jetstream.LimitsPolicy,
		Replicas:           cfg.Replicas,
		Duplicates:         cfg.DuplicateWindow,
		AllowDirect:        true,
		AllowAtomicPublish: true,
		DenyDelete:         true,
		DenyPurge:          true,
	}
	for {
		_, err = js.CreateOrUpdateStream(ctx, streamCfg)
		// A cluster just started may not have its peers current yet.
		if apiErrorCode(err) != errCodeNoSuitablePeers || ctx.Err() != nil {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
	if err != nil {
		if storageFull(err) {
			err = fmt.Errorf("%w: %w", es.ErrStorageFull, err)
		}
		return nil, fmt.Errorf("natsjs: create stream %s: %w", cfg.Stream, err)
	}
	rep, err := newReplies(cfg.Conn)
	if err != nil {
		return nil, fmt.Errorf("natsjs: %w", err)
	}
	st := &Store{cfg: cfg, nc: cfg.Conn, js: js, subJS: js, heads: newHeadCache(cfg.HeadCacheSize), replies: rep}
	if cfg.SubscribeConn != nil {
		if st.subJS, err = jetstream.New(cfg.SubscribeConn); err != nil {
			rep.close()
			return nil, fmt.Errorf("natsjs: %w", err)
		}
	}
	if cfg.SoleWriter {
		info, err := js.Stream(ctx, cfg.Stream)
		if err != nil {
			rep.close()
			return nil, fmt.Errorf("natsjs: stream %s: %w", cfg.Stream, err)
		}
		st.wrote(info.CachedInfo().State.LastSeq)
	}
	return st, nil
}

// Close releases the store's subscription; the connection is the caller's.
// A nil or half-opened store closes as a no-op.
func (s *Store) Close() error {
	if s == nil || s.replies == nil {
		return nil
	}
	s.replies.close()
	return nil
}

func (s *Store) subject(stream string) string {
	cat := es.Category(stream)
	return s.cfg.SubjectPrefix + "." + cat + "." + stream[len(cat)+1:]
}

func (s *Store) streamOf(subject string) (string, error) {
	rest, ok := strings.CutPrefix(subject, s.cfg.SubjectPrefix+".")
	cat, id, ok2 := strings.Cut(rest, ".")
	if !ok || !ok2 {
		return "", fmt.Errorf("natsjs: subject %q is not an event subject", subject)
	}
	return cat + "-" + id, nil
}

func (s *Store) filterSubjects(f es.Filter) []string {
	if len(f.Categories) == 0 {
		return []string{s.cfg.SubjectPrefix + ".>"}
	}
	subs := make([]string, len(f.Categories))
	for i, c := range f.Categories {
		subs[i] = s.cfg.SubjectPrefix + "." + c + ".>"
	}
	return subs
}

// withTimeout bounds one call to the server by d, or by ctx's deadline when
// it comes sooner. A call that waits longer is lost (a leader changing, a
// node gone): better to fail it and let the caller retry with its request
// id than to hold the caller for its whole deadline.
func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}

// writeHealth remembers whether the last write failed for lack of room.
type writeHealth struct {
	mu    sync.Mutex
	cause error
}

func (w *writeHealth) ok() {
	w.mu.Lock()
	w.cause = nil
	w.mu.Unlock()
}

func (w *writeHealth) failed(err error) {
	w.mu.Lock()
	w.cause = err
	w.mu.Unlock()
}

// WriteHealth returns why writes fail now (the last one was refused for
// lack of room), or nil while they succeed.
func (s *Store) WriteHealth() error {
	s.writes.mu.Lock()
	defer s.writes.mu.Unlock()
	if s.writes.cause == nil {
		return nil
	}
	return fmt.Errorf("%w: %w", es.ErrStorageFull, s.writes.cause)
}
