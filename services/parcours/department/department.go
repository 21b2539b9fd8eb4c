// Package department writes a département's worth of coordination files
// into an event store, as maillaged writes them: 20,000 people with about
// 48 events each over every area of the file, the ARCHITECTURE.md scale
// model. The benchmarks of the views (services/parcours) and of maillaged
// itself (cmd/maillaged) read it; a store written once is kept under the
// system's temporary directory and reused, since writing a million events
// takes about half a minute and reading them is what is measured.
package department

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/es/natsjs"
	"github.com/maillage/maillage/internal/natsembed"
	"github.com/maillage/maillage/internal/serafin"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/parcours"
)

// Organisation is the FINESS of the coordination service every file is
// coordinated by.
const Organisation = "750000001"

// Caseload is how many people each coordinator follows, a real caseload
// (file active): 150 coordinators at 20,000 people.
const Caseload = 133

// Coordinators is how many coordinators share people's files.
func Coordinators(people int) int { return max(1, people/Caseload) }

// DefaultPeople is a département's people followed.
const DefaultPeople = 20_000

// PersonID is the id of the p-th person (from 0).
func PersonID(p int) string { return fmt.Sprintf("01JDBENCH%017d", p) }

// Coordinator is the professional id of the c-th coordinator; person p is
// coordinated by Coordinator(p % Coordinators(people)).
func Coordinator(c int) string { return fmt.Sprintf("prof-%d", c) }

// CoordinatorOf is the coordinator of the p-th person of people.
func CoordinatorOf(p, people int) int { return p % Coordinators(people) }

// Store is a department written in a JetStream store directory.
type Store struct {
	Dir    string // the JetStream store directory (maillaged's <data>/nats)
	People int
	Events int
}

// Prepare returns the store of people's files under os.TempDir(), writing
// it first when it is not there (progress, when not nil, hears how long).
func Prepare(people int, progress io.Writer) (Store, error) {
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("maillage-bench-department-v3-%d", people))
	complete := filepath.Join(dir, "complete")
	_, err := os.Stat(complete)
	written := err == nil
	if !written {
		os.RemoveAll(dir)
	}
	ns, err := natsembed.Start(natsembed.Config{StoreDir: dir, Sync: natsembed.SyncInterval, NoListen: true})
	if err != nil {
		return Store{}, err
	}
	defer ns.Shutdown()
	nc, err := nats.Connect("", nats.InProcessServer(ns))
	if err != nil {
		return Store{}, err
	}
	defer nc.Close()
	store, err := natsjs.Open(context.Background(), natsjs.Config{Conn: nc})
	if err != nil {
		return Store{}, err
	}
	defer store.Close()
	d := Store{Dir: dir, People: people}
	if written {
		head, err := store.Head(context.Background(), es.Filter{Categories: []string{parcours.Category}})
		if err != nil {
			return Store{}, err
		}
		d.Events = int(head.Commit)
		return d, nil
	}
	start := time.Now()
	if d.Events, err = Write(context.Background(), store, people); err != nil {
		return Store{}, err
	}
	if progress != nil {
		fmt.Fprintf(progress, "department: %d people, %d events written in %s under %s\n", people, d.Events, time.Since(start).Round(time.Second), dir)
	}
	return d, os.WriteFile(complete, nil, 0o600)
}

// Write appends the files of people people to store, from eight writers
// at once, and returns how many events it wrote.
func Write(ctx context.Context, store es.Store, people int) (int, error) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	var errs []error
	events := 0
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := w; p < people; p += 8 {
				n, err := writeFile(ctx, store, PersonID(p), p, Coordinator(CoordinatorOf(p, people)))
				mu.Lock()
				events += n
				if err != nil {
					errs = append(errs, err)
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	return events, errors.Join(errs...)
}

// writeFile appends one person's coordination file, about 50 events over
// every area: roles, entourage, projet de vie, rights, needs, the plan
// (objectives, actions, validation, reviews, evaluations), transitions,
// risks and ruptures.
func writeFile(ctx context.Context, store es.Store, id string, seed int, coordinator string) (int, error) {
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
		&eventsv1.CoordinatorAssigned{ProfessionalId: coordinator, OrganisationId: Organisation, DisplayName: "Coordinatrice"},
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
		if _, err := store.Append(ctx, parcours.StreamOf(id), es.Exactly(es.Version(v)),
			es.AppendRequest{Events: []es.EventData{data}, Metadata: es.Metadata{OccurredAt: time.Now()}}); err != nil {
			return 0, err
		}
	}
	return len(evs), nil
}

// RawReplay reads the whole EVENTS stream on nc with the engine's fastest
// full read, the yardstick of every replay: an unfiltered ordered
// consumer with large pulls (a subject filter makes the server match
// every message: 2 to 3 times slower). It returns how many messages it
// read and how long that took.
func RawReplay(nc *nats.Conn) (int, time.Duration, error) {
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
	cons, err := js.OrderedConsumer(ctx, "EVENTS", jetstream.OrderedConsumerConfig{})
	if err != nil {
		return 0, 0, err
	}
	it, err := cons.Messages(jetstream.PullMaxBytes(8 << 20))
	if err != nil {
		return 0, 0, err
	}
	defer it.Stop()
	for n := 1; ; n++ {
		m, err := it.Next()
		if err != nil {
			return n, 0, err
		}
		if md, _ := m.Metadata(); md.Sequence.Stream >= last {
			return n, time.Since(start), nil
		}
	}
}
