package parcours

import (
	"testing"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// A meeting about two people goes into both views; a decision about one
// goes into hers only; a redelivered event changes nothing.
func TestMeetingsInTheViews(t *testing.T) {
	v := NewViews(decider.NewCodec(nil))
	const p1, p2, meeting = "01JD0PERS0N000000000000001", "01JD0PERS0N000000000000002", "01JD0MEET1NG00000000000001"
	evs := []es.RecordedEvent{
		recorded(t, "parcours-"+p1, 1, 1, &eventsv1.PersonEnrolled{PersonId: p1}),
		recorded(t, "parcours-"+p2, 1, 2, &eventsv1.PersonEnrolled{PersonId: p2}),
		recorded(t, "meeting-"+meeting, 1, 3, &eventsv1.MeetingScheduled{MeetingId: meeting, PersonIds: []string{p1, p2},
			StartsAt: timestamppb.Now(), EndsAt: timestamppb.Now(), Kind: eventsv1.MeetingKind_MEETING_KIND_SYNTHESE}),
		recorded(t, "meeting-"+meeting, 2, 4, &eventsv1.MeetingHeld{}),
		recorded(t, "meeting-"+meeting, 3, 5, &eventsv1.DecisionRecorded{DecisionId: "D1", PersonId: p1, Statement: "s", DueDate: "2027-01-01"}),
	}
	if _, err := v.ApplyBatch(evs); err != nil {
		t.Fatal(err)
	}
	if _, err := v.ApplyBatch(evs[2:]); err != nil { // redelivered
		t.Fatal(err)
	}
	one, _ := v.Get(p1)
	two, _ := v.Get(p2)
	if ms := one.GetMeetings(); len(ms) != 1 || !ms[0].GetHeld() || len(ms[0].GetDecisions()) != 1 {
		t.Fatalf("her view's meetings: %v", ms)
	}
	if ms := two.GetMeetings(); len(ms) != 1 || !ms[0].GetHeld() || len(ms[0].GetDecisions()) != 0 {
		t.Fatalf("the other's view's meetings: %v", ms)
	}
}

// A solicitation's events redelivered in a later batch change nothing:
// the last version folded is the one kept.
func TestSolicitationRedeliveredInTheView(t *testing.T) {
	v := NewViews(decider.NewCodec(nil))
	const p1, sol = "01JD0PERS0N000000000000001", "01JD0S0L000000000000000001"
	evs := []es.RecordedEvent{
		recorded(t, "parcours-"+p1, 1, 1, &eventsv1.PersonEnrolled{PersonId: p1}),
		recorded(t, "solicitation-"+sol, 1, 2, &eventsv1.SolicitationSent{SolicitationId: sol, PersonId: p1, OrganisationIds: []string{"A"}}),
	}
	for range 2 {
		if _, err := v.ApplyBatch(evs); err != nil {
			t.Fatal(err)
		}
	}
	if view, _ := v.Get(p1); len(view.GetPendingSolicitations()) != 1 {
		t.Fatalf("pending after a redelivery: %v", view.GetPendingSolicitations())
	}
}
