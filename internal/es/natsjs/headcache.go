package natsjs

import (
	"sync"

	"github.com/maillage/maillage/internal/es"
)

// streamHead is where a stream ends: its version and the JetStream sequence
// of its last message, which Nats-Expected-Last-Subject-Sequence needs.
type streamHead struct {
	version es.Version
	seq     uint64
}

// headCache remembers the heads this process has seen, so that an append
// usually needs no read first. It is only a hint: the server's expected
// sequence check decides, and a wrong hint costs one more round trip.
type headCache struct {
	mu  sync.Mutex
	m   map[string]streamHead
	max int
}

func newHeadCache(max int) *headCache {
	return &headCache{m: make(map[string]streamHead), max: max}
}

func (c *headCache) get(stream string) (streamHead, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.m[stream]
	return h, ok
}

// put records h unless a later head is known; heads never go back.
func (c *headCache) put(stream string, h streamHead) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[stream]; ok && old.version >= h.version {
		return
	}
	if len(c.m) >= c.max {
		// Dropping everything is crude but bounded and rare: a department
		// has ~20,000 streams against a default bound of 200,000.
		clear(c.m)
	}
	c.m[stream] = h
}

func (c *headCache) forget(stream string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, stream)
}
