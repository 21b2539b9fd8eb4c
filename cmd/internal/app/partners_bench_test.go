package app_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/maillage/maillage/internal/natsembed"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
	"github.com/maillage/maillage/services/partners/finess"
)

// BenchmarkPartners imports a synthetic FINESS extract into the directory
// over gRPC, as maillagectl import-finess does, then searches it by
// prestation and distance from random points of metropolitan France, for
// a département's worth of partners and for a région's ×10:
//
//   - import: the extract's lines per second, and the whole import in
//     seconds (target: a real extract, ~100,000 lines, in under a minute);
//   - indexed: until the directory (and its search index) includes the
//     last chunk;
//   - search: SearchPartners p50/p99 over gRPC (targets p99 < 5 ms over
//     10,000 partners, < 20 ms over 100,000).
func BenchmarkPartners(b *testing.B) {
	for _, partners := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("partners=%d", partners), func(b *testing.B) {
			m := startWith(b, b.TempDir(), time.Now, natsembed.SyncAlways)
			cc := m.client(b, coordinatrice)
			waitServing(b, cc, partnersv1.PartnersService_ServiceDesc.ServiceName)
			api := partnersv1.NewPartnersServiceClient(cc)
			extract := finess.SyntheticExtract(2*partners+1, uint64(partners))
			lines := bytes.Count(extract, []byte{'\n'})
			var last, someone string
			b.Run("import", func(b *testing.B) {
				start := time.Now()
				stock, err := finess.ReadAll(bytes.NewReader(extract))
				if err != nil || len(stock.Establishments) != partners {
					b.Fatalf("reading the extract: %v, %d établissements", err, len(stock.Establishments))
				}
				last, someone = importAll(b, api, stock), stock.Establishments[0].FINESS.String()
				took := time.Since(start)
				b.ReportMetric(float64(lines)/took.Seconds(), "lines/s")
				b.ReportMetric(took.Seconds(), "s")
			})
			b.Run("indexed", func(b *testing.B) {
				start := time.Now()
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
				defer cancel()
				for {
					// min_position waits 2 s at most: ask again while the
					// directory is behind.
					_, err := api.GetPartner(ctx, &partnersv1.GetPartnerRequest{OrganisationId: someone, MinPosition: last})
					if status.Code(err) != codes.Unavailable {
						if err != nil {
							b.Fatal(err)
						}
						break
					}
				}
				b.ReportMetric(time.Since(start).Seconds(), "s")
			})
			b.Run("search", func(b *testing.B) { searchAtRandom(b, api, last) })
		})
	}
}

// importAll streams the stock in chunks of 500 and returns the position
// of the last.
func importAll(b *testing.B, api partnersv1.PartnersServiceClient, stock *finess.Stock) string {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	stream, err := api.ImportPartners(ctx)
	if err != nil {
		b.Fatal(err)
	}
	go func() {
		for i := 0; i < len(stock.Establishments); i += 500 {
			req := &partnersv1.ImportPartnersRequest{RequestId: fmt.Sprintf("bench-%d", i)}
			for _, e := range stock.Establishments[i:min(i+500, len(stock.Establishments))] {
				req.Partners = append(req.Partners, finess.Imported(e))
			}
			if err := stream.Send(req); err != nil {
				return
			}
		}
		stream.CloseSend()
	}()
	done, last := 0, ""
	for done < len(stock.Establishments) {
		res, err := stream.Recv()
		if err != nil {
			b.Fatal(err)
		}
		if len(res.GetRejected()) > 0 {
			b.Fatalf("rejected: %v", res.GetRejected()[0])
		}
		done += int(res.GetRegistered() + res.GetUpdated() + res.GetUnchanged())
		last = res.GetPosition()
	}
	return last
}

// searchAtRandom searches near random points for a random prestation,
// within 30 km, and reports the latency and how many partners a search
// found.
func searchAtRandom(b *testing.B, api partnersv1.PartnersServiceClient, minPosition string) {
	r := rand.New(rand.NewPCG(5, 6))
	codes := []string{"2.1", "2.2.1", "2.3.4", "2.3", ""}
	ctx := context.Background()
	n := max(b.N, 2000)
	lat := make([]time.Duration, 0, n)
	found := 0
	b.ResetTimer()
	for i := range n {
		req := &partnersv1.SearchPartnersRequest{PrestationCode: codes[r.IntN(len(codes))], RadiusKm: 30,
			Near: &eventsv1.GeoPoint{Latitude: 43.5 + r.Float64()*6, Longitude: -1 + r.Float64()*7}}
		if i == 0 {
			req.MinPosition = minPosition
		}
		t0 := time.Now()
		res, err := api.SearchPartners(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
		found += int(res.GetTotal())
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(found)/float64(n), "found/op")
}
