package natsjs

import (
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/nats-io/nats.go"
)

// replies routes the answers of direct gets to their callers through one
// long-lived wildcard subscription. A subscription per read would cost a
// SUB/UNSUB pair and, in nats.go, a 64K-slot channel allocated and zeroed
// for every read.
type replies struct {
	prefix string
	sub    *nats.Subscription
	next   atomic.Uint64
	mu     sync.Mutex
	wait   map[string]chan *nats.Msg
}

func newReplies(nc *nats.Conn) (*replies, error) {
	r := &replies{prefix: nc.NewRespInbox(), wait: map[string]chan *nats.Msg{}}
	sub, err := nc.Subscribe(r.prefix+".*", r.deliver)
	if err != nil {
		return nil, err
	}
	// A slow reader must not make the server drop another reader's answer.
	sub.SetPendingLimits(-1, -1)
	r.sub = sub
	return r, nil
}

// open returns a fresh reply subject and the channel its answers arrive on;
// size bounds how many answers may wait unread. close it with done.
func (r *replies) open(size int) (subject string, ch chan *nats.Msg, done func()) {
	token := strconv.FormatUint(r.next.Add(1), 36)
	ch = make(chan *nats.Msg, size)
	r.mu.Lock()
	r.wait[token] = ch
	r.mu.Unlock()
	return r.prefix + "." + token, ch, func() {
		r.mu.Lock()
		delete(r.wait, token)
		r.mu.Unlock()
	}
}

func (r *replies) deliver(m *nats.Msg) {
	token := m.Subject[len(r.prefix)+1:]
	r.mu.Lock()
	ch := r.wait[token]
	r.mu.Unlock()
	if ch == nil {
		return // the caller gave up (timeout): drop the late answer
	}
	select {
	case ch <- m:
	default:
		// More answers than the caller asked for: cannot happen with the
		// sizes directBatch opens; dropping keeps other readers flowing,
		// and the caller times out rather than reading a partial batch.
	}
}

func (r *replies) close() {
	if r.sub != nil {
		r.sub.Unsubscribe()
	}
}
