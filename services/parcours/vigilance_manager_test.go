package parcours

import (
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/projection/kv"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// recorded is ev as the store would deliver it, at global position pos.
func recorded(t *testing.T, stream string, version, pos uint64, ev proto.Message) es.RecordedEvent {
	t.Helper()
	data, err := decider.Encode(ev)
	if err != nil {
		t.Fatal(err)
	}
	return es.RecordedEvent{ID: data.ID, Stream: stream, Version: es.Version(version), Position: es.PositionAt(pos), Type: data.Type,
		Data: data.Data, Metadata: es.Metadata{Organisation: "750000001", OccurredAt: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}}
}

// The vigilance's fold: what the partners' streams say of a person's
// support — a solicitation declined by both partners asked, another
// accepted, its engagement ended — and which files are due.
func TestVigilanceFoldsTheSupport(t *testing.T) {
	v := &Vigilance{db: kv.OpenMem(), codec: decider.NewCodec(nil), wake: make(chan struct{}, 1)}
	defer v.Close()
	const person, declined, accepted = "01JD0PERS0N000000000000001", "01JD0S0L000000000000000001", "01JD0S0L000000000000000002"
	evs := []es.RecordedEvent{
		recorded(t, "parcours-"+person, 1, 1, &eventsv1.PersonEnrolled{PersonId: person}),
		recorded(t, "solicitation-"+declined, 1, 2, &eventsv1.SolicitationSent{SolicitationId: declined, PersonId: person, NeedId: "need",
			OrganisationIds: []string{"A", "B"}, Prestation: &eventsv1.SerafinCode{Code: "2.3.4"}}),
		recorded(t, "solicitation-"+declined, 2, 3, &eventsv1.SolicitationDeclined{OrganisationId: "A"}),
		recorded(t, "solicitation-"+declined, 3, 4, &eventsv1.SolicitationDeclined{OrganisationId: "B"}),
		recorded(t, "solicitation-"+accepted, 1, 5, &eventsv1.SolicitationSent{SolicitationId: accepted, PersonId: person, NeedId: "need",
			TransitionId: "tr", OrganisationIds: []string{"C"}}),
	}
	if _, err := v.ApplyBatch(evs); err != nil {
		t.Fatal(err)
	}
	// A second batch: the answer and the end come later.
	if _, err := v.ApplyBatch([]es.RecordedEvent{
		recorded(t, "solicitation-"+accepted, 2, 6, &eventsv1.SolicitationAccepted{OrganisationId: "C"}),
		recorded(t, "solicitation-"+accepted, 3, 7, &eventsv1.EngagementStarted{EngagementId: "eng", OrganisationId: "C", PersonId: person,
			NeedId: "need", TransitionId: "tr"}),
		recorded(t, "solicitation-"+accepted, 4, 8, &eventsv1.EngagementEnded{}),
	}); err != nil {
		t.Fatal(err)
	}
	sup, err := getSupport(v, person)
	if err != nil {
		t.Fatal(err)
	}
	d, a := sup.Solicitations[declined], sup.Solicitations[accepted]
	if d.Asked != 2 || d.Declined != 2 || !d.failed() || d.SentOn != "2026-12-01" || d.Prestation != "2.3.4" {
		t.Errorf("the solicitation both declined: %+v", d)
	}
	if !a.Accepted || a.pending() || a.TransitionID != "tr" {
		t.Errorf("the solicitation accepted: %+v", a)
	}
	if e := sup.Engagements["eng"]; !e.Ended || e.NeedID != "need" || e.Organisation != "C" || e.TransitionID != "tr" {
		t.Errorf("the engagement: %+v", e)
	}
	due, err := v.dueBy(time.Now(), 10)
	if err != nil || len(due) != 1 || due[0].person != person {
		t.Fatalf("due %v, %v; want the person, once", due, err)
	}
	if holder, ok, _ := v.db.Get([]byte("k/" + person)); !ok || string(holder) != "750000001" {
		t.Errorf("the file's holder: %q", holder)
	}
}

func getSupport(v *Vigilance, person string) (Support, error) {
	b := &vigilanceBatch{v: v, supports: map[string]*Support{}}
	s, err := b.support(person)
	if err != nil {
		return Support{}, err
	}
	return *s, nil
}

// An event for a file being checked marks it due again: the check's
// reschedule must not erase that mark, or the event is never checked.
func TestAMarkDuringACheckSurvivesItsReschedule(t *testing.T) {
	v := &Vigilance{db: kv.OpenMem(), codec: decider.NewCodec(nil), wake: make(chan struct{}, 1)}
	defer v.Close()
	const person = "01JD0PERS0N000000000000001"
	if _, err := v.ApplyBatch([]es.RecordedEvent{recorded(t, "parcours-"+person, 1, 1, &eventsv1.PersonEnrolled{PersonId: person})}); err != nil {
		t.Fatal(err)
	}
	taken, err := v.dueBy(time.Now(), 10)
	if err != nil || len(taken) != 1 {
		t.Fatalf("due %v, %v", taken, err)
	}
	// Meanwhile the file moves.
	if _, err := v.ApplyBatch([]es.RecordedEvent{recorded(t, "parcours-"+person, 2, 2, &eventsv1.CoordinatorAssigned{OrganisationId: "750000001"})}); err != nil {
		t.Fatal(err)
	}
	if err := v.reschedule(taken[0], time.Now().Add(30*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if due, err := v.dueBy(time.Now(), 10); err != nil || len(due) != 1 {
		t.Fatalf("after the check of the older mark: due %v, %v; want the file due again", due, err)
	}
}
