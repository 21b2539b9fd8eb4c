package app_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/natsembed"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	notificationsv1 "github.com/maillage/maillage/proto/maillage/notifications/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// fanOutPartners take part in every benchmark file for a mission that sees
// its project: each risk is told to them and to the coordination.
var fanOutPartners = []string{"350000101", "350000102", "350000103"}

// BenchmarkNotificationFanOut measures, on the default server
// (sync=always), how long after a risk is raised (the RaiseRuptureRisk
// call returns) the four organisations of the file's coordination have
// received it on their subscriptions (gRPC, TLS; routed, appended to four
// inboxes, projected, presented and audited): to the first and to the
// last. Beside it, in the same run, the engine underneath: a JetStream
// publish received by an ordered consumer.
func BenchmarkNotificationFanOut(b *testing.B) {
	m := startBench(b, natsembed.SyncAlways)
	cc := m.client(b, coordinatrice)
	api := parcoursv1.NewParcoursServiceClient(cc)
	people := enrolPeople(b, api, 50)
	for _, p := range people {
		for _, org := range fanOutPartners {
			_, err := api.AssociatePartner(context.Background(), &parcoursv1.AssociatePartnerRequest{RequestId: "bench-" + p + "-" + org, PersonId: p,
				OrganisationId: org, DisplayName: "SAVS " + org, Mission: eventsv1.PartnerMission_PARTNER_MISSION_VIE_SOCIALE})
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	subs := []*benchSubscriber{newBenchSubscriber(b, m, coordinatrice)}
	for _, org := range fanOutPartners {
		subs = append(subs, newBenchSubscriber(b, m, auth.Principal{Subject: "bench", Organisation: org, Role: auth.RoleProfessionnel}))
	}
	b.Run("raise-to-subscribers", func(b *testing.B) {
		first, last := make([]time.Duration, 0, b.N), make([]time.Duration, 0, b.N)
		for i := range b.N {
			start := time.Now()
			res, err := api.RaiseRuptureRisk(context.Background(), &parcoursv1.RaiseRuptureRiskRequest{RequestId: fmt.Sprintf("bench-risk-%d-%d", start.UnixNano(), i),
				PersonId: people[i%len(people)], Kind: eventsv1.RuptureKind_RUPTURE_KIND_OTHER, Description: "risque", RaisedOn: time.Now().Format(time.DateOnly)})
			if err != nil {
				b.Fatal(err)
			}
			var at []time.Time
			for _, s := range subs {
				at = append(at, s.waitFor(b, res.GetRiskId()))
			}
			slices.SortFunc(at, func(x, y time.Time) int { return x.Compare(y) })
			first, last = append(first, at[0].Sub(start)), append(last, at[len(at)-1].Sub(start))
		}
		reportPercentiles(b, "first", first)
		reportPercentiles(b, "all-4", last)
	})
	b.Run("raw-jetstream-publish-to-consumer", func(b *testing.B) {
		js, err := jetstream.New(m.app.NATS())
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		cons, err := js.OrderedConsumer(ctx, "EVENTS", jetstream.OrderedConsumerConfig{FilterSubjects: []string{"events.rawfanout.>"},
			DeliverPolicy: jetstream.DeliverNewPolicy})
		if err != nil {
			b.Fatal(err)
		}
		got := make(chan time.Time, 1)
		cc, err := cons.Consume(func(msg jetstream.Msg) { got <- time.Now() })
		if err != nil {
			b.Fatal(err)
		}
		defer cc.Stop()
		lat := make([]time.Duration, 0, b.N)
		for range b.N {
			msg := nats.NewMsg("events.rawfanout.x")
			msg.Data = make([]byte, 200)
			start := time.Now()
			if _, err := js.PublishMsg(ctx, msg); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, (<-got).Sub(start))
		}
		reportPercentiles(b, "", lat)
	})
}

// benchSubscriber follows one organisation's notifications.
type benchSubscriber struct {
	mu   sync.Mutex
	seen map[string]time.Time // subject (risk id) → received
	wake chan struct{}
}

func newBenchSubscriber(b *testing.B, m *running, p auth.Principal) *benchSubscriber {
	ctx, cancel := context.WithCancel(context.Background())
	b.Cleanup(cancel)
	stream, err := notificationsv1.NewNotificationsServiceClient(m.client(b, p)).Subscribe(ctx, &notificationsv1.SubscribeRequest{})
	if err != nil {
		b.Fatal(err)
	}
	s := &benchSubscriber{seen: map[string]time.Time{}, wake: make(chan struct{}, 1)}
	go func() {
		for {
			r, err := stream.Recv()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.seen[r.GetNotification().GetSubjectId()] = time.Now()
			s.mu.Unlock()
			select {
			case s.wake <- struct{}{}:
			default:
			}
		}
	}()
	return s
}

func (s *benchSubscriber) waitFor(b *testing.B, subject string) time.Time {
	deadline := time.After(10 * time.Second)
	for {
		s.mu.Lock()
		at, ok := s.seen[subject]
		s.mu.Unlock()
		if ok {
			return at
		}
		select {
		case <-s.wake:
		case <-deadline:
			b.Fatalf("notification of %s not received within 10 s", subject)
		}
	}
}

func reportPercentiles(b *testing.B, prefix string, lat []time.Duration) {
	slices.Sort(lat)
	if prefix != "" {
		prefix += "-"
	}
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), prefix+"p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), prefix+"p99-µs")
}
