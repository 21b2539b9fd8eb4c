package parcours_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/parcours"
)

func TestEvolveLife(t *testing.T) {
	t.Parallel()
	now := spec().Context().Now
	mother := parcours.EntourageMember{ID: lifeMemberID, DisplayName: "Nadia Haddad", Relationship: "mère",
		Quadrant: eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_FAMILY, Circle: eventsv1.SluzkiCircle_SLUZKI_CIRCLE_INTIMATE,
		Roles:   []eventsv1.EntourageRole{eventsv1.EntourageRole_ENTOURAGE_ROLE_CAREGIVER, eventsv1.EntourageRole_ENTOURAGE_ROLE_LEGAL_REPRESENTATIVE},
		Contact: "06 12 34 56 78", AddedAt: now}
	moved := mother
	moved.Contact = "01 23 45 67 89"
	transition := func(edit func(*parcours.Transition)) map[string]parcours.Transition {
		tr := parcours.Transition{ID: transitionID, Kind: eventsv1.TransitionKind_TRANSITION_KIND_RETOUR_DOMICILE,
			PlannedDate: "2026-12-01", ReceivingPartnerID: partnerID, Status: parcours.TransitionStatusAnticipated}
		edit(&tr)
		return map[string]parcours.Transition{transitionID: tr}
	}
	for _, tc := range []struct {
		name  string
		given []proto.Message
		check func(t *testing.T, s *parcours.PersonState)
	}{
		{"PersonDischarged", []proto.Message{evDischarged()}, func(t *testing.T, s *parcours.PersonState) {
			if !s.Discharged || s.DischargedOn != "2026-11-02" || s.Life.DischargeReason != eventsv1.DischargeReason_DISCHARGE_REASON_DROIT_COMMUN {
				t.Errorf("discharge = %v %q %v", s.Discharged, s.DischargedOn, s.Life.DischargeReason)
			}
		}},
		{"ReferentAssigned", []proto.Message{evReferentAssigned()}, func(t *testing.T, s *parcours.PersonState) {
			want := &parcours.Referent{ProfessionalID: referentProID, OrganisationID: "750000003", DisplayName: "Karim Benali, SESSAD Les Lilas", Since: now}
			if diff := cmp.Diff(want, s.Life.Referent); diff != "" {
				t.Errorf("referent (-want +got):\n%s", diff)
			}
		}},
		{"CoordinationRoleReleased, coordinator", []proto.Message{coordinatorAssigned(), evReferentAssigned(), evCoordinatorReleased()},
			func(t *testing.T, s *parcours.PersonState) {
				if s.Coordinator != nil || s.Life.Referent == nil {
					t.Errorf("coordinator %v, referent %v; want none, kept", s.Coordinator, s.Life.Referent)
				}
			}},
		{"CoordinationRoleReleased, référent", []proto.Message{coordinatorAssigned(), evReferentAssigned(), &eventsv1.CoordinationRoleReleased{
			Role: eventsv1.CoordinationRole_COORDINATION_ROLE_REFERENT, ProfessionalId: referentProID}},
			func(t *testing.T, s *parcours.PersonState) {
				if s.Coordinator == nil || s.Life.Referent != nil {
					t.Errorf("coordinator %v, referent %v; want kept, none", s.Coordinator, s.Life.Referent)
				}
			}},
		{"CoordinationLevelSet", []proto.Message{evLevelSet()}, func(t *testing.T, s *parcours.PersonState) {
			if s.Life.Level != eventsv1.CoordinationLevel_COORDINATION_LEVEL_RENFORCEE {
				t.Errorf("level = %v", s.Life.Level)
			}
		}},
		{"EntourageMemberAdded", []proto.Message{evMemberAdded()}, func(t *testing.T, s *parcours.PersonState) {
			if diff := cmp.Diff(map[string]parcours.EntourageMember{lifeMemberID: mother}, s.Life.Entourage); diff != "" {
				t.Errorf("entourage (-want +got):\n%s", diff)
			}
		}},
		{"EntourageMemberUpdated", []proto.Message{evMemberAdded(), evMemberUpdated()}, func(t *testing.T, s *parcours.PersonState) {
			if diff := cmp.Diff(map[string]parcours.EntourageMember{lifeMemberID: moved}, s.Life.Entourage); diff != "" {
				t.Errorf("entourage (-want +got):\n%s", diff)
			}
		}},
		{"EntourageMemberUpdated of a removed member", []proto.Message{evMemberAdded(), evMemberRemoved(), evMemberUpdated()},
			func(t *testing.T, s *parcours.PersonState) {
				if len(s.Life.Entourage) != 0 {
					t.Errorf("entourage = %v, want empty", s.Life.Entourage)
				}
			}},
		{"LifeProjectExpressed", []proto.Message{evMemberAdded(), evLifeProjectByRepresentative()}, func(t *testing.T, s *parcours.PersonState) {
			want := &parcours.LifeProject{Text: "Vivre dans un appartement près de ma sœur.",
				ExpressedBy: eventsv1.LifeProjectAuthor_LIFE_PROJECT_AUTHOR_LEGAL_REPRESENTATIVE, RepresentativeMemberID: lifeMemberID}
			if diff := cmp.Diff(want, s.Life.LifeProject); diff != "" {
				t.Errorf("projet de vie (-want +got):\n%s", diff)
			}
		}},
		{"RightsNotified", []proto.Message{evRightsNotified()}, func(t *testing.T, s *parcours.PersonState) {
			want := map[string]parcours.Right{lifeRightID: {ID: lifeRightID, Decision: eventsv1.MdphDecision_MDPH_DECISION_ORIENTATION_ESMS,
				StartDate: "2026-01-01", EndDate: "2030-12-31"}}
			if diff := cmp.Diff(want, s.Life.Rights); diff != "" {
				t.Errorf("rights (-want +got):\n%s", diff)
			}
		}},
		{"TransitionRescheduled", []proto.Message{transitionAnticipated(), evRescheduled()}, func(t *testing.T, s *parcours.PersonState) {
			if diff := cmp.Diff(transition(func(tr *parcours.Transition) { tr.PlannedDate = "2027-01-15" }), s.Transitions); diff != "" {
				t.Errorf("transitions (-want +got):\n%s", diff)
			}
		}},
		{"TransitionCompleted", []proto.Message{transitionAnticipated(), evCompleted()}, func(t *testing.T, s *parcours.PersonState) {
			want := transition(func(tr *parcours.Transition) {
				tr.Status, tr.CompletedOn = parcours.TransitionStatusCompleted, "2026-11-02"
			})
			if diff := cmp.Diff(want, s.Transitions); diff != "" {
				t.Errorf("transitions (-want +got):\n%s", diff)
			}
		}},
		{"TransitionCancelled", []proto.Message{transitionAnticipated(), evCancelled()}, func(t *testing.T, s *parcours.PersonState) {
			if diff := cmp.Diff(transition(func(tr *parcours.Transition) { tr.Status = parcours.TransitionStatusCancelled }), s.Transitions); diff != "" {
				t.Errorf("transitions (-want +got):\n%s", diff)
			}
		}},
		{"RuptureRiskRaised", []proto.Message{transitionAnticipated(), evRiskRaised()}, func(t *testing.T, s *parcours.PersonState) {
			want := map[string]parcours.Risk{lifeRiskID: {ID: lifeRiskID, Kind: eventsv1.RuptureKind_RUPTURE_KIND_TRANSITION_UNSECURED,
				RaisedOn: "2026-11-02", TransitionID: transitionID}}
			if diff := cmp.Diff(want, s.Life.OpenRisks); diff != "" {
				t.Errorf("risks (-want +got):\n%s", diff)
			}
		}},
		{"RuptureResolved, a rupture and a risk", []proto.Message{transitionAnticipated(), ruptureDetected(), evRiskRaised(), evResolved(),
			&eventsv1.RuptureResolved{RuptureId: lifeRiskID, ResolvedOn: "2026-11-01"}},
			func(t *testing.T, s *parcours.PersonState) {
				if len(s.OpenRuptures) != 0 || len(s.Life.OpenRisks) != 0 {
					t.Errorf("open ruptures %v, risks %v; want none", s.OpenRuptures, s.Life.OpenRisks)
				}
				if diff := cmp.Diff(map[string]string{ruptureID: "2026-11-02", lifeRiskID: "2026-11-01"}, s.Life.Resolved); diff != "" {
					t.Errorf("resolved (-want +got):\n%s", diff)
				}
			}},
		{"transition events about an unknown transition", []proto.Message{evRescheduled(), evCompleted(), evCancelled()},
			func(t *testing.T, s *parcours.PersonState) {
				if len(s.Transitions) != 0 {
					t.Errorf("transitions = %v, want none", s.Transitions)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.check(t, spec().Given(append([]proto.Message{enrolled()}, tc.given...)...).State())
		})
	}
}

// TestEvolveLifeOnABareState checks that the life events fold into a state
// built by hand, with none of its maps.
func TestEvolveLifeOnABareState(t *testing.T) {
	t.Parallel()
	s := &parcours.PersonState{PersonID: personID, Enrolled: true}
	for _, e := range []proto.Message{evMemberAdded(), evRightsNotified(), evRiskRaised(), evResolved(), evCompleted()} {
		s = parcours.Person.Evolve(s, decider.Event{Payload: e})
	}
	if len(s.Life.Entourage) != 1 || len(s.Life.Rights) != 1 || len(s.Life.OpenRisks) != 1 || len(s.Life.Resolved) != 1 {
		t.Errorf("Evolve on a bare state = %+v", s.Life)
	}
}
