package main

import (
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Paris, whatever the system holds

	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// A short file driven through the command line against a real maillaged:
// entourage with a legal representative, a need, an objective and its
// action, the plan validated by the representative, a transition done, the
// caseload, then the discharge; and a need code maillaged does not know.
func TestParcoursFileCommands(t *testing.T) {
	dir, addr := startMaillaged(t)
	env := map[string]string{"MAILLAGE_DATA": dir, "MAILLAGE_ADDR": addr}
	// The token's subject is the coordinator named below, so that
	// `caseload` (the caller's) lists the person.
	tok := ctl(t, env, "token", "--org", "750000001", "--role", "coordinateur", "--subject", "prof-42")
	if tok.code != 0 {
		t.Fatalf("token: %s", tok.stderr)
	}
	env["MAILLAGE_TOKEN"] = strings.TrimSpace(tok.stdout)
	// Facts on yesterday, plans a few months ahead: never on the wrong
	// side of today in Europe/Paris, whatever the zone here.
	past := time.Now().AddDate(0, 0, -1).Format(time.DateOnly)
	later := time.Now().AddDate(0, 3, 0).Format(time.DateOnly)
	// The discharge cannot be before the enrolment: today, the users' day.
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(paris).Format(time.DateOnly)

	person := ok(t, env, &parcoursv1.EnrollPersonResponse{}, "enroll", "--birth-date", "2008-03-14", "--commune", "69123",
		"--public", "disability", "--protection", "tutelle").GetPersonId()
	ok(t, env, &parcoursv1.AssignCoordinatorResponse{}, "assign-coordinator", person,
		"--professional", "prof-42", "--org", "750000001", "--name", "Claire Martin")

	member := ok(t, env, &parcoursv1.AddEntourageMemberResponse{}, "add-member", person, "--name", "Nadia Haddad",
		"--relationship", "mère", "--quadrant", "famille", "--circle", "intime", "--role", "aidant,representant-legal",
		"--expected-version", "2").GetMemberId()
	if len(member) != 26 {
		t.Fatalf("add-member member_id = %q, want a ULID", member)
	}

	// A code maillaged does not know: refused, named, nothing on stdout.
	if r := ctl(t, env, "identify-need", person, "--code", "9.9.9.9"); r.code == 0 || r.stdout != "" ||
		!strings.Contains(r.stderr, "maillagectl: identify-need: InvalidArgument: ") || !strings.Contains(r.stderr, "need_code") {
		t.Errorf("identify-need --code 9.9.9.9: exit %d, stdout %q, stderr %q; want a refusal naming need_code", r.code, r.stdout, r.stderr)
	}

	need := ok(t, env, &parcoursv1.IdentifyNeedResponse{}, "identify-need", person, "--code", "1.2.1.3",
		"--description", "Se déplacer seule en transports en commun").GetNeedId()
	objective := ok(t, env, &parcoursv1.SetObjectiveResponse{}, "set-objective", person, "--need", need,
		"--statement", "Aller seule au lycée en bus", "--indicator", "Trajets seuls par semaine", "--due-date", later).GetObjectiveId()
	action := ok(t, env, &parcoursv1.PlanActionResponse{}, "plan-action", person, "--objective", objective,
		"--description", "Acheter la carte TCL", "--due-date", later, "--member", member,
		"--responsible-name", "Nadia Haddad (mère)").GetActionId()
	validated := ok(t, env, &parcoursv1.ValidatePlanResponse{}, "validate-plan", person, "--by", "representant-legal",
		"--member", member, "--validated-on", past)
	if validated.GetPlanRevision() != 1 {
		t.Errorf("validate-plan = %v, want revision 1", validated)
	}

	tr := ok(t, env, &parcoursv1.AnticipateTransitionResponse{}, "anticipate-transition", person, "--kind", "passage-adulte",
		"--from", "IME Les Tilleuls", "--to", "FAM Les Cèdres", "--date", later).GetTransitionId()
	completed := ok(t, env, &parcoursv1.CompleteTransitionResponse{}, "complete-transition", person,
		"--transition", tr, "--completed-on", past)

	// The person is in the caseload while the file is open; one entry a
	// page, so that --all has pages to follow.
	caseload := ok(t, env, &parcoursv1.ListCaseloadResponse{}, "caseload", "--all", "--page-size", "1",
		"--min-position", completed.GetPosition())
	if caseload.GetNextPageToken() != "" || !slices.ContainsFunc(caseload.GetEntries(), func(e *parcoursv1.CaseloadEntry) bool {
		return e.GetPersonId() == person && e.GetCoordinator().GetProfessionalId() == "prof-42"
	}) {
		t.Errorf("caseload --all = %v, want %s and no next_page_token", caseload, person)
	}

	discharged := ok(t, env, &parcoursv1.DischargePersonResponse{}, "discharge", person, "--reason", "droit-commun",
		"--discharged-on", today, "--note", "Relais pris par le SAVS", "--expected-version", "9")

	view := ok(t, env, &parcoursv1.GetCoordinatedViewResponse{}, "view", person, "--min-position", discharged.GetPosition()).GetView()
	plan := view.GetPlan()
	switch {
	case view.GetVersion() != 10 || !view.GetDischarged() ||
		view.GetDischarge().GetReason() != eventsv1.DischargeReason_DISCHARGE_REASON_DROIT_COMMUN:
		t.Errorf("view = %v, want version 10, discharged towards droit commun", view)
	case len(view.GetEntourage()) != 1 || view.GetEntourage()[0].GetMemberId() != member ||
		!slices.Contains(view.GetEntourage()[0].GetRoles(), eventsv1.EntourageRole_ENTOURAGE_ROLE_LEGAL_REPRESENTATIVE):
		t.Errorf("view entourage = %v, want %s, legal representative", view.GetEntourage(), member)
	case len(view.GetNeeds()) != 1 || view.GetNeeds()[0].GetCode().GetCode() != "1.2.1.3":
		t.Errorf("view needs = %v, want 1.2.1.3", view.GetNeeds())
	case plan.GetRevision() != 1 || plan.GetValidatedBy() != eventsv1.PlanValidator_PLAN_VALIDATOR_LEGAL_REPRESENTATIVE ||
		plan.GetRepresentativeMemberId() != member || len(plan.GetObjectives()) != 1 ||
		plan.GetObjectives()[0].GetObjectiveId() != objective || len(plan.GetObjectives()[0].GetActions()) != 1 ||
		plan.GetObjectives()[0].GetActions()[0].GetActionId() != action:
		t.Errorf("view plan = %v, want revision 1 by %s, with %s and %s", plan, member, objective, action)
	case len(view.GetTransitions()) != 1 || view.GetTransitions()[0].GetState() != parcoursv1.TransitionState_TRANSITION_STATE_COMPLETED ||
		view.GetTransitions()[0].GetCompletedOn() != past:
		t.Errorf("view transitions = %v, want %s completed on %s", view.GetTransitions(), tr, past)
	}
}
