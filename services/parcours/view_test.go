package parcours_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
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
	if got, want := v.Name(), "parcours-view-v3"; got != want {
		t.Errorf("Name() = %q, want %q", got, want)
	}
	if diff := cmp.Diff(es.Filter{Categories: []string{"parcours"}}, v.Filter()); diff != "" {
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

// populated returns views of three people, one with its whole history.
func populated(t testing.TB) *parcours.Views {
	v := parcours.NewViews(nil)
	for _, ev := range history(t) {
		if err := v.Apply(ev); err != nil {
			t.Fatalf("Apply = %v", err)
		}
	}
	for _, p := range []string{otherPerson, "01JBZ8Q6Y7K3M2N4P5R6S7T8VB"} {
		e := enrolled()
		e.PersonId, e.Ins, e.Domicile = p, nil, &eventsv1.Domicile{CommuneInsee: "2A004"}
		if err := v.Apply(recorded(t, p, 1, e)); err != nil {
			t.Fatalf("Apply = %v", err)
		}
	}
	return v
}

func snapshot(t testing.TB, v *parcours.Views) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := v.Snapshot(&buf); err != nil {
		t.Fatalf("Snapshot = %v", err)
	}
	return buf.Bytes()
}

func TestSnapshotRestore(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		v    *parcours.Views
	}{
		{"empty", parcours.NewViews(nil)},
		{"three people", populated(t)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			snap := snapshot(t, tc.v)
			restored := parcours.NewViews(nil)
			if err := restored.Restore(bytes.NewReader(snap)); err != nil {
				t.Fatalf("Restore(Snapshot()) = %v", err)
			}
			if restored.Len() != tc.v.Len() {
				t.Fatalf("Len() after Restore = %d, want %d", restored.Len(), tc.v.Len())
			}
			for _, p := range []string{personID, otherPerson, "01JBZ8Q6Y7K3M2N4P5R6S7T8VB"} {
				want, _ := tc.v.Get(p)
				got, _ := restored.Get(p)
				if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
					t.Errorf("Get(%s) after Restore (-want +got):\n%s", p, diff)
				}
			}
			if again := snapshot(t, restored); !bytes.Equal(snap, again) {
				t.Errorf("Snapshot after Restore differs from the snapshot restored")
			}
		})
	}
}

func TestRestoreRefuses(t *testing.T) {
	t.Parallel()
	snap := snapshot(t, populated(t))
	framed := func(m proto.Message) []byte {
		b, _ := proto.Marshal(m)
		return append(binary.AppendUvarint(nil, uint64(len(b))), b...)
	}
	first, _ := populated(t).Get(personID)
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"truncated view", snap[:len(snap)-1]},
		{"truncated length", []byte{0x80}},
		{"length overflowing 64 bits", bytes.Repeat([]byte{0xff}, 11)},
		{"absurd length", binary.AppendUvarint(nil, 1<<40)},
		{"not protobuf", append(binary.AppendUvarint(nil, 3), 0xff, 0xff, 0xff)},
		{"view with no person", framed(&parcoursv1.CoordinatedView{Version: 3})},
		{"same person twice", append(framed(first), framed(first)...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v := parcours.NewViews(nil)
			if err := v.Restore(bytes.NewReader(tc.data)); err == nil {
				t.Fatalf("Restore(%s) = nil error, want one", tc.name)
			}
			if v.Len() != 0 {
				t.Errorf("Len() after a failed Restore = %d, want 0", v.Len())
			}
		})
	}
	t.Run("into a projection with views", func(t *testing.T) {
		t.Parallel()
		if err := populated(t).Restore(bytes.NewReader(snap)); err == nil {
			t.Errorf("Restore into a populated projection = nil error, want one")
		}
	})
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
				if err := v.Snapshot(io.Discard); err != nil {
					t.Errorf("Snapshot = %v", err)
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

func FuzzRestore(f *testing.F) {
	// Small real snapshots: the fuzzer minimises every input that finds new
	// code, in time quadratic in its length, and a seed of kilobytes
	// would spend the whole run minimising.
	small := parcours.NewViews(nil)
	for _, p := range []string{"A", "B"} {
		e := &eventsv1.PersonEnrolled{PersonId: p, BirthDate: "1980-01-27", Domicile: &eventsv1.Domicile{CommuneInsee: "75056"}}
		if err := small.Apply(recorded(f, p, 1, e)); err != nil {
			f.Fatalf("Apply = %v", err)
		}
		f.Add(snapshot(f, small)) // one view, then two
	}
	f.Add([]byte{})
	f.Add([]byte{0x00})
	f.Add(binary.AppendUvarint(nil, 1<<40))
	f.Fuzz(func(t *testing.T, data []byte) {
		v := parcours.NewViews(nil)
		if err := v.Restore(bytes.NewReader(data)); err != nil {
			if v.Len() != 0 {
				t.Fatalf("Len() after a failed Restore = %d, want 0", v.Len())
			}
			return
		}
		// Whatever was accepted must survive its own round trip.
		again := parcours.NewViews(nil)
		if err := again.Restore(bytes.NewReader(snapshot(t, v))); err != nil {
			t.Fatalf("Restore(Snapshot()) of an accepted snapshot = %v", err)
		}
		if again.Len() != v.Len() {
			t.Fatalf("Len() after round trip = %d, want %d", again.Len(), v.Len())
		}
	})
}
