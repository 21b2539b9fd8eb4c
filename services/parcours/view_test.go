package parcours_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/es"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
	"github.com/maillage/maillage/services/parcours"
)

// day is when the test events happened: enrolment on day(0), and so on.
func day(n int) time.Time { return time.Date(2026, 11, 2+n, 9, 0, 0, 0, time.UTC) }

// recorded returns payload as the store would give it back: version v of
// the person's stream, at global position 100+v, occurred on day(v-1).
func recorded(t testing.TB, person string, v uint64, payload proto.Message) es.RecordedEvent {
	t.Helper()
	data, err := decider.Encode(payload)
	if err != nil {
		t.Fatalf("Encode(%T) = %v", payload, err)
	}
	return es.RecordedEvent{
		ID:         fmt.Sprintf("ev-%s-%d", person, v),
		Stream:     parcours.StreamOf(person),
		Version:    es.Version(v),
		Position:   es.PositionAt(100 + v),
		Type:       data.Type,
		Data:       data.Data,
		Metadata:   es.Metadata{Actor: "prof-1", Organisation: "750000001", OccurredAt: day(int(v) - 1)},
		RecordedAt: day(int(v) - 1).Add(time.Second),
	}
}

// history is a person's file: enrolled, coordinated, a transition, a
// rupture about it.
func history(t testing.TB) []es.RecordedEvent {
	return []es.RecordedEvent{
		recorded(t, personID, 1, enrolled()),
		recorded(t, personID, 2, coordinatorAssigned()),
		recorded(t, personID, 3, transitionAnticipated()),
		recorded(t, personID, 4, ruptureDetected()),
	}
}

func apply(t testing.TB, v *parcours.Views, evs ...es.RecordedEvent) {
	t.Helper()
	for _, ev := range evs {
		if err := v.Apply(ev); err != nil {
			t.Fatalf("Apply(%s v%d) = %v", ev.Type, ev.Version, err)
		}
	}
}

func viewAfter(n int) *parcoursv1.CoordinatedView {
	v := &parcoursv1.CoordinatedView{
		PersonId:             personID,
		HolderOrganisationId: "750000001",
		Version:              uint64(n),
		Position:             fmt.Sprint(100 + n),
		Enrolled: &parcoursv1.Enrollment{
			Ins:             proto.String("180127512312345"),
			BirthDate:       "1980-01-27",
			Domicile:        &parcoursv1.Domicile{CommuneInsee: "75056", Latitude: proto.Float64(48.8566), Longitude: proto.Float64(2.3522)},
			PublicConcerned: eventsv1.PublicConcerned_PUBLIC_CONCERNED_DISABILITY,
			LegalProtection: eventsv1.LegalProtection_LEGAL_PROTECTION_CURATELLE,
			RequestOrigin:   "MDPH de Paris",
			EnrolledAt:      timestamppb.New(day(0)),
		},
		Timeline: []*parcoursv1.TimelineEntry{{
			OccurredAt: timestamppb.New(day(0)), EventType: "PersonEnrolled", Category: access.Identite,
			Summary: "Entrée dans le dispositif de coordination (personne en situation de handicap)",
		}},
	}
	if n >= 2 {
		v.Coordinator = &parcoursv1.Coordinator{ProfessionalId: "rpps-10101010101", OrganisationId: "750000001",
			DisplayName: "Claire Martin, PCPE du Val", Since: timestamppb.New(day(1))}
		v.Timeline = append(v.Timeline, &parcoursv1.TimelineEntry{OccurredAt: timestamppb.New(day(1)), EventType: "CoordinatorAssigned",
			Summary: "Coordination de parcours confiée à Claire Martin, PCPE du Val"})
	}
	if n >= 3 {
		v.Transitions = []*parcoursv1.Transition{{
			TransitionId: transitionID, Kind: eventsv1.TransitionKind_TRANSITION_KIND_RETOUR_DOMICILE,
			FromSetting: "MAS Les Tilleuls", ToSetting: "domicile familial", PlannedDate: "2026-12-01",
			ReceivingPartnerId: partnerID, State: parcoursv1.TransitionState_TRANSITION_STATE_ANTICIPATED,
		}}
		v.Timeline = append(v.Timeline, &parcoursv1.TimelineEntry{OccurredAt: timestamppb.New(day(2)), EventType: "TransitionAnticipated", Category: access.Projet,
			Summary: "Transition anticipée : retour à domicile le 2026-12-01"})
	}
	if n >= 4 {
		v.Ruptures = []*parcoursv1.Rupture{{
			RuptureId: ruptureID, Kind: eventsv1.RuptureKind_RUPTURE_KIND_TRANSITION_UNSECURED,
			Description: "Aucun SSIAD n'a confirmé la reprise des soins au retour.", DetectedOn: "2026-11-02",
			TransitionId: transitionID, State: parcoursv1.RuptureState_RUPTURE_STATE_OPEN,
		}}
		v.Timeline = append(v.Timeline, &parcoursv1.TimelineEntry{OccurredAt: timestamppb.New(day(3)), EventType: "RuptureDetected", Category: access.Projet,
			Summary: "Rupture de parcours constatée le 2026-11-02 : transition non sécurisée"})
	}
	return v
}

func checkView(t *testing.T, v *parcours.Views, want *parcoursv1.CoordinatedView) {
	t.Helper()
	got, ok := v.Get(want.GetPersonId())
	if !ok {
		t.Fatalf("Get(%s) = no view, want one", want.GetPersonId())
	}
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		t.Errorf("Get(%s) (-want +got):\n%s", want.GetPersonId(), diff)
	}
}

func TestViewsProjection(t *testing.T) {
	t.Parallel()
	v := parcours.NewViews(nil)
	if got, want := v.Name(), "parcours-view-v8"; got != want {
		t.Errorf("Name() = %q, want %q", got, want)
	}
	if diff := cmp.Diff(es.Filter{Categories: []string{"parcours", "solicitation", "meeting"}}, v.Filter()); diff != "" {
		t.Errorf("Filter() (-want +got):\n%s", diff)
	}
}

func TestViewsApplyEventByEvent(t *testing.T) {
	t.Parallel()
	v := parcours.NewViews(decider.NewCodec(nil))
	if _, ok := v.Get(personID); ok {
		t.Fatalf("Get(%s) before any event = a view, want none", personID)
	}
	for i, ev := range history(t) {
		apply(t, v, ev)
		checkView(t, v, viewAfter(i+1))
	}
	if got := v.Len(); got != 1 {
		t.Errorf("Len() = %d, want 1", got)
	}
}

func TestViewsApplyIsIdempotent(t *testing.T) {
	t.Parallel()
	v := parcours.NewViews(nil)
	apply(t, v, history(t)...)
	// A runner restarted from an older checkpoint delivers them again.
	apply(t, v, history(t)...)
	apply(t, v, history(t)[1])
	checkView(t, v, viewAfter(4))
}

func TestViewsTransitionsInPlannedDateOrder(t *testing.T) {
	t.Parallel()
	planned := func(id, date string) *eventsv1.TransitionAnticipated {
		e := transitionAnticipated()
		e.TransitionId, e.PlannedDate = id, date
		return e
	}
	v := parcours.NewViews(nil)
	apply(t, v,
		recorded(t, personID, 1, enrolled()),
		recorded(t, personID, 2, planned("t-march", "2027-03-01")),
		recorded(t, personID, 3, planned("t-dec-a", "2026-12-01")),
		recorded(t, personID, 4, planned("t-jan", "2027-01-15")),
		recorded(t, personID, 5, planned("t-dec-b", "2026-12-01")),
	)
	got, _ := v.Get(personID)
	var ids []string
	for _, tr := range got.GetTransitions() {
		ids = append(ids, tr.GetTransitionId())
	}
	if diff := cmp.Diff([]string{"t-dec-a", "t-dec-b", "t-jan", "t-march"}, ids); diff != "" {
		t.Errorf("transitions (-want +got):\n%s", diff)
	}
}

func TestViewsDateEventsWhenTheyHappened(t *testing.T) {
	t.Parallel()
	ev := recorded(t, personID, 1, enrolled())
	ev.Metadata.OccurredAt = time.Time{} // written without it
	v := parcours.NewViews(nil)
	apply(t, v, ev)
	got, _ := v.Get(personID)
	if at := got.GetEnrolled().GetEnrolledAt().AsTime(); !at.Equal(ev.RecordedAt) {
		t.Errorf("enrolled_at with no occurred-at = %v, want the recorded time %v", at, ev.RecordedAt)
	}
}

func TestViewsIgnoreOtherPackagesEvents(t *testing.T) {
	t.Parallel()
	foreign := func(v uint64) es.RecordedEvent {
		return es.RecordedEvent{Stream: parcours.StreamOf(personID), Version: es.Version(v), Position: es.PositionAt(100 + v),
			Type: "maillage.audit.v1.InformationDisclosed", Data: []byte("not even protobuf")}
	}
	v := parcours.NewViews(nil)
	apply(t, v, foreign(1))
	if v.Len() != 0 {
		t.Fatalf("Len() after a foreign event alone = %d, want 0", v.Len())
	}
	evs := history(t)
	for i := range evs {
		evs[i].Version++
		evs[i].Position = es.PositionAt(100 + uint64(evs[i].Version))
	}
	apply(t, v, evs...)
	apply(t, v, foreign(6))
	// The view shows nothing of it, but reflects the file's version: it is
	// what clients send back as expected_version.
	want := viewAfter(4)
	want.Version, want.Position = 6, "106"
	checkView(t, v, want)

	// An event from outside the parcours category is not a person's file.
	other := recorded(t, personID, 7, coordinatorAssigned())
	other.Stream = "partner-" + partnerID
	apply(t, v, other)
	if v.Len() != 1 {
		t.Errorf("Len() after an event of another category = %d, want 1", v.Len())
	}
}

func TestViewsApplyRefusesUnreadableEvents(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		ev     func(es.RecordedEvent) es.RecordedEvent
		target error
	}{
		{"unknown maillage.events.v1 type", func(ev es.RecordedEvent) es.RecordedEvent {
			ev.Type = "maillage.events.v1.PersonTeleported"
			return ev
		}, decider.ErrUnknownEventType},
		{"known type, corrupt data", func(ev es.RecordedEvent) es.RecordedEvent {
			ev.Data = []byte{0xff, 0xff, 0xff}
			return ev
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := parcours.NewViews(nil)
			evs := history(t)
			apply(t, v, evs[:3]...)
			err := v.Apply(tc.ev(evs[3]))
			if err == nil || (tc.target != nil && !errors.Is(err, tc.target)) {
				t.Fatalf("Apply(%s) = %v, want an error (%v)", tc.name, err, tc.target)
			}
			// Nothing of the bad event reached the view.
			checkView(t, v, viewAfter(3))
		})
	}
}

func TestViewsGetReturnsACopy(t *testing.T) {
	t.Parallel()
	v := parcours.NewViews(nil)
	apply(t, v, history(t)...)
	got, _ := v.Get(personID)
	got.Timeline = nil
	got.Coordinator.DisplayName = "changed by a caller"
	checkView(t, v, viewAfter(4))
}

func TestFoldView(t *testing.T) {
	t.Parallel()
	codec := decider.NewCodec(nil)
	t.Run("same view as the projection", func(t *testing.T) {
		t.Parallel()
		got, err := parcours.FoldView(personID, history(t), codec)
		if err != nil {
			t.Fatalf("FoldView = %v", err)
		}
		if diff := cmp.Diff(viewAfter(4), got, protocmp.Transform()); diff != "" {
			t.Errorf("FoldView (-want +got):\n%s", diff)
		}
	})
	t.Run("as of an instant", func(t *testing.T) {
		t.Parallel()
		// Just before the transition was anticipated on day(2).
		got, err := parcours.FoldView(personID, parcours.EventsAsOf(history(t), day(2).Add(-time.Nanosecond)), codec)
		if err != nil {
			t.Fatalf("FoldView as of day 2 = %v", err)
		}
		if diff := cmp.Diff(viewAfter(2), got, protocmp.Transform()); diff != "" {
			t.Errorf("FoldView as of day 2 (-want +got):\n%s", diff)
		}
	})
	t.Run("before enrolment", func(t *testing.T) {
		t.Parallel()
		_, err := parcours.FoldView(personID, parcours.EventsAsOf(history(t), day(-1)), codec)
		if !errors.Is(err, derrors.ErrNotFound) {
			t.Errorf("FoldView before enrolment = %v, want ErrNotFound", err)
		}
	})
	t.Run("another person's event", func(t *testing.T) {
		t.Parallel()
		evs := append(history(t), recorded(t, otherPerson, 5, coordinatorAssigned()))
		if _, err := parcours.FoldView(personID, evs, codec); err == nil {
			t.Errorf("FoldView with another person's event = nil error, want one")
		}
	})
	t.Run("unknown maillage.events.v1 type", func(t *testing.T) {
		t.Parallel()
		evs := history(t)
		evs[2].Type = "maillage.events.v1.PersonTeleported"
		if _, err := parcours.FoldView(personID, evs, codec); !errors.Is(err, decider.ErrUnknownEventType) {
			t.Errorf("FoldView = %v, want ErrUnknownEventType", err)
		}
	})
}

// A projection on disk reopens as it was closed: every view, the
// count, the caseload index and the position it covers.
func TestViewsReopenFromDisk(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	v, err := parcours.OpenViews(dir, nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	evs := append(file(t, personID, enrolled(), coordinatorAssigned(), transitionAnticipated()),
		file(t, otherPerson, &eventsv1.PersonEnrolled{PersonId: otherPerson, BirthDate: "1990-01-01"})...)
	for i := range evs {
		evs[i].Position = es.PositionAt(uint64(i + 1))
	}
	if skipped, err := v.ApplyBatch(evs); err != nil || len(skipped) != 0 {
		t.Fatalf("ApplyBatch = %v, %v", skipped, err)
	}
	before, _ := v.Get(personID)
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	v, err = parcours.OpenViews(dir, nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	after, ok := v.Get(personID)
	if p, _ := v.Position(); !ok || v.Len() != 2 || p != es.PositionAt(uint64(len(evs))) {
		t.Fatalf("after reopening: view %v, %d people, position %v", ok, v.Len(), p)
	}
	if diff := cmp.Diff(before, after, protocmp.Transform()); diff != "" {
		t.Errorf("the view after reopening (-before +after):\n%s", diff)
	}
}

// TestViewsConcurrentReads runs readers beside the runner's Apply; run
// with -race.
func TestViewsConcurrentReads(t *testing.T) {
	t.Parallel()
	v := parcours.NewViews(nil)
	evs := []es.RecordedEvent{recorded(t, personID, 1, enrolled())}
	for i := uint64(2); i <= 50; i++ {
		evs = append(evs, recorded(t, personID, i, coordinatorAssigned()))
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for _, ev := range evs {
			if err := v.Apply(ev); err != nil {
				t.Errorf("Apply(v%d) = %v", ev.Version, err)
			}
		}
	})
	for range 2 {
		wg.Go(func() {
			for range 50 {
				if view, ok := v.Get(personID); ok {
					_ = view.GetTimeline()
				}
				_ = v.Len()
			}
		})
	}
	wg.Wait()
	if got, _ := v.Get(personID); got.GetVersion() != 50 {
		t.Errorf("version after 50 events = %d, want 50", got.GetVersion())
	}
}

// FuzzApplyBatch feeds the projection events of any type and body: it
// never panics, passes over what it cannot read, and keeps what it had.
func FuzzApplyBatch(f *testing.F) {
	enrolledData, _ := proto.Marshal(&eventsv1.PersonEnrolled{PersonId: "A", BirthDate: "1980-01-27"})
	f.Add("maillage.events.v1.PersonEnrolled", enrolledData)
	f.Add("maillage.events.v1.CoordinationLevelSet", []byte{0x08, 0x01})
	f.Add("maillage.events.v1.Unknown", []byte{0xff})
	f.Fuzz(func(t *testing.T, typ string, data []byte) {
		v := parcours.NewViews(nil)
		defer v.Close()
		first := recorded(t, "A", 1, &eventsv1.PersonEnrolled{PersonId: "A", BirthDate: "1980-01-27"})
		first.Position = es.PositionAt(1)
		if _, err := v.ApplyBatch([]es.RecordedEvent{first}); err != nil {
			t.Fatal(err)
		}
		ev := es.RecordedEvent{Stream: parcours.StreamOf("A"), Version: 2, Position: es.PositionAt(2), Type: typ, Data: data}
		skipped, err := v.ApplyBatch([]es.RecordedEvent{ev})
		if err != nil {
			t.Fatalf("ApplyBatch = %v", err)
		}
		got, ok := v.Get("A")
		if !ok || got.GetEnrolled().GetBirthDate() != "1980-01-27" {
			t.Fatalf("the view after a fuzzed event: %v", got)
		}
		if len(skipped) == 1 && got.GetVersion() != 1 {
			t.Fatalf("a skipped event moved the view to version %d", got.GetVersion())
		}
	})
}
