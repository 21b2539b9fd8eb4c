package parcours_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/es/natsjs"
	"github.com/maillage/maillage/internal/natsembed"
	"github.com/maillage/maillage/internal/projection"
	"github.com/maillage/maillage/internal/serafin"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
	"github.com/maillage/maillage/services/parcours"
)

// A département's worth of coordination files: 20,000 people with about 50
// events each (MAILLAGE_BENCH_PEOPLE changes the count). Built once per
// benchmark binary, through the event store as maillaged writes them.
type department struct {
	nc     *nats.Conn
	store  es.Store
	people []string
	events int
	views  *parcours.Views // caught up with every event
	// viewsDir holds views on disk.
	viewsDir string
}

var (
	deptOnce sync.Once
	dept     *department
	deptErr  error
)

func loadDepartment(b *testing.B) *department {
	b.Helper()
	deptOnce.Do(func() { dept, deptErr = buildDepartment() })
	if deptErr != nil {
		b.Fatal(deptErr)
	}
	return dept
}

func buildDepartment() (*department, error) {
	people := 20_000
	if n, err := strconv.Atoi(os.Getenv("MAILLAGE_BENCH_PEOPLE")); err == nil && n > 0 {
		people = n
	}
	// Kept between runs (the same people give the same files): writing a
	// million events takes about a minute, reading them is what is measured.
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("maillage-bench-department-v2-%d", people))
	complete := filepath.Join(dir, "complete")
	if _, err := os.Stat(complete); err != nil {
		os.RemoveAll(dir)
	}
	ns, err := natsembed.Start(natsembed.Config{StoreDir: dir, Sync: natsembed.SyncInterval, NoListen: true})
	if err != nil {
		return nil, err
	}
	nc, err := nats.Connect("", nats.InProcessServer(ns))
	if err != nil {
		return nil, err
	}
	store, err := natsjs.Open(context.Background(), natsjs.Config{Conn: nc})
	if err != nil {
		return nil, err
	}
	d := &department{nc: nc, store: store}
	if _, err := os.Stat(complete); err == nil {
		for p := range people {
			d.people = append(d.people, benchPersonID(p))
		}
		head, err := store.Head(context.Background(), es.Filter{Categories: []string{parcours.Category}})
		if err != nil {
			return nil, err
		}
		d.events = int(head.Commit)
		fmt.Fprintf(os.Stderr, "department: %d people, %d events, reopened from %s\n", len(d.people), d.events, dir)
	} else if err := d.write(people); err != nil {
		return nil, err
	} else if err := os.WriteFile(complete, nil, 0o600); err != nil {
		return nil, err
	}
	// The views on disk, rebuilt at each run of the benchmarks.
	viewsDir := filepath.Join(os.TempDir(), fmt.Sprintf("maillage-bench-views-%d", people))
	os.RemoveAll(viewsDir)
	if d.views, err = parcours.OpenViews(viewsDir, decider.NewCodec(nil), 0); err != nil {
		return nil, err
	}
	d.viewsDir = viewsDir
	if _, err := rebuild(store, d.views); err != nil {
		return nil, err
	}
	return d, nil
}

func benchPersonID(p int) string { return fmt.Sprintf("01JDBENCH%017d", p) }

func (d *department) write(people int) error {
	store := d.store
	start := time.Now()
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := w; p < people; p += 8 {
				id := benchPersonID(p)
				n, err := writeFile(store, id, p)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				d.people = append(d.people, id)
				d.events += n
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "department: %d people, %d events written in %s\n", len(d.people), d.events, time.Since(start).Round(time.Second))
	return nil
}

// writeFile appends one person's coordination file, about 50 events over
// every area: roles, entourage, projet de vie, rights, needs, the plan
// (objectives, actions, validation, reviews, evaluations), transitions,
// risks and ruptures.
func writeFile(store es.Store, id string, seed int) (int, error) {
	r := rand.New(rand.NewPCG(uint64(seed), 7))
	n := 0
	newID := func() string { n++; return fmt.Sprintf("01JD%012d%010d", seed, n) }
	day := func(offset int) string { return time.Now().AddDate(0, 0, offset).Format("2006-01-02") }
	code := func(c string) *eventsv1.SerafinCode {
		return &eventsv1.SerafinCode{System: serafin.System, Version: serafin.Version, Code: c}
	}
	evs := []proto.Message{
		&eventsv1.PersonEnrolled{PersonId: id, BirthDate: "1980-01-01", Domicile: &eventsv1.Domicile{CommuneInsee: "35238"},
			PublicConcerned: eventsv1.PublicConcerned_PUBLIC_CONCERNED_DISABILITY, LegalProtection: eventsv1.LegalProtection_LEGAL_PROTECTION_CURATELLE},
		&eventsv1.CoordinatorAssigned{ProfessionalId: fmt.Sprintf("prof-%d", seed%150), OrganisationId: "750000001", DisplayName: "Coordinatrice"},
		&eventsv1.ReferentAssigned{ProfessionalId: fmt.Sprintf("ref-%d", seed%400), OrganisationId: "350000014", DisplayName: "Référent"},
		&eventsv1.CoordinationLevelSet{Level: eventsv1.CoordinationLevel_COORDINATION_LEVEL_RENFORCEE, Reason: "situation complexe"},
	}
	var members []string
	for i := range 3 {
		m := newID()
		members = append(members, m)
		evs = append(evs, &eventsv1.EntourageMemberAdded{MemberId: m, DisplayName: fmt.Sprintf("Proche %d", i), Relationship: "sœur",
			Quadrant: eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_FAMILY, Circle: eventsv1.SluzkiCircle_SLUZKI_CIRCLE_INTIMATE,
			Roles: []eventsv1.EntourageRole{eventsv1.EntourageRole_ENTOURAGE_ROLE_CAREGIVER}})
	}
	evs = append(evs,
		&eventsv1.LifeProjectExpressed{Text: "Vivre dans mon appartement et travailler en ESAT.", ExpressedBy: eventsv1.LifeProjectAuthor_LIFE_PROJECT_AUTHOR_PERSON},
		&eventsv1.RightsNotified{RightId: newID(), Decision: eventsv1.MdphDecision_MDPH_DECISION_AAH, StartDate: day(-400), EndDate: day(r.IntN(900))},
		&eventsv1.RightsNotified{RightId: newID(), Decision: eventsv1.MdphDecision_MDPH_DECISION_ORIENTATION_ESMS, Detail: "orientation SAMSAH", StartDate: day(-300), EndDate: day(60 + r.IntN(900))},
	)
	var needs, objectives, actions []string
	for _, c := range []string{"1.2.1.3", "1.3.2.1", "1.1.1", "1.3.3.2"} {
		nd := newID()
		needs = append(needs, nd)
		evs = append(evs, &eventsv1.NeedIdentified{NeedId: nd, Code: code(c), Description: "besoin évalué avec la personne"})
	}
	for i := range 4 {
		o := newID()
		objectives = append(objectives, o)
		evs = append(evs, &eventsv1.ObjectiveSet{ObjectiveId: o, NeedIds: []string{needs[i]}, Statement: "Objectif concret",
			Indicator: "mesurable", DueDate: day(30 + r.IntN(200))})
	}
	for i := range 10 {
		a := newID()
		actions = append(actions, a)
		evs = append(evs, &eventsv1.ActionPlanned{ActionId: a, ObjectiveId: objectives[i%4], Description: "Action du plan",
			Responsible: &eventsv1.Responsible{Who: &eventsv1.Responsible_EntourageMemberId{EntourageMemberId: members[i%3]}, DisplayName: "Proche"},
			DueDate:     day(r.IntN(120) - 30), Prestation: code("2.1.1.1")})
	}
	review := newID()
	evs = append(evs,
		&eventsv1.PlanValidated{PlanRevision: 1, ValidatedBy: eventsv1.PlanValidator_PLAN_VALIDATOR_PERSON, ValidatedOn: day(-20)},
		&eventsv1.PlanReviewScheduled{ReviewId: review, ScheduledOn: day(r.IntN(60) - 10)},
	)
	for _, a := range actions[:5] {
		evs = append(evs, &eventsv1.ActionCompleted{ActionId: a, CompletedOn: day(-5)})
	}
	for i, o := range objectives[:3] {
		evs = append(evs, &eventsv1.ObjectiveEvaluated{ObjectiveId: o, Outcome: eventsv1.ObjectiveOutcome(2 + i%3), EvaluatedOn: day(-2),
			PersonWords: "Ça avance.", ReviewId: review})
	}
	t1, t2 := newID(), newID()
	risk, rupture := newID(), newID()
	evs = append(evs,
		&eventsv1.TransitionAnticipated{TransitionId: t1, Kind: eventsv1.TransitionKind_TRANSITION_KIND_RETOUR_DOMICILE, FromSetting: "MAS", ToSetting: "domicile", PlannedDate: day(40)},
		&eventsv1.TransitionRescheduled{TransitionId: t1, PlannedDate: day(70), Reason: "logement pas prêt"},
		&eventsv1.TransitionAnticipated{TransitionId: t2, Kind: eventsv1.TransitionKind_TRANSITION_KIND_EMPLOI, FromSetting: "SAMSAH", ToSetting: "ESAT", PlannedDate: day(r.IntN(90))},
		&eventsv1.TransitionCompleted{TransitionId: t2, CompletedOn: day(0)},
		&eventsv1.RuptureRiskRaised{RiskId: risk, Kind: eventsv1.RuptureKind_RUPTURE_KIND_TRANSITION_UNSECURED, Description: "pas d'engagement", RaisedOn: day(-3), TransitionId: t1},
		&eventsv1.RuptureResolved{RuptureId: risk, ResolvedOn: day(-1), Resolution: "engagement signé"},
		&eventsv1.RuptureDetected{RuptureId: rupture, Kind: eventsv1.RuptureKind_RUPTURE_KIND_LOSS_OF_SUPPORT, Description: "fin du SAVS", DetectedOn: day(-4)},
		&eventsv1.EntourageMemberUpdated{MemberId: members[0], DisplayName: "Proche 0", Relationship: "sœur",
			Quadrant: eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_FAMILY, Circle: eventsv1.SluzkiCircle_SLUZKI_CIRCLE_INTIMATE,
			Roles: []eventsv1.EntourageRole{eventsv1.EntourageRole_ENTOURAGE_ROLE_CAREGIVER, eventsv1.EntourageRole_ENTOURAGE_ROLE_TRUSTED_PERSON}},
		&eventsv1.NeedClosed{NeedId: needs[3], Reason: eventsv1.NeedClosureReason_NEED_CLOSURE_REASON_MET},
		&eventsv1.PlanReviewScheduled{ReviewId: newID(), ScheduledOn: day(90)},
	)
	if r.IntN(2) == 0 {
		evs = append(evs, &eventsv1.RuptureResolved{RuptureId: rupture, ResolvedOn: day(0), Resolution: "relais par un SAMSAH"})
	}
	for v, ev := range evs {
		data, err := decider.Encode(ev)
		if err != nil {
			return 0, err
		}
		if _, err := store.Append(context.Background(), parcours.StreamOf(id), es.Exactly(es.Version(v)),
			es.AppendRequest{Events: []es.EventData{data}, Metadata: es.Metadata{OccurredAt: time.Now()}}); err != nil {
			return 0, err
		}
	}
	return len(evs), nil
}

// rebuild runs a fresh projection from the start of the store until it has
// applied every event, and returns how long that took.
func rebuild(store es.Store, views *parcours.Views) (time.Duration, error) {
	runner, err := projection.NewRunner(projection.Config{Store: store, Durable: views, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- runner.Run(ctx) }()
	select {
	case <-runner.Ready():
	case err := <-done:
		return 0, fmt.Errorf("projection stopped: %v", err)
	}
	took := time.Since(start)
	cancel()
	<-done
	return took, nil
}

// BenchmarkViewRead reads one person's coordinated view from the caught-up
// projection with what depends on today worked out (the work
// GetCoordinatedView does, without the network): the target is p99 < 1 ms.
func BenchmarkViewRead(b *testing.B) {
	d := loadDepartment(b)
	lat := make([]time.Duration, 0, b.N)
	r := rand.New(rand.NewPCG(1, 2))
	now := time.Now()
	b.ResetTimer()
	for range b.N {
		id := d.people[r.IntN(len(d.people))]
		t0 := time.Now()
		if _, ok := d.views.Read(id, now); !ok {
			b.Fatalf("no view of %s", id)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	reportLatency(b, lat)
	// What the views of the whole département hold in memory (target:
	// maillaged's resident memory < 1 GiB).
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")
}

// BenchmarkRebuild replays every event into a fresh coordinated-view
// projection, beside a raw JetStream ordered consumer reading the same
// stream to its end, in the same run. One op is a full replay.
func BenchmarkRebuild(b *testing.B) {
	d := loadDepartment(b)
	b.Run("raw-jetstream-read", func(b *testing.B) {
		for range b.N {
			n, took, err := rawRead(d.nc)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(n)/took.Seconds(), "events/s")
		}
	})
	b.Run("projection", func(b *testing.B) {
		for range b.N {
			dir := b.TempDir()
			views, err := parcours.OpenViews(dir, decider.NewCodec(nil), 0)
			if err != nil {
				b.Fatal(err)
			}
			took, err := rebuild(d.store, views)
			views.Close()
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(d.events)/took.Seconds(), "events/s")
			b.ReportMetric(float64(d.events), "events")
		}
	})
}

func rawRead(nc *nats.Conn) (int, time.Duration, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return 0, 0, err
	}
	ctx := context.Background()
	st, err := js.Stream(ctx, "EVENTS")
	if err != nil {
		return 0, 0, err
	}
	last := st.CachedInfo().State.LastSeq
	start := time.Now()
	// The engine's fastest full read: unfiltered, large pulls (a subject
	// filter makes the server match every message: 2 to 3 times slower).
	cons, err := js.OrderedConsumer(ctx, "EVENTS", jetstream.OrderedConsumerConfig{})
	if err != nil {
		return 0, 0, err
	}
	it, err := cons.Messages(jetstream.PullMaxBytes(8 << 20))
	if err != nil {
		return 0, 0, err
	}
	defer it.Stop()
	n := 0
	for {
		m, err := it.Next()
		if err != nil {
			return n, 0, err
		}
		n++
		md, _ := m.Metadata()
		if md.Sequence.Stream >= last {
			return n, time.Since(start), nil
		}
	}
}

func reportLatency(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
}

// BenchmarkCaseload lists one coordinator's whole caseload (file active)
// from the caught-up projection, the work ListCaseload does without the
// network: the département generator gives each of its 150 coordinators
// about 133 people. "one-page" asks for them in one page of 500;
// "pages-of-50" reads every page of the default size. One op is the whole
// list; the target is p99 < 10 ms.
func BenchmarkCaseload(b *testing.B) {
	d := loadDepartment(b)
	now := time.Now()
	for _, bc := range []struct {
		name string
		req  *parcoursv1.ListCaseloadRequest
	}{
		{"one-page", &parcoursv1.ListCaseloadRequest{PageSize: 500}},
		{"pages-of-50", &parcoursv1.ListCaseloadRequest{}},
		{"filtered-open-ruptures", &parcoursv1.ListCaseloadRequest{PageSize: 500, OnlyOpenRuptures: true, TransitionsWithinDays: 730}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			listed := 0
			b.ResetTimer()
			for i := range b.N {
				coordinator := fmt.Sprintf("prof-%d", i%150)
				req := proto.CloneOf(bc.req)
				t0 := time.Now()
				n := 0
				for {
					reader := access.Caller{Subject: coordinator, Organisation: "750000001", Role: auth.RoleCoordinateur}
					res, _, err := d.views.ListCaseload(req, "750000001/"+coordinator, reader, now)
					if err != nil {
						b.Fatal(err)
					}
					n += len(res.GetEntries())
					if res.GetNextPageToken() == "" {
						break
					}
					req.PageToken = res.GetNextPageToken()
				}
				lat = append(lat, time.Since(t0))
				listed += n
			}
			b.StopTimer()
			b.ReportMetric(float64(listed)/float64(b.N), "people/op")
			reportLatency(b, lat)
		})
	}
}

// BenchmarkRestore reopens the views on disk, as a restart does before it
// catches up the events written since (target: restart to serving < 5 s):
// open the store, read the position it covers, read one view. The store's
// size on disk is reported in MB.
func BenchmarkRestore(b *testing.B) {
	d := loadDepartment(b)
	if err := d.views.Close(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		v, err := parcours.OpenViews(d.viewsDir, decider.NewCodec(nil), 0)
		if err != nil {
			b.Fatal(err)
		}
		if p, err := v.Position(); err != nil || p.IsZero() || v.Len() != len(d.people) {
			b.Fatalf("reopened at %v (%v) with %d views, want %d", p, err, v.Len(), len(d.people))
		}
		if _, ok := v.Get(d.people[0]); !ok {
			b.Fatal("no view after reopening")
		}
		if err := v.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var size int64
	_ = filepath.Walk(d.viewsDir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			size += fi.Size()
		}
		return nil
	})
	b.ReportMetric(float64(size)/1e6, "MB")
	var err error
	if d.views, err = parcours.OpenViews(d.viewsDir, decider.NewCodec(nil), 0); err != nil {
		b.Fatal(err)
	}
}
