package app_test

import (
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/es"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	meetingsv1 "github.com/maillage/maillage/proto/maillage/meetings/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// clock is the deciding clock, moved by the test so that steps happen at
// distinct instants (for views as of an instant).
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// An ESSMS information system follows a person from enrolment to a planned
// transition and a rupture, reading its own writes, retrying safely, and
// meeting every kind of refusal; then maillaged restarts and everything is
// still there, once.
func TestParcoursEndToEnd(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: time.Now().UTC().Truncate(time.Second)}
	m := start(t, dir, clk.Now)
	cc := m.client(t, coordinatrice)
	waitServing(t, cc, parcoursv1.ParcoursService_ServiceDesc.ServiceName)
	api := parcoursv1.NewParcoursServiceClient(cc)
	ctx := ctxT(t)

	enrolled, err := api.EnrollPerson(ctx, &parcoursv1.EnrollPersonRequest{
		RequestId: "sis-enrol-1", BirthDate: "2008-03-14",
		Domicile:        &parcoursv1.Domicile{CommuneInsee: "69123", Latitude: proto.Float64(45.76), Longitude: proto.Float64(4.83)},
		PublicConcerned: eventsv1.PublicConcerned_PUBLIC_CONCERNED_DISABILITY, LegalProtection: eventsv1.LegalProtection_LEGAL_PROTECTION_NONE,
		RequestOrigin: "MDPH du Rhône",
	})
	mustNil(t, err)
	person := enrolled.GetPersonId()
	if enrolled.GetVersion() != 1 || enrolled.GetPosition() == "" || len(person) != 26 {
		t.Fatalf("EnrollPerson = %v, want version 1, a position and a new person id", enrolled)
	}
	view := getView(t, api, person, enrolled.GetPosition())
	if view.GetEnrolled().GetBirthDate() != "2008-03-14" || view.GetCoordinator() != nil || len(view.GetTimeline()) != 1 {
		t.Fatalf("view after enrolment = %v", view)
	}
	afterEnrolment := clk.Now()
	clk.Advance(time.Minute)

	// Retrying the enrolment (a timeout on the caller's side) finds the same file.
	again, err := api.EnrollPerson(ctx, &parcoursv1.EnrollPersonRequest{RequestId: "sis-enrol-1", BirthDate: "2008-03-14",
		Domicile:        &parcoursv1.Domicile{CommuneInsee: "69123", Latitude: proto.Float64(45.76), Longitude: proto.Float64(4.83)},
		PublicConcerned: eventsv1.PublicConcerned_PUBLIC_CONCERNED_DISABILITY, LegalProtection: eventsv1.LegalProtection_LEGAL_PROTECTION_NONE,
		RequestOrigin: "MDPH du Rhône",
	})
	mustNil(t, err)
	if again.GetPersonId() != person || again.GetPosition() != enrolled.GetPosition() {
		t.Fatalf("retried enrolment = %v, want the first answer %v", again, enrolled)
	}
	// The same request id with another body is a mistake, never a retry:
	// refused, with nothing written.
	_, err = api.EnrollPerson(ctx, &parcoursv1.EnrollPersonRequest{RequestId: "sis-enrol-1", BirthDate: "2008-03-15",
		Domicile:        &parcoursv1.Domicile{CommuneInsee: "69123"},
		PublicConcerned: eventsv1.PublicConcerned_PUBLIC_CONCERNED_DISABILITY, LegalProtection: eventsv1.LegalProtection_LEGAL_PROTECTION_NONE})
	wantCode(t, err, codes.InvalidArgument)
	// Enrolling the same person again under another request is refused.
	_, err = api.EnrollPerson(ctx, &parcoursv1.EnrollPersonRequest{RequestId: "sis-enrol-2", PersonId: person, BirthDate: "2008-03-14",
		Domicile:        &parcoursv1.Domicile{CommuneInsee: "69123"},
		PublicConcerned: eventsv1.PublicConcerned_PUBLIC_CONCERNED_DISABILITY, LegalProtection: eventsv1.LegalProtection_LEGAL_PROTECTION_NONE})
	wantCode(t, err, codes.AlreadyExists)

	assigned, err := api.AssignCoordinator(ctx, &parcoursv1.AssignCoordinatorRequest{RequestId: "sis-assign-1", PersonId: person,
		ExpectedVersion: proto.Uint64(1), ProfessionalId: "prof-42", OrganisationId: "750000001", DisplayName: "Claire Martin"})
	mustNil(t, err)
	view = getView(t, api, person, assigned.GetPosition())
	if view.GetCoordinator().GetDisplayName() != "Claire Martin" || view.GetVersion() != 2 {
		t.Fatalf("view after assignment = %v", view)
	}
	afterAssignment := clk.Now()
	clk.Advance(time.Minute)

	planned := clk.Now().AddDate(0, 2, 0).Format("2006-01-02")
	anticipate := &parcoursv1.AnticipateTransitionRequest{RequestId: "sis-transition-1", PersonId: person, ExpectedVersion: proto.Uint64(2),
		Kind: eventsv1.TransitionKind_TRANSITION_KIND_PASSAGE_ADULTE, FromSetting: "IME Les Tilleuls", ToSetting: "FAM Les Cèdres",
		PlannedDate: planned, ReceivingPartnerId: "350000014"}
	tr, err := api.AnticipateTransition(ctx, anticipate)
	mustNil(t, err)
	replayed, err := api.AnticipateTransition(ctx, anticipate) // the same request again
	mustNil(t, err)
	if replayed.GetTransitionId() != tr.GetTransitionId() || replayed.GetPosition() != tr.GetPosition() || tr.GetTransitionId() == "" {
		t.Fatalf("replayed AnticipateTransition = %v, want the first answer %v", replayed, tr)
	}
	clk.Advance(time.Minute)

	rupture, err := api.ReportRupture(ctx, &parcoursv1.ReportRuptureRequest{RequestId: "sis-rupture-1", PersonId: person,
		Kind: eventsv1.RuptureKind_RUPTURE_KIND_TRANSITION_UNSECURED, Description: "Pas de place confirmée au FAM",
		DetectedOn: clk.Now().Format("2006-01-02"), TransitionId: tr.GetTransitionId()})
	mustNil(t, err)
	view = getView(t, api, person, rupture.GetPosition())
	if len(view.GetTransitions()) != 1 || view.GetTransitions()[0].GetPlannedDate() != planned || len(view.GetRuptures()) != 1 ||
		view.GetRuptures()[0].GetTransitionId() != tr.GetTransitionId() || view.GetVersion() != 4 || len(view.GetTimeline()) != 4 {
		t.Fatalf("view after transition and rupture = %v", view)
	}

	// Views as of earlier instants.
	asOf := func(at time.Time) *parcoursv1.CoordinatedView {
		resp, err := api.GetCoordinatedView(ctx, &parcoursv1.GetCoordinatedViewRequest{PersonId: person, AsOf: timestamppb.New(at)})
		mustNil(t, err)
		return resp.GetView()
	}
	if v := asOf(afterEnrolment); v.GetCoordinator() != nil || v.GetVersion() != 1 {
		t.Errorf("view as of after enrolment = %v, want no coordinator at version 1", v)
	}
	if v := asOf(afterAssignment); v.GetCoordinator() == nil || len(v.GetTransitions()) != 0 || v.GetVersion() != 2 {
		t.Errorf("view as of after assignment = %v, want a coordinator and no transition", v)
	}
	_, err = api.GetCoordinatedView(ctx, &parcoursv1.GetCoordinatedViewRequest{PersonId: person, AsOf: timestamppb.New(afterEnrolment.Add(-time.Hour))})
	wantCode(t, err, codes.NotFound)

	refusals(t, api, person, m)

	// Restart: the view comes back from its checkpoint; nothing is doubled.
	mustNil(t, m.stop())
	m2 := start(t, dir, clk.Now)
	cc2 := m2.client(t, coordinatrice)
	waitServing(t, cc2, parcoursv1.ParcoursService_ServiceDesc.ServiceName)
	api2 := parcoursv1.NewParcoursServiceClient(cc2)
	if got := getView(t, api2, person, ""); !proto.Equal(got, view) {
		t.Fatalf("view after restart = %v\nwant %v", got, view)
	}
	evs, err := m2.app.Store().Read(ctx, "parcours-"+person, 1)
	mustNil(t, err)
	if len(evs) != 4 {
		t.Fatalf("after restart the person's stream has %d events, want 4", len(evs))
	}
	more, err := api2.AssignCoordinator(ctx, &parcoursv1.AssignCoordinatorRequest{RequestId: "sis-assign-2", PersonId: person,
		ExpectedVersion: proto.Uint64(4), ProfessionalId: "prof-7", OrganisationId: "750000001", DisplayName: "Yann Le Goff"})
	mustNil(t, err)
	if more.GetVersion() != 5 {
		t.Fatalf("command after restart = %v, want version 5", more)
	}
	// A retry of a request made before the restart still answers as then.
	replayed, err = api2.AnticipateTransition(ctx, anticipate)
	mustNil(t, err)
	if replayed.GetTransitionId() != tr.GetTransitionId() {
		t.Fatalf("retry after restart = %v, want transition %s", replayed, tr.GetTransitionId())
	}
}

func getView(t *testing.T, api parcoursv1.ParcoursServiceClient, person, minPosition string) *parcoursv1.CoordinatedView {
	t.Helper()
	resp, err := api.GetCoordinatedView(ctxT(t), &parcoursv1.GetCoordinatedViewRequest{PersonId: person, MinPosition: minPosition})
	if err != nil {
		t.Fatalf("GetCoordinatedView(%s, min_position %q) = %v", person, minPosition, err)
	}
	if minPosition != "" {
		want, _ := es.ParsePosition(minPosition)
		got, _ := es.ParsePosition(resp.GetView().GetPosition())
		if got.Before(want) {
			t.Fatalf("view at %v, asked for at least %v", got, want)
		}
	}
	return resp.GetView()
}

// refusals checks what an integrator sees for each kind of bad request,
// and that none of them changed the person's file.
func refusals(t *testing.T, api parcoursv1.ParcoursServiceClient, person string, m *running) {
	ctx := ctxT(t)
	before, err := m.app.Store().Read(ctx, "parcours-"+person, 1)
	mustNil(t, err)

	_, err = api.EnrollPerson(ctx, &parcoursv1.EnrollPersonRequest{RequestId: "bad-1", BirthDate: "14/03/2008", Domicile: &parcoursv1.Domicile{CommuneInsee: "691"}})
	st := wantCode(t, err, codes.InvalidArgument)
	if f := fieldViolations(st); !contains(f, "birth_date") || !contains(f, "domicile.commune_insee") {
		t.Errorf("violations = %v, want birth_date and domicile.commune_insee", f)
	}
	_, err = api.AnticipateTransition(ctx, &parcoursv1.AnticipateTransitionRequest{RequestId: "bad-2", PersonId: person,
		Kind: eventsv1.TransitionKind_TRANSITION_KIND_RETOUR_DOMICILE, FromSetting: "a", ToSetting: "b", PlannedDate: "2001-01-01"})
	st = wantCode(t, err, codes.InvalidArgument)
	if f := fieldViolations(st); !contains(f, "planned_date") {
		t.Errorf("violations = %v, want planned_date (in the past)", f)
	}
	_, err = api.ReportRupture(ctx, &parcoursv1.ReportRuptureRequest{RequestId: "bad-3", PersonId: person,
		Kind: eventsv1.RuptureKind_RUPTURE_KIND_OTHER, Description: "x", DetectedOn: time.Now().Format("2006-01-02"), TransitionId: "01JD0000000000000000000000"})
	wantCode(t, err, codes.FailedPrecondition)
	_, err = api.AssignCoordinator(ctx, &parcoursv1.AssignCoordinatorRequest{RequestId: "bad-4", PersonId: person, ExpectedVersion: proto.Uint64(1),
		ProfessionalId: "prof-9", OrganisationId: "750000001", DisplayName: "X"})
	wantCode(t, err, codes.Aborted)
	_, err = api.AssignCoordinator(ctx, &parcoursv1.AssignCoordinatorRequest{RequestId: "bad-5", PersonId: "01JD0000000000000000000000",
		ProfessionalId: "prof-9", OrganisationId: "750000001", DisplayName: "X"})
	wantCode(t, err, codes.NotFound)
	_, err = api.GetCoordinatedView(ctx, &parcoursv1.GetCoordinatedViewRequest{PersonId: person, MinPosition: "not-a-position"})
	wantCode(t, err, codes.InvalidArgument)
	_, err = api.GetCoordinatedView(ctx, &parcoursv1.GetCoordinatedViewRequest{PersonId: "01JD0000000000000000000000"})
	wantCode(t, err, codes.NotFound)

	// Without a token.
	anon := parcoursv1.NewParcoursServiceClient(m.client(t, auth.Principal{}))
	_, err = anon.GetCoordinatedView(ctx, &parcoursv1.GetCoordinatedViewRequest{PersonId: person})
	wantCode(t, err, codes.Unauthenticated)

	// The meetings service answers for a meeting that does not exist.
	_, err = meetingsv1.NewMeetingsServiceClient(m.client(t, coordinatrice)).GetMeeting(ctx, &meetingsv1.GetMeetingRequest{MeetingId: "01JD5Z00000000000000000000"})
	wantCode(t, err, codes.NotFound)

	after, err := m.app.Store().Read(ctx, "parcours-"+person, 1)
	mustNil(t, err)
	if len(after) != len(before) {
		t.Fatalf("refused requests changed the file: %d events, then %d", len(before), len(after))
	}
}
