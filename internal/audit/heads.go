package audit

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/maillage/maillage/internal/es"
)

// head is where a trail ends: its last record's sequence and hash, and how
// many records since the last seal.
type head struct {
	sequence  uint64
	hash      []byte
	unsealed  int
	lastWrite time.Time
}

// heads caches the trails' heads, bounded; a miss reads the trail's last
// record.
type heads struct {
	mu  sync.Mutex
	m   map[string]head
	max int
}

func newHeads(max int) *heads { return &heads{m: map[string]head{}, max: max} }

func (c *heads) load(ctx context.Context, store es.Store, person string) (head, error) {
	c.mu.Lock()
	h, ok := c.m[person]
	c.mu.Unlock()
	if ok {
		return h, nil
	}
	last, found, err := store.Last(ctx, StreamOf(person))
	if err != nil {
		return head{}, fmt.Errorf("audit trail of %s: %w", person, err)
	}
	if !found {
		return head{}, nil
	}
	h = head{sequence: uint64(last.Version), hash: Hash(last.Type, last.Data)}
	if last.Type != sealType {
		// Records since the last seal are not counted: one more seal
		// comes at the next record or timer.
		h.unsealed, h.lastWrite = 1, last.RecordedAt
	}
	return h, nil
}

func (c *heads) put(person string, h head) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[person]; !ok && len(c.m) >= c.max {
		for k, v := range c.m {
			if v.unsealed == 0 {
				delete(c.m, k)
				break
			}
		}
	}
	c.m[person] = h
}

func (c *heads) forget(person string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, person)
}

func (c *heads) unsealedBefore(cutoff time.Time) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for k, v := range c.m {
		if v.unsealed > 0 && v.lastWrite.Before(cutoff) {
			out = append(out, k)
		}
	}
	return out
}
