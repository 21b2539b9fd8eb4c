package app_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/maillage/maillage/internal/natsembed"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// BenchmarkCommand measures a command end to end (TLS, token, validation,
// load, decide, append, answer) beside what it is made of, measured in the
// same run on the same server: a no-op gRPC call (health check, same TLS
// connection) and a raw JetStream publish with a per-subject expected
// sequence. The target: command ≤ 2 × (no-op + raw append).
func BenchmarkCommand(b *testing.B) {
	for _, sync := range []natsembed.SyncPolicy{natsembed.SyncInterval, natsembed.SyncAlways} {
		b.Run("sync="+string(sync), func(b *testing.B) {
			m := startBench(b, sync)
			cc := m.client(b, coordinatrice)
			api := parcoursv1.NewParcoursServiceClient(cc)
			people := enrolPeople(b, api, 500)
			health := healthpb.NewHealthClient(cc)
			js, err := jetstream.New(m.app.NATS())
			if err != nil {
				b.Fatal(err)
			}
			b.Run("noop-grpc", func(b *testing.B) {
				measure(b, func(int) error {
					_, err := health.Check(context.Background(), &healthpb.HealthCheckRequest{})
					return err
				})
			})
			seqs := make([]atomic.Uint64, len(people)) // kept across the benchmark's reruns
			b.Run("raw-append", func(b *testing.B) {
				measure(b, func(i int) error {
					p := i % len(people)
					msg := nats.NewMsg("events.rawbench." + people[p])
					msg.Data = make([]byte, 120)
					msg.Header.Set("Nats-Expected-Last-Subject-Sequence", strconv.FormatUint(seqs[p].Load(), 10))
					ack, err := js.PublishMsg(context.Background(), msg)
					if err == nil {
						seqs[p].Store(ack.Sequence)
					}
					return err
				})
			})
			b.Run("command", func(b *testing.B) {
				date := time.Now().AddDate(0, 3, 0).Format("2006-01-02")
				var n atomic.Int64
				measure(b, func(i int) error {
					_, err := api.AnticipateTransition(context.Background(), &parcoursv1.AnticipateTransitionRequest{
						RequestId: fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), n.Add(1)), PersonId: people[i%len(people)],
						Kind: eventsv1.TransitionKind_TRANSITION_KIND_RETOUR_DOMICILE, FromSetting: "MAS Les Pins", ToSetting: "domicile",
						PlannedDate: date,
					})
					return err
				})
			})
		})
	}
}

// measure runs op b.N times from one caller (so that the engine's latency
// is what is compared, not its concurrency) and reports p50 and p99.
func measure(b *testing.B, op func(i int) error) {
	b.Helper()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		t0 := time.Now()
		if err := op(i); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

func startBench(b *testing.B, sync natsembed.SyncPolicy) *running {
	b.Helper()
	m := startWith(b, b.TempDir(), time.Now, sync)
	waitServing(b, m.client(b, coordinatrice), parcoursv1.ParcoursService_ServiceDesc.ServiceName)
	return m
}

func enrolPeople(b *testing.B, api parcoursv1.ParcoursServiceClient, n int) []string {
	b.Helper()
	ids := make([]string, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := api.EnrollPerson(context.Background(), &parcoursv1.EnrollPersonRequest{
				RequestId: fmt.Sprintf("bench-enrol-%d", i), BirthDate: "1990-01-01", Domicile: &parcoursv1.Domicile{CommuneInsee: "33063"},
				PublicConcerned: eventsv1.PublicConcerned_PUBLIC_CONCERNED_DISABILITY, LegalProtection: eventsv1.LegalProtection_LEGAL_PROTECTION_NONE,
			})
			if err != nil {
				errs <- err
				return
			}
			ids[i] = resp.GetPersonId()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	return ids
}
