package parcours_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/maillage/maillage/internal/audit"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/es/natsjs"
	"github.com/maillage/maillage/internal/kit"
	"github.com/maillage/maillage/internal/natsembed"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
	"github.com/maillage/maillage/services/parcours"
)

// trustBed is a parcours service on a real embedded JetStream store, with
// people enrolled and coordinated by one professional, twice: with the
// audit writer and without it.
type trustBed struct {
	store           es.Store
	audited, silent *parcours.Service
	people          []string
	ctx             context.Context // as the coordinator
}

func newTrustBed(b *testing.B, sync natsembed.SyncPolicy, people int) *trustBed {
	b.Helper()
	ns, err := natsembed.Start(natsembed.Config{StoreDir: b.TempDir(), Sync: sync, NoListen: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(ns.Shutdown)
	nc, err := nats.Connect("", nats.InProcessServer(ns))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(nc.Close)
	store, err := natsjs.Open(context.Background(), natsjs.Config{Conn: nc})
	if err != nil {
		b.Fatal(err)
	}
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	w, err := audit.NewWriter(audit.Config{Store: store, Key: key, Atomic: sync == natsembed.SyncAlways})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = w.Run(ctx) }()
	b.Cleanup(func() { cancel(); <-done })
	secret := []byte("bench-secret-of-the-deployment")
	withAudit, _ := kit.New(kit.Config{Audit: w, Secret: secret})
	noAudit, _ := kit.New(kit.Config{Secret: secret})
	bed := &trustBed{store: store, ctx: auth.WithPrincipal(context.Background(),
		auth.Principal{Subject: "prof-1", Organisation: "750000001", Role: auth.RoleCoordinateur, TokenID: "t"})}
	for _, k := range []*kit.Kit{withAudit, noAudit} {
		svc, err := parcours.New(parcours.Config{Store: store, Kit: k})
		if err != nil {
			b.Fatal(err)
		}
		go func() { _ = svc.Run(ctx) }()
		if k == withAudit {
			bed.audited = svc
		} else {
			bed.silent = svc
		}
	}
	var last string
	for i := range people {
		res, err := bed.audited.EnrollPerson(bed.ctx, &parcoursv1.EnrollPersonRequest{RequestId: fmt.Sprintf("e-%d", i), BirthDate: "1990-01-01",
			Domicile: &parcoursv1.Domicile{CommuneInsee: "33063"}, PublicConcerned: 1, LegalProtection: 1})
		if err != nil {
			b.Fatal(err)
		}
		bed.people = append(bed.people, res.GetPersonId())
		a, err := bed.audited.AssignCoordinator(bed.ctx, &parcoursv1.AssignCoordinatorRequest{RequestId: fmt.Sprintf("c-%d", i), PersonId: res.GetPersonId(),
			ProfessionalId: "prof-1", OrganisationId: "750000001", DisplayName: "Claire"})
		if err != nil {
			b.Fatal(err)
		}
		last = a.GetPosition()
	}
	for _, svc := range []*parcours.Service{bed.audited, bed.silent} {
		if _, err := svc.GetCoordinatedView(bed.ctx, &parcoursv1.GetCoordinatedViewRequest{PersonId: bed.people[0], MinPosition: last}); err != nil {
			b.Fatal(err)
		}
	}
	return bed
}

// BenchmarkTrust measures what access rules and audit add to a read and
// to a command, beside the same work without them, in the same run on the
// same store:
//
//	read/bare             the view copied and presented (what a read did before)
//	read/access           GetCoordinatedView: the grant, the redaction, no audit
//	read/access+audit     GetCoordinatedView with its disclosure stored first
//	read-parallel/…       the same, 32 callers at once (group commit at work)
//	command/bare          a command through the handler, no access rules, no port
//	command/checked       the same command through the service's port (kit:
//	                      scoped request id, fingerprint, caller) and its rules
func BenchmarkTrust(b *testing.B) {
	for _, sync := range []natsembed.SyncPolicy{natsembed.SyncInterval, natsembed.SyncAlways} {
		b.Run("sync="+string(sync), func(b *testing.B) {
			bed := newTrustBed(b, sync, 200)
			now := time.Now()
			read := func(svc *parcours.Service) func(int) error {
				return func(i int) error {
					_, err := svc.GetCoordinatedView(bed.ctx, &parcoursv1.GetCoordinatedViewRequest{PersonId: bed.people[i%len(bed.people)]})
					return err
				}
			}
			bare := func(i int) error {
				if _, ok := bed.silent.Views().Read(bed.people[i%len(bed.people)], now); !ok {
					return fmt.Errorf("no view")
				}
				return nil
			}
			b.Run("read/bare", func(b *testing.B) { measureOps(b, bare) })
			b.Run("read/access", func(b *testing.B) { measureOps(b, read(bed.silent)) })
			b.Run("read/access+audit", func(b *testing.B) { measureOps(b, read(bed.audited)) })
			b.Run("read-parallel/bare", func(b *testing.B) { measureParallel(b, bare) })
			b.Run("read-parallel/access+audit", func(b *testing.B) { measureParallel(b, read(bed.audited)) })

			handler, err := decider.NewHandler(decider.HandlerConfig[*parcours.PersonState, parcours.Command]{
				Store: bed.store, Codec: decider.NewCodec(nil), Decider: parcours.UncheckedPerson, Category: parcours.Category})
			if err != nil {
				b.Fatal(err)
			}
			date := time.Now().AddDate(0, 3, 0).Format(time.DateOnly)
			var n atomic.Int64
			var last es.Position
			b.Run("command/bare", func(b *testing.B) {
				measureOps(b, func(i int) error {
					// The first half of the people: the other handler's
					// snapshots of the second half stay fresh.
					p := bed.people[i%(len(bed.people)/2)]
					res, err := handler.Handle(context.Background(), p, parcours.AnticipateTransition{PersonID: p,
						Kind: eventsv1.TransitionKind_TRANSITION_KIND_RETOUR_DOMICILE, FromSetting: "MAS", ToSetting: "domicile", PlannedDate: date},
						decider.Options{Metadata: es.Metadata{Actor: "prof-1", Organisation: "750000001", RequestID: fmt.Sprintf("b-%d", n.Add(1))}})
					last = res.Position
					return err
				})
			})
			// The views take in what the bare commands wrote before the
			// checked ones are timed.
			bed.caughtUp(b, last)
			b.Run("command/checked", func(b *testing.B) {
				measureOps(b, func(i int) error {
					_, err := bed.audited.AnticipateTransition(bed.ctx, &parcoursv1.AnticipateTransitionRequest{RequestId: fmt.Sprintf("k-%d", n.Add(1)),
						PersonId: bed.people[len(bed.people)/2+i%(len(bed.people)/2)], Kind: eventsv1.TransitionKind_TRANSITION_KIND_RETOUR_DOMICILE,
						FromSetting: "MAS", ToSetting: "domicile", PlannedDate: date})
					return err
				})
			})
		})
	}
}

func (bed *trustBed) caughtUp(b *testing.B, p es.Position) {
	b.Helper()
	for _, svc := range []*parcours.Service{bed.audited, bed.silent} {
		if _, err := svc.GetCoordinatedView(bed.ctx, &parcoursv1.GetCoordinatedViewRequest{PersonId: bed.people[0], MinPosition: p.String()}); err != nil {
			b.Fatal(err)
		}
	}
}

func measureOps(b *testing.B, op func(int) error) {
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
	reportLatency(b, lat)
}

// measureParallel runs op from 32 callers; ns/op is the wall time per
// operation at that concurrency (the throughput's inverse).
func measureParallel(b *testing.B, op func(int) error) {
	b.Helper()
	var n atomic.Int64
	b.SetParallelism(16) // × GOMAXPROCS (2 here): 32 callers
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := op(int(n.Add(1))); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
