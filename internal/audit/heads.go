package audit

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/projection/kv"
)

// head is where a trail ends: its last record's sequence, hash and
// position in the store, and how many records since the last seal.
type head struct {
	sequence  uint64
	hash      []byte
	position  es.Position // zero when unknown
	unsealed  int
	lastWrite time.Time
}

// expected is what an append after h expects of the trail: its sequence,
// and where it ends when known, so that the store need not look it up.
func (h head) expected() es.ExpectedVersion {
	return es.ExactlyAt(es.Version(h.sequence), h.position)
}

// heads caches the trails' heads in memory, bounded, and, when given a
// store of its own (Config.Heads), on disk: a restarted writer then
// appends to a trail without reading its last record first. A miss in
// both reads the trail's last record. A head on disk gone stale (another
// replica wrote to the trail, or a crash lost the last write) fails the
// append's version check, is forgotten, and is read again.
type heads struct {
	mu   sync.Mutex
	m    map[string]head
	max  int
	disk *kv.DB // nil: memory only
}

func newHeads(max int, disk *kv.DB) *heads { return &heads{m: map[string]head{}, max: max, disk: disk} }

func headKey(person string) []byte { return []byte("h/" + person) }

// load returns the person's trail's head: remembered, or read from the
// trail. With heads on disk, a trail this writer never wrote to is taken
// for new (most are: a person's first disclosure); the append's version
// check says otherwise when another writer began it, and the caller loads
// again with fresh set, which reads the trail.
func (c *heads) load(ctx context.Context, store es.Store, person string, fresh bool) (head, error) {
	if !fresh {
		c.mu.Lock()
		h, ok := c.m[person]
		c.mu.Unlock()
		if ok {
			return h, nil
		}
		if c.disk != nil {
			data, ok, err := c.disk.Get(headKey(person))
			if err == nil && !ok {
				return head{}, nil
			}
			if h, err := decodeHead(data); err == nil {
				return h, nil
			}
		}
	}
	last, found, err := store.Last(ctx, StreamOf(person))
	if err != nil {
		return head{}, fmt.Errorf("audit trail of %s: %w", person, err)
	}
	if !found {
		return head{}, nil
	}
	h := head{sequence: uint64(last.Version), hash: Hash(last.Type, last.Data), position: last.Position}
	if last.Type != sealType {
		// Records since the last seal are not counted: one more seal
		// comes at the next record or timer.
		h.unsealed, h.lastWrite = 1, last.RecordedAt
	}
	return h, nil
}

// put remembers the heads of trails just written, on disk too (without
// waiting for the disk: a head lost in a crash is read again).
func (c *heads) put(written map[string]head) {
	c.mu.Lock()
	for person, h := range written {
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
	c.mu.Unlock()
	if c.disk == nil {
		return
	}
	b := c.disk.NewBatch()
	for person, h := range written {
		if err := b.Set(headKey(person), encodeHead(h)); err != nil {
			b.Discard()
			return
		}
	}
	_ = b.Write() // a head not kept is read again: nothing is lost
}

func (c *heads) forget(person string) {
	c.mu.Lock()
	delete(c.m, person)
	c.mu.Unlock()
	if c.disk != nil {
		b := c.disk.NewBatch()
		if b.Delete(headKey(person)) == nil {
			_ = b.Write()
		} else {
			b.Discard()
		}
	}
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

// headVersion prefixes a head's encoding, so that a later layout can be
// told apart (and read again from the trail).
const headVersion = 1

// encodeHead: version, sequence, position (commit, prepare), unsealed,
// last write (Unix ns), then the hash.
func encodeHead(h head) []byte {
	b := []byte{headVersion}
	b = binary.AppendUvarint(b, h.sequence)
	b = binary.AppendUvarint(b, h.position.Commit)
	b = binary.AppendUvarint(b, h.position.Prepare)
	b = binary.AppendUvarint(b, uint64(h.unsealed))
	at := int64(0)
	if !h.lastWrite.IsZero() {
		at = h.lastWrite.UnixNano()
	}
	b = binary.AppendVarint(b, at)
	return append(b, h.hash...)
}

var errBadHead = errors.New("audit: unreadable trail head")

func decodeHead(b []byte) (head, error) {
	if len(b) == 0 || b[0] != headVersion {
		return head{}, errBadHead
	}
	b = b[1:]
	var fields [4]uint64
	for i := range fields {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return head{}, errBadHead
		}
		fields[i], b = v, b[n:]
	}
	at, n := binary.Varint(b)
	if n <= 0 || len(b[n:]) == 0 {
		return head{}, errBadHead
	}
	h := head{sequence: fields[0], position: es.Position{Commit: fields[1], Prepare: fields[2]},
		unsealed: int(fields[3]), hash: append([]byte(nil), b[n:]...)}
	if at != 0 {
		h.lastWrite = time.Unix(0, at)
	}
	return h, nil
}
