package kv_test

import (
	"crypto/rand"
	"fmt"
	mrand "math/rand/v2"
	"testing"

	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/projection/kv"
)

// BenchmarkViewsWorkload is the load that chose Pebble (doc/DESIGN.md):
// 20,000 views of 2 KB, rewritten by events in batches of 2,000 events
// with the position, then point reads. One op is one event.
func BenchmarkViewsWorkload(b *testing.B) {
	db, err := kv.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	val := make([]byte, 2048)
	_, _ = rand.Read(val)
	key := func(p int) []byte { return []byte(fmt.Sprintf("v/01JDBENCH%017d", p)) }
	b.Run("write", func(b *testing.B) {
		batch := db.NewBatch()
		for i := range b.N {
			if err := batch.Set(key(mrand.IntN(20000)), val); err != nil {
				b.Fatal(err)
			}
			if (i+1)%2000 == 0 {
				if err := batch.Commit(es.PositionAt(uint64(i))); err != nil {
					b.Fatal(err)
				}
				batch = db.NewBatch()
			}
		}
		if err := batch.Commit(es.PositionAt(uint64(b.N))); err != nil {
			b.Fatal(err)
		}
	})
	b.Run("read", func(b *testing.B) {
		for range b.N {
			if _, _, err := db.Get(key(mrand.IntN(20000))); err != nil {
				b.Fatal(err)
			}
		}
	})
}
