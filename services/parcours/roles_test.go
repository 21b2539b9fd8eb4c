package parcours_test

import (
	"testing"

	"github.com/maillage/maillage/internal/decider/decidertest"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/parcours"
)

func TestDischargePerson(t *testing.T) {
	t.Parallel()
	t.Run("closes the file", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled()).When(cmdDischarge()).Then(t, evDischarged())
	})
	t.Run("left today in Paris, still yesterday in UTC", func(t *testing.T) {
		t.Parallel()
		cmd := cmdDischarge()
		cmd.DischargedOn = "2026-11-02"
		want := evDischarged()
		want.DischargedOn = "2026-11-02"
		spec(decidertest.At(midnightInParis)).Given(enrolled()).When(cmd).Then(t, want)
	})
	t.Run("for another reason, with a note", func(t *testing.T) {
		t.Parallel()
		cmd := cmdDischarge()
		cmd.Reason, cmd.Note = eventsv1.DischargeReason_DISCHARGE_REASON_OTHER, "Prise en charge par l'ASE."
		want := evDischarged()
		want.Reason, want.Note = eventsv1.DischargeReason_DISCHARGE_REASON_OTHER, "Prise en charge par l'ASE."
		spec().Given(enrolled()).When(cmd).Then(t, want)
	})
	t.Run("then every command is refused", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), evDischarged()).When(assign()).ThenRefused(t, "person.discharged")
		spec().Given(enrolled(), evDischarged()).When(cmdDischarge()).ThenRefused(t, "person.discharged")
	})
}

func TestDischargePersonInvalid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		edit  func(*parcours.DischargePerson)
		field string
	}{
		{"reason not stated", func(c *parcours.DischargePerson) { c.Reason = eventsv1.DischargeReason_DISCHARGE_REASON_UNSPECIFIED }, "reason"},
		{"reason undefined", func(c *parcours.DischargePerson) { c.Reason = 99 }, "reason"},
		{"another reason with no note", func(c *parcours.DischargePerson) {
			c.Reason, c.Note = eventsv1.DischargeReason_DISCHARGE_REASON_OTHER, ""
		}, "note"},
		{"no date", func(c *parcours.DischargePerson) { c.DischargedOn = "" }, "discharged_on"},
		{"date not a day", func(c *parcours.DischargePerson) { c.DischargedOn = "2026-02-29" }, "discharged_on"},
		{"tomorrow", func(c *parcours.DischargePerson) { c.DischargedOn = "2026-11-03" }, "discharged_on"},
		{"before the enrolment", func(c *parcours.DischargePerson) { c.DischargedOn = "2026-11-01" }, "discharged_on"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := cmdDischarge()
			tc.edit(&cmd)
			spec().Given(enrolled()).When(cmd).ThenInvalid(t, tc.field)
		})
	}
}

func TestAssignReferent(t *testing.T) {
	t.Parallel()
	t.Run("names the référent", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled()).When(cmdAssignReferent()).Then(t, evReferentAssigned())
	})
	t.Run("the coordinator may be the référent", func(t *testing.T) {
		t.Parallel()
		cmd := cmdAssignReferent()
		cmd.ProfessionalID, cmd.OrganisationID = "rpps-10101010101", "750000001"
		spec().Given(enrolled(), coordinatorAssigned()).When(cmd).Then(t, &eventsv1.ReferentAssigned{
			ProfessionalId: "rpps-10101010101", OrganisationId: "750000001", DisplayName: cmd.DisplayName,
		})
	})
	t.Run("same professional and organisation again records nothing", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), evReferentAssigned()).When(cmdAssignReferent()).Then(t)
	})
	t.Run("another professional takes over", func(t *testing.T) {
		t.Parallel()
		cmd := cmdAssignReferent()
		cmd.ProfessionalID = "rpps-40404040404"
		want := evReferentAssigned()
		want.ProfessionalId, want.HandedOverFrom = "rpps-40404040404", referentProID
		spec().Given(enrolled(), evReferentAssigned()).When(cmd).Then(t, want)
	})
	t.Run("after a release, no handover", func(t *testing.T) {
		t.Parallel()
		released := &eventsv1.CoordinationRoleReleased{Role: eventsv1.CoordinationRole_COORDINATION_ROLE_REFERENT, ProfessionalId: referentProID, Reason: "mutation"}
		spec().Given(enrolled(), evReferentAssigned(), released).When(cmdAssignReferent()).Then(t, evReferentAssigned())
	})
	for _, tc := range []struct {
		name  string
		edit  func(*parcours.AssignReferent)
		field string
	}{
		{"no professional", func(c *parcours.AssignReferent) { c.ProfessionalID = "" }, "professional_id"},
		{"no organisation", func(c *parcours.AssignReferent) { c.OrganisationID = "" }, "organisation_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := cmdAssignReferent()
			tc.edit(&cmd)
			spec().Given(enrolled()).When(cmd).ThenInvalid(t, tc.field)
		})
	}
}

func TestReleaseCoordinationRole(t *testing.T) {
	t.Parallel()
	t.Run("the coordinator", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), coordinatorAssigned()).When(cmdReleaseCoordinator()).Then(t, evCoordinatorReleased())
	})
	t.Run("the référent", func(t *testing.T) {
		t.Parallel()
		cmd := parcours.ReleaseCoordinationRole{PersonID: personID, Role: eventsv1.CoordinationRole_COORDINATION_ROLE_REFERENT,
			ProfessionalID: referentProID, Reason: "mutation"}
		spec().Given(enrolled(), coordinatorAssigned(), evReferentAssigned()).When(cmd).Then(t, &eventsv1.CoordinationRoleReleased{
			Role: eventsv1.CoordinationRole_COORDINATION_ROLE_REFERENT, ProfessionalId: referentProID, Reason: "mutation"})
	})
	t.Run("by someone else than the coordinator", func(t *testing.T) {
		t.Parallel()
		cmd := cmdReleaseCoordinator()
		cmd.ProfessionalID = referentProID
		spec().Given(enrolled(), coordinatorAssigned(), evReferentAssigned()).When(cmd).ThenRefused(t, "coordination_role.not_held")
		refusedOn(t, spec().Given(enrolled(), coordinatorAssigned()).State(), cmd, "coordination_role.not_held",
			"the coordinator of person "+personID+" is rpps-10101010101, not "+referentProID)
	})
	t.Run("nobody coordinates", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled()).When(cmdReleaseCoordinator()).ThenRefused(t, "coordination_role.not_held")
	})
	t.Run("released already", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), coordinatorAssigned(), evCoordinatorReleased()).When(cmdReleaseCoordinator()).
			ThenRefused(t, "coordination_role.not_held")
	})
	t.Run("the coordinator does not hold the référent role", func(t *testing.T) {
		t.Parallel()
		cmd := cmdReleaseCoordinator()
		cmd.Role = eventsv1.CoordinationRole_COORDINATION_ROLE_REFERENT
		spec().Given(enrolled(), coordinatorAssigned(), evReferentAssigned()).When(cmd).ThenRefused(t, "coordination_role.not_held")
	})
	for _, tc := range []struct {
		name  string
		edit  func(*parcours.ReleaseCoordinationRole)
		field string
	}{
		{"no role", func(c *parcours.ReleaseCoordinationRole) {
			c.Role = eventsv1.CoordinationRole_COORDINATION_ROLE_UNSPECIFIED
		}, "role"},
		{"undefined role", func(c *parcours.ReleaseCoordinationRole) { c.Role = 7 }, "role"},
		{"no professional", func(c *parcours.ReleaseCoordinationRole) { c.ProfessionalID = "" }, "professional_id"},
		{"no reason", func(c *parcours.ReleaseCoordinationRole) { c.Reason = "" }, "reason"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := cmdReleaseCoordinator()
			tc.edit(&cmd)
			spec().Given(enrolled(), coordinatorAssigned()).When(cmd).ThenInvalid(t, tc.field)
		})
	}
}

func TestSetCoordinationLevel(t *testing.T) {
	t.Parallel()
	t.Run("sets the level", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled()).When(cmdSetLevel()).Then(t, evLevelSet())
	})
	t.Run("replaces another level", func(t *testing.T) {
		t.Parallel()
		cmd := cmdSetLevel()
		cmd.Level, cmd.Reason = eventsv1.CoordinationLevel_COORDINATION_LEVEL_SIMPLE, ""
		spec().Given(enrolled(), evLevelSet()).When(cmd).Then(t, &eventsv1.CoordinationLevelSet{Level: eventsv1.CoordinationLevel_COORDINATION_LEVEL_SIMPLE})
	})
	t.Run("the same level again records nothing", func(t *testing.T) {
		t.Parallel()
		cmd := cmdSetLevel()
		cmd.Reason = "autre motif"
		spec().Given(enrolled(), evLevelSet()).When(cmd).Then(t)
	})
	t.Run("no level", func(t *testing.T) {
		t.Parallel()
		cmd := cmdSetLevel()
		cmd.Level = eventsv1.CoordinationLevel_COORDINATION_LEVEL_UNSPECIFIED
		spec().Given(enrolled()).When(cmd).ThenInvalid(t, "level")
		spec().Given().When(cmd).ThenInvalid(t, "level")
	})
}
