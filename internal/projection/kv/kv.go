// Package kv keeps a projection's model on disk, out of the Go heap: an
// embedded Pebble database under the data directory, one per projection,
// whose every batch writes the model's changes and the projection's
// position together (exactly once: no window to replay, no separate
// checkpoint), with a bounded cache of decoded values in front of it.
//
// Pebble (cockroachdb/pebble/v2), not bbolt: the projection's load is
// rewrites of small values by the thousand per batch, which an LSM takes
// at ~116,000 events/s where bbolt's copy-on-write B+tree took ~38,000 on
// this machine (doc/DESIGN.md, "Views on disk"); both read a point in a
// few microseconds.
package kv

import (
	"errors"
	"fmt"
	"os"

	"github.com/cockroachdb/pebble/v2"
	"github.com/cockroachdb/pebble/v2/vfs"

	"github.com/maillage/maillage/internal/es"
)

// positionKey holds the projection's position; model keys never start
// with 0x00.
var positionKey = []byte{0x00, 'p', 'o', 's'}

// DB is one projection's store.
type DB struct {
	db *pebble.DB
}

// Open opens (or creates) the store in dir.
func Open(dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("kv: %w", err)
	}
	return open(dir, nil)
}

// OpenMem opens a store in memory, gone when closed: for tests, and for a
// projection told to keep nothing.
func OpenMem() *DB {
	db, err := open("", vfs.NewMem())
	if err != nil {
		panic(fmt.Sprintf("kv: in-memory store: %v", err)) // no disk, nothing to fail on
	}
	return db
}

func open(dir string, fs vfs.FS) (*DB, error) {
	opts := &pebble.Options{
		Cache:        pebble.NewCache(64 << 20),
		MemTableSize: 32 << 20,
		Logger:       quiet{},
		// No write-ahead log: the event store is the projection's log. A
		// crash loses the memtable, the position with it, and the views
		// replay from there; and a full disk fails a flush (retried)
		// instead of the WAL write pebble cannot survive.
		DisableWAL: true,
	}
	if fs != nil {
		opts.FS = fs
		opts.Cache = pebble.NewCache(8 << 20)
		opts.MemTableSize = 4 << 20
	}
	db, err := pebble.Open(dir, opts)
	if err != nil {
		return nil, fmt.Errorf("kv: open %s: %w", dir, err)
	}
	return &DB{db: db}, nil
}

// Close flushes and closes the store. Without a write-ahead log, what is
// not flushed is lost, with its position: the next start replays it.
func (d *DB) Close() error {
	_ = d.db.Flush()
	return d.db.Close()
}

// Position returns the position the stored model covers; es.Start for a
// new store.
func (d *DB) Position() (es.Position, error) {
	v, closer, err := d.db.Get(positionKey)
	if errors.Is(err, pebble.ErrNotFound) {
		return es.Start, nil
	}
	if err != nil {
		return es.Start, fmt.Errorf("kv: position: %w", err)
	}
	defer closer.Close()
	return es.ParsePosition(string(v))
}

// Get returns a copy of key's value, and false when there is none.
func (d *DB) Get(key []byte) ([]byte, bool, error) {
	v, closer, err := d.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("kv: get: %w", err)
	}
	out := append([]byte(nil), v...)
	closer.Close()
	return out, true, nil
}

// Scan calls fn for each key with prefix, in key order, until fn returns
// false; after, when not empty, starts just past it.
func (d *DB) Scan(prefix, after []byte, fn func(key, value []byte) bool) error {
	lower := prefix
	if len(after) > 0 {
		lower = append(append([]byte(nil), after...), 0)
	}
	it, err := d.db.NewIter(&pebble.IterOptions{LowerBound: lower, UpperBound: prefixEnd(prefix)})
	if err != nil {
		return fmt.Errorf("kv: scan: %w", err)
	}
	defer it.Close()
	for it.First(); it.Valid(); it.Next() {
		if !fn(it.Key(), it.Value()) {
			break
		}
	}
	return it.Error()
}

// Suffixes returns what follows prefix in each key under it, in key order:
// the members of an index kept as keys (o/<org>/<meeting> → meetings).
func (d *DB) Suffixes(prefix []byte) ([]string, error) {
	var out []string
	err := d.Scan(prefix, nil, func(k, _ []byte) bool {
		out = append(out, string(k[len(prefix):]))
		return true
	})
	return out, err
}

// ScanBackward calls fn for each key with prefix, in reverse key order,
// until fn returns false; before, when not empty, starts just below it.
func (d *DB) ScanBackward(prefix, before []byte, fn func(key, value []byte) bool) error {
	upper := prefixEnd(prefix)
	if len(before) > 0 {
		upper = before
	}
	it, err := d.db.NewIter(&pebble.IterOptions{LowerBound: prefix, UpperBound: upper})
	if err != nil {
		return fmt.Errorf("kv: scan: %w", err)
	}
	defer it.Close()
	for it.Last(); it.Valid(); it.Prev() {
		if !fn(it.Key(), it.Value()) {
			break
		}
	}
	return it.Error()
}

// ScanPrefixes calls fn for each key under each prefix, prefix by prefix
// in the order given and each in key order, until fn returns false; one
// iterator serves them all (a search reads a couple of dozen cells).
func (d *DB) ScanPrefixes(prefixes [][]byte, fn func(key, value []byte) bool) error {
	if len(prefixes) == 0 {
		return nil
	}
	it, err := d.db.NewIter(&pebble.IterOptions{LowerBound: prefixes[0], UpperBound: prefixEnd(prefixes[0])})
	if err != nil {
		return fmt.Errorf("kv: scan: %w", err)
	}
	defer it.Close()
	for i, prefix := range prefixes {
		if i > 0 {
			it.SetBounds(prefix, prefixEnd(prefix))
		}
		for it.First(); it.Valid(); it.Next() {
			if !fn(it.Key(), it.Value()) {
				return it.Error()
			}
		}
		if err := it.Error(); err != nil {
			return err
		}
	}
	return nil
}

// prefixEnd is the first key after every key with prefix.
func prefixEnd(prefix []byte) []byte {
	end := append([]byte(nil), prefix...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// Batch is a set of changes written at once with the position they bring
// the model to.
type Batch struct {
	b *pebble.Batch
}

// NewBatch starts a batch.
func (d *DB) NewBatch() *Batch { return &Batch{b: d.db.NewBatch()} }

// Set writes key's value.
func (b *Batch) Set(key, value []byte) error { return b.b.Set(key, value, nil) }

// Delete removes key.
func (b *Batch) Delete(key []byte) error { return b.b.Delete(key, nil) }

// Len is the number of changes in the batch.
func (b *Batch) Len() int { return int(b.b.Count()) }

// Commit writes the batch and the position, atomically. It does not wait
// for the disk: a batch lost in a crash is replayed from the event store,
// since the position is lost with it.
func (b *Batch) Commit(p es.Position) error {
	if err := b.b.Set(positionKey, []byte(p.String()), nil); err != nil {
		return err
	}
	if err := b.b.Commit(pebble.NoSync); err != nil {
		return fmt.Errorf("kv: commit: %w", err)
	}
	return b.b.Close()
}

// Write writes the batch without a position: for a store that is not a
// projection's model (a cache kept across restarts). Like Commit, it does
// not wait for the disk.
func (b *Batch) Write() error {
	if err := b.b.Commit(pebble.NoSync); err != nil {
		return fmt.Errorf("kv: write: %w", err)
	}
	return b.b.Close()
}

// Discard drops an uncommitted batch.
func (b *Batch) Discard() { _ = b.b.Close() }

// quiet keeps Pebble's informational lines out of maillaged's log.
type quiet struct{}

func (quiet) Infof(string, ...any)  {}
func (quiet) Errorf(string, ...any) {}
func (quiet) Fatalf(format string, args ...any) {
	panic(fmt.Sprintf("pebble: "+format, args...))
}
