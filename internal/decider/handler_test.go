package decider_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/es/natsjs/natsjstest"
)

// tally is a test aggregate: it counts words said to it and refuses "stop"
// once stopped.
type tally struct {
	words   []string
	stopped bool
}

type say struct{ word string }

var tallyDecider = decider.Decider[*tally, say]{
	Initial: func() *tally { return &tally{} },
	Decide: func(s *tally, c say, ctx decider.Context) ([]proto.Message, error) {
		switch {
		case s.stopped:
			return nil, derrors.Rejected("tally.stopped", "tally", "stopped after %d words", len(s.words))
		case c.word == "nothing":
			return nil, nil
		case c.word == "again" && len(s.words) == 0:
			return nil, derrors.Rejected("tally.empty", "tally", "nothing to say again")
		case c.word == "twice":
			return []proto.Message{wrapperspb.String("twice-1"), wrapperspb.String("twice-2")}, nil
		case c.word == "stop":
			return []proto.Message{wrapperspb.Bool(true)}, nil
		}
		return []proto.Message{wrapperspb.String(c.word + "@" + ctx.NewID())}, nil
	},
	Evolve: func(s *tally, ev decider.Event) *tally {
		switch p := ev.Payload.(type) {
		case *wrapperspb.StringValue:
			s.words = append(s.words, p.Value)
		case *wrapperspb.BoolValue:
			s.stopped = true
		}
		return s
	},
}

func newHandler(t *testing.T, store es.Store, cacheSize int) *decider.Handler[*tally, say] {
	t.Helper()
	n := 0
	var mu sync.Mutex
	h, err := decider.NewHandler(decider.HandlerConfig[*tally, say]{
		Store: store, Codec: decider.NewCodec(nil), Decider: tallyDecider, Category: "tally", CacheSize: cacheSize,
		NewID: func() string { mu.Lock(); defer mu.Unlock(); n++; return fmt.Sprint(n) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func md(req string) decider.Options {
	return decider.Options{Metadata: es.Metadata{RequestID: req, Actor: "prof-1"}}
}

func TestHandlerDecidesAndAppends(t *testing.T) {
	store := natsjstest.NewStore(t)
	h := newHandler(t, store, 100)
	ctx := context.Background()
	r1, err := h.Handle(ctx, "a", say{"hello"}, md("r1"))
	if err != nil || r1.Version != 1 || r1.Position.IsZero() || len(r1.Events) != 1 {
		t.Fatalf("first command = %+v, %v; want version 1 with one event", r1, err)
	}
	r2, err := h.Handle(ctx, "a", say{"twice"}, md("r2"))
	if err != nil || r2.Version != 3 || !r1.Position.Before(r2.Position) {
		t.Fatalf("second command = %+v, %v; want version 3 after %v", r2, err, r1.Position)
	}
	noop, err := h.Handle(ctx, "a", say{"nothing"}, md("r3"))
	if err != nil || noop.Version != 3 || noop.Position != r2.Position || len(noop.Events) != 0 {
		t.Fatalf("no-op command = %+v, %v; want version 3 at %v and no event", noop, err, r2.Position)
	}
	evs, _ := store.Read(ctx, "tally-a", 1)
	if len(evs) != 3 || evs[0].Metadata.OccurredAt.IsZero() || evs[0].Metadata.Actor != "prof-1" {
		t.Fatalf("stored %d events (%+v), want 3 with occurred-at and actor", len(evs), evs)
	}
}

func TestHandlerReplayAnswersAsTheFirstCall(t *testing.T) {
	store := natsjstest.NewStore(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		h2   func(h *decider.Handler[*tally, say]) *decider.Handler[*tally, say]
	}{
		{"same process", func(h *decider.Handler[*tally, say]) *decider.Handler[*tally, say] { return h }},
		{"another process", func(*decider.Handler[*tally, say]) *decider.Handler[*tally, say] { return newHandler(t, store, 100) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := fmt.Sprintf("replay%d", time.Now().UnixNano())
			h := newHandler(t, store, 100)
			first, err := h.Handle(ctx, id, say{"twice"}, md("req-1"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := h.Handle(ctx, id, say{"later"}, md("req-2")); err != nil {
				t.Fatal(err)
			}
			v := es.Version(0) // stale: the replay must still answer, not conflict
			again, err := tc.h2(h).Handle(ctx, id, say{"twice"}, decider.Options{Expected: &v, Metadata: es.Metadata{RequestID: "req-1"}})
			if err != nil {
				t.Fatalf("replay = %v, want the first answer", err)
			}
			if !again.Duplicate || again.Version != first.Version || again.Position != first.Position || len(again.Events) != 2 ||
				!proto.Equal(again.Events[1], first.Events[1]) {
				t.Fatalf("replay = %+v, want %+v marked duplicate", again, first)
			}
			if evs, _ := store.Read(ctx, "tally-"+id, 1); len(evs) != 3 {
				t.Fatalf("after a replay the stream has %d events, want 3", len(evs))
			}
		})
	}
}

func TestHandlerExpectedVersionAndRules(t *testing.T) {
	store := natsjstest.NewStore(t)
	h := newHandler(t, store, 100)
	ctx := context.Background()
	if _, err := h.Handle(ctx, "b", say{"one"}, md("")); err != nil {
		t.Fatal(err)
	}
	stale := es.Version(0)
	_, err := h.Handle(ctx, "b", say{"two"}, decider.Options{Expected: &stale})
	var ce *es.ConflictError
	if !errors.As(err, &ce) || ce.Actual != 1 {
		t.Fatalf("command at a stale version = %v, want a conflict at version 1", err)
	}
	cur := es.Version(1)
	if _, err := h.Handle(ctx, "b", say{"stop"}, decider.Options{Expected: &cur}); err != nil {
		t.Fatal(err)
	}
	_, err = h.Handle(ctx, "b", say{"three"}, md(""))
	var re *derrors.RuleError
	if !errors.As(err, &re) || re.Rule != "tally.stopped" {
		t.Fatalf("command refused by a rule = %v, want tally.stopped", err)
	}
	if evs, _ := store.Read(ctx, "tally-b", 1); len(evs) != 2 {
		t.Fatalf("refused commands wrote: %d events, want 2", len(evs))
	}
	if _, err := h.Handle(ctx, "bad.id", say{"x"}, md("")); !errors.Is(err, es.ErrInvalidStream) {
		t.Fatalf("command on id %q = %v, want ErrInvalidStream", "bad.id", err)
	}
}

// Two handlers on one store are two maillaged processes: their snapshots go
// stale, and the store's version check must make them decide again.
func TestHandlersInTwoProcessesDecideAgainOnConflict(t *testing.T) {
	store := natsjstest.NewStore(t)
	h1, h2 := newHandler(t, store, 100), newHandler(t, store, 1)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 20 {
		for j, h := range []*decider.Handler[*tally, say]{h1, h2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := h.Handle(ctx, "c", say{fmt.Sprintf("w%d-%d", j, i)}, md(fmt.Sprintf("c-%d-%d", j, i))); err != nil {
					errs <- err
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	evs, err := store.Read(ctx, "tally-c", 1)
	if err != nil || len(evs) != 40 {
		t.Fatalf("two processes × 20 commands left %d events (%v), want 40", len(evs), err)
	}
}

// A snapshot cached by one process goes stale when another writes; neither
// a refusal nor a no-op may rest on it.
func TestHandlerDoesNotRefuseOnAStaleSnapshot(t *testing.T) {
	store := natsjstest.NewStore(t)
	h1, h2 := newHandler(t, store, 100), newHandler(t, store, 100)
	ctx := context.Background()
	if _, err := h1.Handle(ctx, "d", say{"nothing"}, md("")); err != nil {
		t.Fatal(err) // h1 now caches an empty tally
	}
	if _, err := h2.Handle(ctx, "d", say{"hello"}, md("")); err != nil {
		t.Fatal(err)
	}
	res, err := h1.Handle(ctx, "d", say{"again"}, md(""))
	if err != nil || res.Version != 2 {
		t.Fatalf("command allowed by another process's write = %+v, %v; want it decided on the fresh state (version 2)", res, err)
	}
}

// A request id sent again with another fingerprint (another command or
// body) is refused, from the cached snapshot and from a cold one alike;
// nothing is written.
func TestHandlerRefusesRequestIDReusedForAnotherBody(t *testing.T) {
	store := natsjstest.NewStore(t)
	ctx := context.Background()
	first := decider.Options{Metadata: es.Metadata{RequestID: "r1", RequestHash: "h-hello"}}
	if _, err := newHandler(t, store, 100).Handle(ctx, "a", say{"hello"}, first); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"warm", "cold"} {
		h := newHandler(t, store, 100)
		if name == "warm" {
			if _, err := h.Handle(ctx, "a", say{"hello"}, first); err != nil {
				t.Fatalf("same request again: %v", err)
			}
		}
		other := decider.Options{Metadata: es.Metadata{RequestID: "r1", RequestHash: "h-bye"}}
		_, err := h.Handle(ctx, "a", say{"bye"}, other)
		if !errors.Is(err, derrors.ErrInvalid) {
			t.Errorf("%s: reused request id = %v; want invalid argument", name, err)
		}
	}
	recs, err := store.Read(ctx, "tally-a", 1)
	if err != nil || len(recs) != 1 {
		t.Errorf("stream holds %d events (%v); want the first only", len(recs), err)
	}
}
