package parcours_test

import (
	"strings"
	"testing"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/serafin"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/parcours"
)

// What is linked to a hidden category is hidden with it: an objective and
// its action under a santé need, the entourage named as responsible, a
// soins prestation, the person's choices about sharing; in the view's
// sections and in its timeline.
func TestRedactHidesWhatIsLinkedToHiddenCategories(t *testing.T) {
	t.Parallel()
	const otherNeed, otherObjective, healthAction, otherAction = "01JC4NEED00000000000000077", "01JC4OBJ000000000000000077", "01JC4ACT000000000000000066", "01JC4ACT000000000000000077"
	byMother := &eventsv1.Responsible{Who: &eventsv1.Responsible_EntourageMemberId{EntourageMemberId: lifeMemberID}, DisplayName: "Nadia Haddad (mère)"}
	view := viewOf(t,
		evMemberAdded(),
		needIdentified(), // 1.1.1: santé
		objectiveSet(),   // linked to it
		&eventsv1.ActionPlanned{ActionId: healthAction, ObjectiveId: objectiveID, Description: "rendez-vous psychologue", Responsible: byMother,
			DueDate: "2026-12-20", Prestation: &eventsv1.SerafinCode{System: serafin.System, Version: serafin.Version, Code: "2.1.1.3"}},
		&eventsv1.NeedIdentified{NeedId: otherNeed, Code: &eventsv1.SerafinCode{System: serafin.System, Version: serafin.Version, Code: "1.2.1.3"}},
		&eventsv1.ObjectiveSet{ObjectiveId: otherObjective, NeedIds: []string{otherNeed}, Statement: "prendre le bus", Indicator: "trajets", DueDate: "2027-06-30"},
		&eventsv1.ActionPlanned{ActionId: otherAction, ObjectiveId: otherObjective, Description: "trajets accompagnés", Responsible: byMother, DueDate: "2026-12-21"},
		&eventsv1.SharingConsentRecorded{ConsentId: "c1", Categories: []eventsv1.InformationCategory{access.Sante}, DecidedBy: 1, RecordedOn: "2026-11-02"},
	)
	g := access.Grant{Part: access.PartPartner, Categories: access.Of(access.Identite, access.Projet, access.Evaluations)}
	parcours.Redact(view, g)
	if len(view.GetNeeds()) != 1 || view.GetNeeds()[0].GetNeedId() != otherNeed {
		t.Errorf("needs %v, want only the évaluations one", view.GetNeeds())
	}
	objs := view.GetPlan().GetObjectives()
	if len(objs) != 1 || objs[0].GetObjectiveId() != otherObjective {
		t.Fatalf("objectives %v, want only the one under the évaluations need", objs)
	}
	if r := objs[0].GetActions()[0].GetResponsible(); r.GetEntourageMemberId() != "" || strings.Contains(r.GetDisplayName(), "Nadia") {
		t.Errorf("the entourage named as responsible: %v", r)
	}
	for _, e := range view.GetTimeline() {
		if strings.Contains(e.GetSummary(), "Nadia") || strings.Contains(e.GetSummary(), "psycholog") || strings.Contains(e.GetSummary(), "2.1.1") ||
			strings.HasPrefix(e.GetEventType(), "Sharing") || e.GetCategory() == access.Sante || e.GetCategory() == access.VieSociale {
			t.Errorf("timeline line %s (%s): %q", e.GetEventType(), e.GetCategory(), e.GetSummary())
		}
	}
	for _, id := range append(view.GetNextActions(), view.GetOverdueActions()...) {
		if id == healthAction {
			t.Errorf("the santé action is listed among next or overdue actions")
		}
	}
	if len(view.GetConsents()) != 0 || len(view.GetEntourage()) != 0 {
		t.Errorf("consents %v, entourage %v shown to a partner without them", view.GetConsents(), view.GetEntourage())
	}
}
