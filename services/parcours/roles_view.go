package parcours

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The view's coordination roles (coordinateur, référent de parcours), the
// level of coordination and the discharge.

func foldCoordinatorAssigned(view *parcoursv1.CoordinatedView, e *eventsv1.CoordinatorAssigned, when time.Time) {
	view.Coordinator = &parcoursv1.Coordinator{
		ProfessionalId: e.GetProfessionalId(),
		OrganisationId: e.GetOrganisationId(),
		DisplayName:    e.GetDisplayName(),
		Since:          timestamppb.New(when),
		HandedOverFrom: e.GetHandedOverFrom(),
	}
}

func foldReferentAssigned(view *parcoursv1.CoordinatedView, e *eventsv1.ReferentAssigned, when time.Time) {
	view.Referent = &parcoursv1.Referent{
		ProfessionalId: e.GetProfessionalId(),
		OrganisationId: e.GetOrganisationId(),
		DisplayName:    e.GetDisplayName(),
		Since:          timestamppb.New(when),
		HandedOverFrom: e.GetHandedOverFrom(),
	}
}

// foldRoleReleased leaves the role vacant when the professional released
// still holds it (a release naming nobody releases whoever holds it).
func foldRoleReleased(view *parcoursv1.CoordinatedView, e *eventsv1.CoordinationRoleReleased) {
	holds := func(id string) bool { return e.GetProfessionalId() == "" || e.GetProfessionalId() == id }
	switch e.GetRole() {
	case eventsv1.CoordinationRole_COORDINATION_ROLE_COORDINATOR:
		if view.Coordinator != nil && holds(view.Coordinator.GetProfessionalId()) {
			view.Coordinator = nil
		}
	case eventsv1.CoordinationRole_COORDINATION_ROLE_REFERENT:
		if view.Referent != nil && holds(view.Referent.GetProfessionalId()) {
			view.Referent = nil
		}
	}
}

// foldDischarged closes the file. The roles stay as they were at the
// discharge: the caseload lists a discharged person under their last
// coordinator.
func foldDischarged(view *parcoursv1.CoordinatedView, e *eventsv1.PersonDischarged) {
	view.Discharged = true
	view.Discharge = &parcoursv1.Discharge{DischargedOn: e.GetDischargedOn(), Reason: e.GetReason(), Note: e.GetNote()}
}
