package parcours_test

import (
	"testing"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/decider/decidertest"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/parcours"
)

// The process manager's commands: a partner engaged takes part in the
// file for its mission, and leaves when its engagement ends, unless the
// coordination associated it itself.

var processManager = decidertest.Caller(access.Caller{Subject: "maillage-engagements", Organisation: "maillage"})

const savs = "350000022"

func join() parcours.JoinByEngagement {
	return parcours.JoinByEngagement{PersonID: personID, OrganisationID: savs, DisplayName: "SAVS", Mission: eventsv1.PartnerMission_PARTNER_MISSION_VIE_SOCIALE,
		EngagementID: "E1"}
}

func joinedByE1() *eventsv1.PartnerJoinedCoordination {
	return &eventsv1.PartnerJoinedCoordination{OrganisationId: savs, DisplayName: "SAVS", Mission: eventsv1.PartnerMission_PARTNER_MISSION_VIE_SOCIALE,
		Categories: access.MissionCategories(eventsv1.PartnerMission_PARTNER_MISSION_VIE_SOCIALE).List(), EngagementId: "E1"}
}

func TestEngagementsInTheFile(t *testing.T) {
	t.Parallel()
	leave := parcours.LeaveByEngagement{PersonID: personID, OrganisationID: savs, EngagementID: "E1"}
	left := &eventsv1.PartnerLeftCoordination{OrganisationId: savs, Reason: "fin de l'engagement", EngagementId: "E1"}
	t.Run("the engaged partner joins, for its mission", func(t *testing.T) {
		spec(processManager).Given(enrolled()).When(join()).Then(t, joinedByE1())
	})
	t.Run("and leaves when its engagement ends", func(t *testing.T) {
		spec(processManager).Given(enrolled(), joinedByE1()).When(leave).Then(t, left)
	})
	t.Run("associated by the coordination: it stays", func(t *testing.T) {
		associated := joinedByE1()
		associated.EngagementId = ""
		spec(processManager).Given(enrolled(), associated).When(join()).Then(t)
		spec(processManager).Given(enrolled(), associated).When(leave).Then(t)
		spec(processManager).Given(enrolled(), joinedByE1(), associated).When(leave).Then(t)
	})
	t.Run("a closed file changes no more", func(t *testing.T) {
		spec(processManager).Given(enrolled(), evDischarged()).When(join()).Then(t)
	})
	t.Run("nobody else runs them", func(t *testing.T) {
		spec().Given(enrolled()).When(join()).ThenError(t, derrors.ErrPermission)
		spec(decidertest.Caller(access.Caller{Subject: "maillage-engagements", Organisation: savs})).Given(enrolled(), joinedByE1()).
			When(leave).ThenError(t, derrors.ErrPermission)
	})
}
