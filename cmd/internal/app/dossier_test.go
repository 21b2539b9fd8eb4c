package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// dossier drives one person's coordination file over gRPC, as an ESSMS
// information system would, checking the view after each step.
type dossier struct {
	t      *testing.T
	api    parcoursv1.ParcoursServiceClient
	clk    *clock
	person string
	n      int
	last   string // position of the last command
	marks  map[string]time.Time
}

func (d *dossier) req() string { d.n++; return fmt.Sprintf("dossier-%s-%d", d.person[:8], d.n) }

// step runs a command, remembers its position, and moves the clock on, so
// that each step has an instant of its own for views as of the past.
func (d *dossier) step(name string, call func(ctx context.Context, req string) (string, error)) {
	d.t.Helper()
	pos, err := call(ctxT(d.t), d.req())
	if err != nil {
		d.t.Fatalf("%s: %v", name, err)
	}
	d.last = pos
	d.marks[name] = d.clk.Now()
	d.clk.Advance(time.Minute)
}

func (d *dossier) view() *parcoursv1.CoordinatedView {
	d.t.Helper()
	return getView(d.t, d.api, d.person, d.last)
}

func (d *dossier) viewAsOf(step string) *parcoursv1.CoordinatedView {
	d.t.Helper()
	resp, err := d.api.GetCoordinatedView(ctxT(d.t), &parcoursv1.GetCoordinatedViewRequest{PersonId: d.person, AsOf: timestamppb.New(d.marks[step])})
	if err != nil {
		d.t.Fatalf("view as of %s: %v", step, err)
	}
	return resp.GetView()
}

// A person's whole coordination file, from enrolment through a transition
// into an establishment to discharge towards droit commun.
func TestCoordinationFileFromEnrolmentToDischarge(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: time.Now().UTC().Truncate(time.Second)}
	m := start(t, dir, clk.Now)
	cc := m.client(t, coordinatrice)
	waitServing(t, cc, parcoursv1.ParcoursService_ServiceDesc.ServiceName)
	api := parcoursv1.NewParcoursServiceClient(cc)
	// Days as the server counts them: in Europe/Paris, which is a day
	// ahead of UTC for an hour or two each night.
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	today := func() string { return clk.Now().In(paris).Format("2006-01-02") }
	in := func(days int) string { return clk.Now().In(paris).AddDate(0, 0, days).Format("2006-01-02") }

	enrolled, err := api.EnrollPerson(ctxT(t), &parcoursv1.EnrollPersonRequest{RequestId: "dossier-enrol", BirthDate: "2007-09-01",
		Domicile:        &parcoursv1.Domicile{CommuneInsee: "44109"},
		PublicConcerned: eventsv1.PublicConcerned_PUBLIC_CONCERNED_DISABILITY, LegalProtection: eventsv1.LegalProtection_LEGAL_PROTECTION_TUTELLE})
	mustNil(t, err)
	d := &dossier{t: t, api: api, clk: clk, person: enrolled.GetPersonId(), last: enrolled.GetPosition(), marks: map[string]time.Time{"enrolled": clk.Now()}}
	clk.Advance(time.Minute)
	p := d.person

	d.step("coordinator", func(ctx context.Context, r string) (string, error) {
		res, err := api.AssignCoordinator(ctx, &parcoursv1.AssignCoordinatorRequest{RequestId: r, PersonId: p, ProfessionalId: "prof-42", OrganisationId: "750000001", DisplayName: "Claire Martin"})
		return res.GetPosition(), err
	})
	d.step("referent", func(ctx context.Context, r string) (string, error) {
		res, err := api.AssignReferent(ctx, &parcoursv1.AssignReferentRequest{RequestId: r, PersonId: p, ProfessionalId: "prof-7", OrganisationId: "440000019", DisplayName: "Yann Le Goff"})
		return res.GetPosition(), err
	})
	var mother string
	d.step("entourage", func(ctx context.Context, r string) (string, error) {
		res, err := api.AddEntourageMember(ctx, &parcoursv1.AddEntourageMemberRequest{RequestId: r, PersonId: p, DisplayName: "Sophie Durand", Relationship: "mère",
			Quadrant: eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_FAMILY, Circle: eventsv1.SluzkiCircle_SLUZKI_CIRCLE_INTIMATE,
			Roles: []eventsv1.EntourageRole{eventsv1.EntourageRole_ENTOURAGE_ROLE_CAREGIVER, eventsv1.EntourageRole_ENTOURAGE_ROLE_LEGAL_REPRESENTATIVE}})
		mother = res.GetMemberId()
		return res.GetPosition(), err
	})
	d.step("life project", func(ctx context.Context, r string) (string, error) {
		res, err := api.ExpressLifeProject(ctx, &parcoursv1.ExpressLifeProjectRequest{RequestId: r, PersonId: p,
			Text: "Je veux vivre près de ma sœur et travailler avec les chevaux.", ExpressedBy: eventsv1.LifeProjectAuthor_LIFE_PROJECT_AUTHOR_PERSON_WITH_HELP})
		return res.GetPosition(), err
	})
	d.step("rights", func(ctx context.Context, r string) (string, error) {
		res, err := api.NotifyRights(ctx, &parcoursv1.NotifyRightsRequest{RequestId: r, PersonId: p, Decision: eventsv1.MdphDecision_MDPH_DECISION_ORIENTATION_ESMS,
			Detail: "orientation FAM", StartDate: today(), EndDate: in(5 * 365), MdphReference: "MDPH44-2026-1234"})
		return res.GetPosition(), err
	})
	var need, objective, action, review string
	d.step("need", func(ctx context.Context, r string) (string, error) {
		res, err := api.IdentifyNeed(ctx, &parcoursv1.IdentifyNeedRequest{RequestId: r, PersonId: p, NeedCode: "1.2.1.3", Description: "Se déplacer seule en ville"})
		need = res.GetNeedId()
		return res.GetPosition(), err
	})
	d.step("objective", func(ctx context.Context, r string) (string, error) {
		res, err := api.SetObjective(ctx, &parcoursv1.SetObjectiveRequest{RequestId: r, PersonId: p, NeedIds: []string{need},
			Statement: "Prendre le tram seule jusqu'au centre équestre", Indicator: "trois trajets seule en un mois", DueDate: in(120)})
		objective = res.GetObjectiveId()
		return res.GetPosition(), err
	})
	d.step("action", func(ctx context.Context, r string) (string, error) {
		res, err := api.PlanAction(ctx, &parcoursv1.PlanActionRequest{RequestId: r, PersonId: p, ObjectiveId: objective, Description: "Accompagner les trajets d'apprentissage",
			Responsible: &parcoursv1.Responsible{Who: &parcoursv1.Responsible_EntourageMemberId{EntourageMemberId: mother}, DisplayName: "Sophie Durand (mère)"}, DueDate: in(60)})
		action = res.GetActionId()
		return res.GetPosition(), err
	})
	d.step("validated", func(ctx context.Context, r string) (string, error) {
		res, err := api.ValidatePlan(ctx, &parcoursv1.ValidatePlanRequest{RequestId: r, PersonId: p, ValidatedBy: eventsv1.PlanValidator_PLAN_VALIDATOR_LEGAL_REPRESENTATIVE,
			RepresentativeMemberId: mother, ValidatedOn: today()})
		return res.GetPosition(), err
	})
	v := d.view()
	if v.GetReferent().GetDisplayName() != "Yann Le Goff" || len(v.GetEntourage()) != 1 || v.GetLifeProject().GetText() == "" ||
		len(v.GetRights()) != 1 || len(v.GetNeeds()) != 1 || v.GetNeeds()[0].GetCode().GetLabel() != "Besoins pour la mobilité" ||
		len(v.GetPlan().GetObjectives()) != 1 || !v.GetPlan().GetValidated() || v.GetPlan().GetRevision() != 1 {
		t.Fatalf("view with a validated plan = %v", v)
	}
	if acts := v.GetPlan().GetObjectives()[0].GetActions(); len(acts) != 1 || acts[0].GetState() != parcoursv1.ActionState_ACTION_STATE_PLANNED {
		t.Fatalf("the plan's action = %v, want one planned", acts)
	}

	var transition string
	d.step("review", func(ctx context.Context, r string) (string, error) {
		res, err := api.SchedulePlanReview(ctx, &parcoursv1.SchedulePlanReviewRequest{RequestId: r, PersonId: p, ScheduledOn: in(90)})
		review = res.GetReviewId()
		return res.GetPosition(), err
	})
	d.step("transition", func(ctx context.Context, r string) (string, error) {
		res, err := api.AnticipateTransition(ctx, &parcoursv1.AnticipateTransitionRequest{RequestId: r, PersonId: p, Kind: eventsv1.TransitionKind_TRANSITION_KIND_ENTREE_ETABLISSEMENT,
			FromSetting: "domicile familial", ToSetting: "FAM Les Cèdres", PlannedDate: in(30), ReceivingPartnerId: "350000014"})
		transition = res.GetTransitionId()
		return res.GetPosition(), err
	})
	if tr := d.view().GetTransitions(); len(tr) != 1 || tr[0].GetState() != parcoursv1.TransitionState_TRANSITION_STATE_ANTICIPATED {
		t.Fatalf("transitions = %v, want one anticipated", tr)
	}
	d.step("transition done", func(ctx context.Context, r string) (string, error) {
		res, err := api.CompleteTransition(ctx, &parcoursv1.CompleteTransitionRequest{RequestId: r, PersonId: p, TransitionId: transition, CompletedOn: today()})
		return res.GetPosition(), err
	})
	d.step("action done", func(ctx context.Context, r string) (string, error) {
		res, err := api.CompleteAction(ctx, &parcoursv1.CompleteActionRequest{RequestId: r, PersonId: p, ActionId: action, CompletedOn: today()})
		return res.GetPosition(), err
	})
	d.step("evaluated", func(ctx context.Context, r string) (string, error) {
		res, err := api.EvaluateObjective(ctx, &parcoursv1.EvaluateObjectiveRequest{RequestId: r, PersonId: p, ObjectiveId: objective,
			Outcome: eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_ACHIEVED, EvaluatedOn: today(), PersonWords: "Je prends le tram toute seule !", ReviewId: review})
		return res.GetPosition(), err
	})
	v = d.view()
	if tr := v.GetTransitions(); tr[0].GetState() != parcoursv1.TransitionState_TRANSITION_STATE_COMPLETED {
		t.Fatalf("transition after completion = %v", tr[0])
	}
	if o := v.GetPlan().GetObjectives()[0]; o.GetState() != parcoursv1.ObjectiveState_OBJECTIVE_STATE_ACHIEVED || o.GetActions()[0].GetState() != parcoursv1.ActionState_ACTION_STATE_COMPLETED {
		t.Fatalf("objective after evaluation = %v", o)
	}

	// Refused once the file is closed; nothing is lost.
	d.step("discharged", func(ctx context.Context, r string) (string, error) {
		res, err := api.DischargePerson(ctx, &parcoursv1.DischargePersonRequest{RequestId: r, PersonId: p, Reason: eventsv1.DischargeReason_DISCHARGE_REASON_DROIT_COMMUN, DischargedOn: today()})
		return res.GetPosition(), err
	})
	final := d.view()
	if !final.GetDischarged() || final.GetDischarge().GetDischargedOn() != today() || int(final.GetVersion()) != len(final.GetTimeline()) {
		t.Fatalf("view after discharge = %v", final)
	}
	_, err = api.IdentifyNeed(ctxT(t), &parcoursv1.IdentifyNeedRequest{RequestId: d.req(), PersonId: p, NeedCode: "1.2.1.3"})
	wantCode(t, err, codes.FailedPrecondition)
	if again := d.view(); !proto.Equal(again, final) {
		t.Fatalf("a refused command changed the view")
	}

	// The file as it was at earlier instants.
	for step, check := range map[string]func(*parcoursv1.CoordinatedView) bool{
		"enrolled": func(v *parcoursv1.CoordinatedView) bool { return v.GetCoordinator() == nil && v.GetVersion() == 1 },
		"entourage": func(v *parcoursv1.CoordinatedView) bool {
			return len(v.GetEntourage()) == 1 && v.GetLifeProject() == nil
		},
		"validated": func(v *parcoursv1.CoordinatedView) bool {
			return v.GetPlan().GetValidated() && len(v.GetTransitions()) == 0
		},
		"transition": func(v *parcoursv1.CoordinatedView) bool { return len(v.GetTransitions()) == 1 && !v.GetDischarged() },
	} {
		if v := d.viewAsOf(step); !check(v) {
			t.Errorf("view as of %q = %v", step, v)
		}
	}

	// The coordinator's caseload (file active) no longer lists a discharged person, unless asked.
	list, err := api.ListCaseload(ctxT(t), &parcoursv1.ListCaseloadRequest{MinPosition: d.last})
	mustNil(t, err)
	if len(list.GetEntries()) != 0 {
		t.Errorf("caseload after discharge = %v, want empty", list.GetEntries())
	}
	list, err = api.ListCaseload(ctxT(t), &parcoursv1.ListCaseloadRequest{IncludeDischarged: true})
	mustNil(t, err)
	if len(list.GetEntries()) != 1 || list.GetEntries()[0].GetPersonId() != p {
		t.Errorf("caseload with discharged = %v, want the person", list.GetEntries())
	}
}
