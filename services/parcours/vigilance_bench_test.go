package parcours_test

import (
	"context"
	"testing"
	"time"

	"github.com/maillage/maillage/internal/kit"
	"github.com/maillage/maillage/services/parcours"
)

// BenchmarkVigilance measures what the vigilance adds per event on the
// département's store, beside the engine underneath in the same run
// (BenchmarkVigilanceFold: run it 1x or 2x; BenchmarkVigilanceCheck: a
// few thousand x):
//   - raw-jetstream-read: every event read from JetStream (events/s);
//   - fold: the vigilance's projection over every event, from the start
//     (events/s; each file event marks its person due, each solicitation
//     event updates the person's support);
//   - check-cold / check-warm: one person due — the file read as stored
//     now and the rules applied (no finding written); cold on a file not
//     in the handler's cache, warm on one that is (the live case: the
//     command that marked it due has just loaded it) — beside raw-read,
//     the same file's events read from the store.
func BenchmarkVigilanceFold(b *testing.B) {
	d := loadDepartment(b)
	b.Run(sizeName(d), func(b *testing.B) {
		b.Run("raw-jetstream-read", func(b *testing.B) { benchRawRead(b, d) })
		b.Run("fold", func(b *testing.B) {
			for range b.N {
				v := parcours.NewVigilanceFold()
				took, err := rebuild(d.store, v)
				v.Close()
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(d.events)/took.Seconds(), "events/s")
				b.ReportMetric(float64(took.Nanoseconds())/float64(d.events), "ns/event")
			}
		})
	})
}

// BenchmarkVigilanceCheck: see BenchmarkVigilanceFold.
func BenchmarkVigilanceCheck(b *testing.B) {
	d := loadDepartment(b)
	b.Run(sizeName(d), func(b *testing.B) {
		k, err := kit.New(kit.Config{Secret: []byte("vigilance-bench-secret")})
		if err != nil {
			b.Fatal(err)
		}
		s, err := parcours.New(parcours.Config{Store: d.store, Kit: k})
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		people := d.people[:min(len(d.people), 2000)]
		check := func(b *testing.B, name string, warm bool) {
			b.Run(name, func(b *testing.B) {
				var lat []time.Duration
				for i := range b.N {
					p := people[i%len(people)]
					if warm {
						if _, err := parcours.EvaluateVigilance(ctx, s, p); err != nil {
							b.Fatal(err)
						}
					}
					start := time.Now()
					if _, err := parcours.EvaluateVigilance(ctx, s, p); err != nil {
						b.Fatal(err)
					}
					lat = append(lat, time.Since(start))
				}
				reportLatency(b, lat)
			})
		}
		check(b, "check-cold", false)
		check(b, "check-warm", true)
		b.Run("raw-read", func(b *testing.B) {
			var lat []time.Duration
			for i := range b.N {
				start := time.Now()
				if _, err := d.store.Read(ctx, "parcours-"+people[i%len(people)], 1); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			reportLatency(b, lat)
		})
	})
}
