package decider

import (
	"sync"

	"github.com/maillage/maillage/internal/es"
)

// recentRequests is how many of an aggregate's last requests it remembers
// for idempotency; a client retries within seconds, a few commands later at
// most.
const recentRequests = 32

// snapshot is an aggregate as of a version.
type snapshot[S any] struct {
	state    S
	version  es.Version
	position es.Position
	requests [recentRequests]appliedRequest // a ring
	next     int
}

// appliedRequest is where a request's events landed.
type appliedRequest struct {
	id          string
	hash        string // the request's fingerprint, when its caller gave one
	first, last es.Version
	position    es.Position
}

// advance records that the aggregate reached version v at position p by
// request id (fingerprint hash), whose first event has version first.
func (s *snapshot[S]) advance(v es.Version, p es.Position, id, hash string, first es.Version) {
	s.version, s.position = v, p
	if id == "" {
		return
	}
	last := (s.next + recentRequests - 1) % recentRequests
	if r := &s.requests[last]; r.id == id {
		r.last, r.position = v, p // one more event of the same request
		return
	}
	s.requests[s.next] = appliedRequest{id: id, hash: hash, first: first, last: v, position: p}
	s.next = (s.next + 1) % recentRequests
}

func (s *snapshot[S]) applied(id string) (appliedRequest, bool) {
	if id == "" {
		return appliedRequest{}, false
	}
	for _, r := range s.requests {
		if r.id == id {
			return r, true
		}
	}
	return appliedRequest{}, false
}

// snapshots keeps aggregates in memory, bounded.
type snapshots[S any] struct {
	mu  sync.Mutex
	m   map[string]*snapshot[S]
	max int
}

func newSnapshots[S any](max int) *snapshots[S] {
	return &snapshots[S]{m: make(map[string]*snapshot[S]), max: max}
}

func (c *snapshots[S]) get(stream string) (*snapshot[S], bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.m[stream]
	return s, ok
}

func (c *snapshots[S]) put(stream string, s *snapshot[S]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[stream]; !ok && len(c.m) >= c.max {
		// Evict about a tenth, at random (map order): cheap, bounded, and a
		// miss only costs reading one person's stream again.
		n := c.max / 10
		for k := range c.m {
			if n == 0 {
				break
			}
			delete(c.m, k)
			n--
		}
	}
	c.m[stream] = s
}
