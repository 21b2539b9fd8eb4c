package parcours_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/decider/decidertest"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/parcours"
)

const (
	personID     = "01JBZ8Q6Y7K3M2N4P5R6S7T8V9"
	otherPerson  = "01JBZ8Q6Y7K3M2N4P5R6S7T8VA"
	transitionID = "01JC1TRANS1T10N0000000000A"
	ruptureID    = "01JC2RVPTVRE00000000000000"
	partnerID    = "01JC3PARTNER00000000000000"
)

// midnightInParis is 2026-11-02 00:30 in Paris but still 2026-11-01 in
// UTC: the day the users live in is Paris's.
var midnightInParis = time.Date(2026, 11, 1, 23, 30, 0, 0, time.UTC)

func spec(opts ...decidertest.Option) decidertest.Spec[*parcours.PersonState, parcours.Command] {
	return decidertest.New(parcours.Person, opts...)
}

func enrolled() *eventsv1.PersonEnrolled {
	return &eventsv1.PersonEnrolled{
		PersonId:        personID,
		Ins:             proto.String("180127512312345"),
		BirthDate:       "1980-01-27",
		Domicile:        &eventsv1.Domicile{CommuneInsee: "75056", Latitude: proto.Float64(48.8566), Longitude: proto.Float64(2.3522)},
		PublicConcerned: eventsv1.PublicConcerned_PUBLIC_CONCERNED_DISABILITY,
		LegalProtection: eventsv1.LegalProtection_LEGAL_PROTECTION_CURATELLE,
		RequestOrigin:   "MDPH de Paris",
	}
}

func enroll() parcours.EnrollPerson {
	return parcours.EnrollPerson{
		PersonID:        personID,
		INS:             proto.String("180127512312345"),
		BirthDate:       "1980-01-27",
		Domicile:        parcours.Domicile{CommuneINSEE: "75056", Coordinates: &parcours.GeoPoint{Latitude: 48.8566, Longitude: 2.3522}},
		PublicConcerned: eventsv1.PublicConcerned_PUBLIC_CONCERNED_DISABILITY,
		LegalProtection: eventsv1.LegalProtection_LEGAL_PROTECTION_CURATELLE,
		RequestOrigin:   "MDPH de Paris",
	}
}

func coordinatorAssigned() *eventsv1.CoordinatorAssigned {
	return &eventsv1.CoordinatorAssigned{ProfessionalId: "rpps-10101010101", OrganisationId: "750000001", DisplayName: "Claire Martin, PCPE du Val"}
}

func assign() parcours.AssignCoordinator {
	return parcours.AssignCoordinator{PersonID: personID, ProfessionalID: "rpps-10101010101", OrganisationID: "750000001", DisplayName: "Claire Martin, PCPE du Val"}
}

func transitionAnticipated() *eventsv1.TransitionAnticipated {
	return &eventsv1.TransitionAnticipated{
		TransitionId:       transitionID,
		Kind:               eventsv1.TransitionKind_TRANSITION_KIND_RETOUR_DOMICILE,
		FromSetting:        "MAS Les Tilleuls",
		ToSetting:          "domicile familial",
		PlannedDate:        "2026-12-01",
		ReceivingPartnerId: partnerID,
	}
}

func anticipate() parcours.AnticipateTransition {
	return parcours.AnticipateTransition{
		PersonID:           personID,
		Kind:               eventsv1.TransitionKind_TRANSITION_KIND_RETOUR_DOMICILE,
		FromSetting:        "MAS Les Tilleuls",
		ToSetting:          "domicile familial",
		PlannedDate:        "2026-12-01",
		ReceivingPartnerID: partnerID,
	}
}

func ruptureDetected() *eventsv1.RuptureDetected {
	return &eventsv1.RuptureDetected{
		RuptureId:    ruptureID,
		Kind:         eventsv1.RuptureKind_RUPTURE_KIND_TRANSITION_UNSECURED,
		Description:  "Aucun SSIAD n'a confirmé la reprise des soins au retour.",
		DetectedOn:   "2026-11-02",
		TransitionId: transitionID,
	}
}

func report() parcours.ReportRupture {
	return parcours.ReportRupture{
		PersonID:     personID,
		Kind:         eventsv1.RuptureKind_RUPTURE_KIND_TRANSITION_UNSECURED,
		Description:  "Aucun SSIAD n'a confirmé la reprise des soins au retour.",
		DetectedOn:   "2026-11-02",
		TransitionID: transitionID,
	}
}

// discharged is the file of a person who has left the coordination, with
// a transition, a rupture and an entourage member, so that only the
// discharge can refuse a command.
func discharged() *parcours.PersonState {
	return spec().Given(enrolled(), coordinatorAssigned(), evReferentAssigned(), transitionAnticipated(), ruptureDetected(),
		evMemberAdded(), evDischarged()).State()
}

// refusedOn decides cmd on state and checks it is refused by rule, with a
// reason that carries want.
func refusedOn(t *testing.T, state *parcours.PersonState, cmd parcours.Command, rule, want string) {
	t.Helper()
	evs, err := parcours.Person.Decide(state, cmd, spec().Context())
	var re *derrors.RuleError
	if !errors.As(err, &re) || re.Rule != rule {
		t.Fatalf("Decide(%T) = %v, %v; want refused by rule %q", cmd, evs, err, rule)
	}
	if !strings.Contains(re.Reason, want) {
		t.Errorf("Decide(%T) reason = %q, want it to say %q", cmd, re.Reason, want)
	}
}

func TestEnrollPerson(t *testing.T) {
	t.Parallel()
	t.Run("records the enrolment", func(t *testing.T) {
		t.Parallel()
		spec().Given().When(enroll()).Then(t, enrolled())
	})
	t.Run("without INS nor coordinates", func(t *testing.T) {
		t.Parallel()
		cmd := enroll()
		cmd.INS, cmd.Domicile.Coordinates, cmd.RequestOrigin = nil, nil, ""
		want := enrolled()
		want.Ins, want.Domicile, want.RequestOrigin = nil, &eventsv1.Domicile{CommuneInsee: "75056"}, ""
		spec().Given().When(cmd).Then(t, want)
	})
	t.Run("born today in Paris, still yesterday in UTC", func(t *testing.T) {
		t.Parallel()
		cmd := enroll()
		cmd.BirthDate = "2026-11-02"
		want := enrolled()
		want.BirthDate = "2026-11-02"
		spec(decidertest.At(midnightInParis)).Given().When(cmd).Then(t, want)
	})
	t.Run("born on the first day accepted", func(t *testing.T) {
		t.Parallel()
		cmd := enroll()
		cmd.BirthDate = "1900-01-01"
		want := enrolled()
		want.BirthDate = "1900-01-01"
		spec().Given().When(cmd).Then(t, want)
	})
	t.Run("already enrolled", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled()).When(enroll()).ThenRefused(t, "person.already_enrolled")
	})
}

func TestEnrollPersonInvalid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		edit  func(*parcours.EnrollPerson)
		field string
	}{
		{"no person id", func(c *parcours.EnrollPerson) { c.PersonID = "" }, "person_id"},
		{"no birth date", func(c *parcours.EnrollPerson) { c.BirthDate = "" }, "birth_date"},
		{"birth date not a day", func(c *parcours.EnrollPerson) { c.BirthDate = "2026-02-30" }, "birth_date"},
		{"birth date in French order", func(c *parcours.EnrollPerson) { c.BirthDate = "27/01/1980" }, "birth_date"},
		{"birth date before 1900", func(c *parcours.EnrollPerson) { c.BirthDate = "1899-12-31" }, "birth_date"},
		{"birth date tomorrow", func(c *parcours.EnrollPerson) { c.BirthDate = "2026-11-03" }, "birth_date"},
		{"public not stated", func(c *parcours.EnrollPerson) {
			c.PublicConcerned = eventsv1.PublicConcerned_PUBLIC_CONCERNED_UNSPECIFIED
		}, "public_concerned"},
		{"legal protection not stated", func(c *parcours.EnrollPerson) {
			c.LegalProtection = eventsv1.LegalProtection_LEGAL_PROTECTION_UNSPECIFIED
		}, "legal_protection"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := enroll()
			tc.edit(&cmd)
			spec().Given().When(cmd).ThenInvalid(t, tc.field)
		})
	}
}

func TestEnrollPersonGathersEveryViolation(t *testing.T) {
	t.Parallel()
	cmd := enroll()
	cmd.BirthDate = "2030-01-01"
	cmd.PublicConcerned = eventsv1.PublicConcerned_PUBLIC_CONCERNED_UNSPECIFIED
	_, err := parcours.Person.Decide(parcours.Person.Initial(), cmd, spec().Context())
	ie, ok := errors.AsType[*derrors.InvalidError](err)
	if !ok {
		t.Fatalf("Decide(EnrollPerson) = %v, want an *InvalidError", err)
	}
	want := []derrors.FieldViolation{
		{Field: "birth_date", Description: "2030-01-01 is after today (2026-11-02, Europe/Paris)"},
		{Field: "public_concerned", Description: "the public concerned is required"},
	}
	if diff := cmp.Diff(want, ie.Violations); diff != "" {
		t.Errorf("Decide(EnrollPerson) violations (-want +got):\n%s", diff)
	}
}

func TestAssignCoordinator(t *testing.T) {
	t.Parallel()
	t.Run("names the coordinator", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled()).When(assign()).Then(t, coordinatorAssigned())
	})
	t.Run("same professional and organisation again records nothing", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), coordinatorAssigned()).When(assign()).Then(t)
	})
	t.Run("after a release, the role was vacant: no handover", func(t *testing.T) {
		t.Parallel()
		cmd := assign()
		cmd.ProfessionalID = "rpps-20202020202"
		spec().Given(enrolled(), coordinatorAssigned(), evCoordinatorReleased()).When(cmd).Then(t, &eventsv1.CoordinatorAssigned{
			ProfessionalId: cmd.ProfessionalID, OrganisationId: cmd.OrganisationID, DisplayName: cmd.DisplayName,
		})
	})
	for _, tc := range []struct {
		name string
		edit func(*parcours.AssignCoordinator)
	}{
		{"another professional", func(c *parcours.AssignCoordinator) { c.ProfessionalID = "rpps-20202020202" }},
		{"same professional for another organisation", func(c *parcours.AssignCoordinator) { c.OrganisationID = "750000002" }},
	} {
		t.Run(tc.name+" replaces the coordinator", func(t *testing.T) {
			t.Parallel()
			cmd := assign()
			tc.edit(&cmd)
			spec().Given(enrolled(), coordinatorAssigned()).When(cmd).Then(t, &eventsv1.CoordinatorAssigned{
				ProfessionalId: cmd.ProfessionalID, OrganisationId: cmd.OrganisationID, DisplayName: cmd.DisplayName,
				HandedOverFrom: "rpps-10101010101",
			})
		})
	}
}

// TestCommandsNeedAnOpenFile runs every command but EnrollPerson on a file
// that was never opened, and on a closed one.
func TestCommandsNeedAnOpenFile(t *testing.T) {
	t.Parallel()
	for _, cmd := range []parcours.Command{assign(), anticipate(), report(),
		cmdDischarge(), cmdAssignReferent(), cmdReleaseCoordinator(), cmdSetLevel(),
		cmdAddMember(), cmdUpdateMember(), cmdRemoveMember(), cmdExpressByRepresentative(), cmdNotifyRights(),
		cmdReschedule(), cmdComplete(), cmdCancel(), cmdRaiseRisk(), cmdResolve()} {
		t.Run(strings.TrimPrefix(fmt.Sprintf("%T", cmd), "parcours."), func(t *testing.T) {
			t.Parallel()
			t.Run("never enrolled", func(t *testing.T) {
				t.Parallel()
				spec().Given().When(cmd).ThenError(t, derrors.ErrNotFound)
			})
			t.Run("discharged", func(t *testing.T) {
				t.Parallel()
				refusedOn(t, discharged(), cmd, "person.discharged", "person "+personID+" was discharged on 2026-11-02")
			})
			t.Run("decided on another person's file", func(t *testing.T) {
				t.Parallel()
				other := enrolled()
				other.PersonId = otherPerson
				_, err := parcours.Person.Decide(spec().Given(other).State(), cmd, spec().Context())
				if err == nil || errors.Is(err, derrors.ErrRejected) || errors.Is(err, derrors.ErrNotFound) || errors.Is(err, derrors.ErrInvalid) {
					t.Errorf("Decide(%T) on %s's file = %v, want an internal error", cmd, otherPerson, err)
				}
			})
		})
	}
}

func TestAnticipateTransition(t *testing.T) {
	t.Parallel()
	t.Run("records the transition with a new id", func(t *testing.T) {
		t.Parallel()
		spec(decidertest.IDs(transitionID)).Given(enrolled()).When(anticipate()).Then(t, transitionAnticipated())
	})
	t.Run("planned for today in Paris, still yesterday in UTC", func(t *testing.T) {
		t.Parallel()
		cmd := anticipate()
		cmd.PlannedDate = "2026-11-02"
		want := transitionAnticipated()
		want.PlannedDate = "2026-11-02"
		spec(decidertest.At(midnightInParis), decidertest.IDs(transitionID)).Given(enrolled()).When(cmd).Then(t, want)
	})
	t.Run("with no receiving partner yet", func(t *testing.T) {
		t.Parallel()
		cmd := anticipate()
		cmd.ReceivingPartnerID = ""
		want := transitionAnticipated()
		want.ReceivingPartnerId = ""
		spec(decidertest.IDs(transitionID)).Given(enrolled()).When(cmd).Then(t, want)
	})
}

func TestAnticipateTransitionInvalid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		at    time.Time
		edit  func(*parcours.AnticipateTransition)
		field string
	}{
		{"kind not stated", time.Time{}, func(c *parcours.AnticipateTransition) {
			c.Kind = eventsv1.TransitionKind_TRANSITION_KIND_UNSPECIFIED
		}, "kind"},
		{"no planned date", time.Time{}, func(c *parcours.AnticipateTransition) { c.PlannedDate = "" }, "planned_date"},
		{"planned date not a day", time.Time{}, func(c *parcours.AnticipateTransition) { c.PlannedDate = "2026-11-31" }, "planned_date"},
		{"planned yesterday", time.Time{}, func(c *parcours.AnticipateTransition) { c.PlannedDate = "2026-11-01" }, "planned_date"},
		{"planned for today in UTC, yesterday in Paris", midnightInParis, func(c *parcours.AnticipateTransition) {
			c.PlannedDate = "2026-11-01"
		}, "planned_date"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := anticipate()
			tc.edit(&cmd)
			var opts []decidertest.Option
			if !tc.at.IsZero() {
				opts = append(opts, decidertest.At(tc.at))
			}
			spec(opts...).Given(enrolled()).When(cmd).ThenInvalid(t, tc.field)
			// A bad request is bad whatever the file: checked before it.
			spec(opts...).Given().When(cmd).ThenInvalid(t, tc.field)
		})
	}
}

func TestReportRupture(t *testing.T) {
	t.Parallel()
	t.Run("about a transition of the person", func(t *testing.T) {
		t.Parallel()
		spec(decidertest.IDs(ruptureID)).Given(enrolled(), transitionAnticipated()).When(report()).Then(t, ruptureDetected())
	})
	t.Run("about no transition", func(t *testing.T) {
		t.Parallel()
		cmd := report()
		cmd.TransitionID, cmd.Kind = "", eventsv1.RuptureKind_RUPTURE_KIND_NO_COORDINATOR
		want := ruptureDetected()
		want.TransitionId, want.Kind = "", eventsv1.RuptureKind_RUPTURE_KIND_NO_COORDINATOR
		spec(decidertest.IDs(ruptureID)).Given(enrolled()).When(cmd).Then(t, want)
	})
	t.Run("found today in Paris, tomorrow in UTC", func(t *testing.T) {
		t.Parallel()
		spec(decidertest.At(midnightInParis), decidertest.IDs(ruptureID)).
			Given(enrolled(), transitionAnticipated()).When(report()).Then(t, ruptureDetected())
	})
	t.Run("about an unknown transition", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled()).When(report()).ThenRefused(t, "transition.unknown")
		refusedOn(t, spec().Given(enrolled()).State(), report(), "transition.unknown",
			"person "+personID+" has no transition "+transitionID)
	})
}

func TestReportRuptureInvalid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		at    time.Time
		edit  func(*parcours.ReportRupture)
		field string
	}{
		{"kind not stated", time.Time{}, func(c *parcours.ReportRupture) { c.Kind = eventsv1.RuptureKind_RUPTURE_KIND_UNSPECIFIED }, "kind"},
		{"no detection date", time.Time{}, func(c *parcours.ReportRupture) { c.DetectedOn = "" }, "detected_on"},
		{"detection date not a day", time.Time{}, func(c *parcours.ReportRupture) { c.DetectedOn = "2026-13-01" }, "detected_on"},
		{"detected tomorrow", time.Time{}, func(c *parcours.ReportRupture) { c.DetectedOn = "2026-11-03" }, "detected_on"},
		{"detected tomorrow in Paris", midnightInParis, func(c *parcours.ReportRupture) { c.DetectedOn = "2026-11-03" }, "detected_on"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := report()
			tc.edit(&cmd)
			var opts []decidertest.Option
			if !tc.at.IsZero() {
				opts = append(opts, decidertest.At(tc.at))
			}
			spec(opts...).Given(enrolled(), transitionAnticipated()).When(cmd).ThenInvalid(t, tc.field)
		})
	}
}

// TestDecideLeavesStateAlone checks the decider contract: Decide must not
// change the state it is given.
func TestDecideLeavesStateAlone(t *testing.T) {
	t.Parallel()
	given := []proto.Message{enrolled(), coordinatorAssigned(), transitionAnticipated(), ruptureDetected(),
		evReferentAssigned(), evMemberAdded(), evRiskRaised()}
	for _, cmd := range []parcours.Command{enroll(), assign(), anticipate(), report(),
		cmdDischarge(), cmdAssignReferent(), cmdReleaseCoordinator(), cmdSetLevel(),
		cmdAddMember(), cmdUpdateMember(), cmdRemoveMember(), cmdExpressByRepresentative(), cmdNotifyRights(),
		cmdReschedule(), cmdComplete(), cmdCancel(), cmdRaiseRisk(), cmdResolve()} {
		c := spec().Given(given...)
		_, _ = parcours.Person.Decide(c.State(), cmd, spec().Context())
		if diff := cmp.Diff(spec().Given(given...).State(), c.State()); diff != "" {
			t.Errorf("Decide(%T) changed its state (-before +after):\n%s", cmd, diff)
		}
	}
}

func TestEvolve(t *testing.T) {
	t.Parallel()
	now := spec().Context().Now
	withCoordinator := &parcours.Coordinator{ProfessionalID: "rpps-10101010101", OrganisationID: "750000001", DisplayName: "Claire Martin, PCPE du Val", Since: now}
	transition := parcours.Transition{ID: transitionID, Kind: eventsv1.TransitionKind_TRANSITION_KIND_RETOUR_DOMICILE,
		PlannedDate: "2026-12-01", ReceivingPartnerID: partnerID, Status: parcours.TransitionStatusAnticipated}
	// The team: the enrolling organisation (the spec's) holds the file.
	enrolledTeam := access.Team{Holder: "750000001"}
	coordinatedTeam := access.Team{Holder: "750000001", Coordinator: &access.Professional{Subject: "rpps-10101010101", Organisation: "750000001"}}
	rupture := parcours.Rupture{ID: ruptureID, Kind: eventsv1.RuptureKind_RUPTURE_KIND_TRANSITION_UNSECURED, DetectedOn: "2026-11-02", TransitionID: transitionID}

	for _, tc := range []struct {
		name  string
		given []proto.Message
		want  *parcours.PersonState
	}{
		{"nothing", nil, &parcours.PersonState{Transitions: map[string]parcours.Transition{}, OpenRuptures: map[string]parcours.Rupture{}}},
		{"PersonEnrolled", []proto.Message{enrolled()}, &parcours.PersonState{PersonID: personID, Enrolled: true, EnrolledOn: "2026-11-02", Team: enrolledTeam,
			Transitions: map[string]parcours.Transition{}, OpenRuptures: map[string]parcours.Rupture{}}},
		{"CoordinatorAssigned", []proto.Message{enrolled(), coordinatorAssigned()}, &parcours.PersonState{PersonID: personID, Enrolled: true, EnrolledOn: "2026-11-02",
			Coordinator: withCoordinator, Team: coordinatedTeam, Transitions: map[string]parcours.Transition{}, OpenRuptures: map[string]parcours.Rupture{}}},
		{"TransitionAnticipated", []proto.Message{enrolled(), transitionAnticipated()}, &parcours.PersonState{PersonID: personID, Enrolled: true, EnrolledOn: "2026-11-02", Team: enrolledTeam,
			Transitions: map[string]parcours.Transition{transitionID: transition}, OpenRuptures: map[string]parcours.Rupture{}}},
		{"RuptureDetected", []proto.Message{enrolled(), transitionAnticipated(), ruptureDetected()}, &parcours.PersonState{PersonID: personID, Enrolled: true, EnrolledOn: "2026-11-02", Team: enrolledTeam,
			Transitions: map[string]parcours.Transition{transitionID: transition}, OpenRuptures: map[string]parcours.Rupture{ruptureID: rupture}}},
		{"an event of a newer Maillage is ignored", []proto.Message{enrolled(), timestamppb.Now()}, &parcours.PersonState{PersonID: personID, Enrolled: true, EnrolledOn: "2026-11-02", Team: enrolledTeam,
			Transitions: map[string]parcours.Transition{}, OpenRuptures: map[string]parcours.Rupture{}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, spec().Given(tc.given...).State()); diff != "" {
				t.Errorf("state after %d events (-want +got):\n%s", len(tc.given), diff)
			}
		})
	}
}

// TestEvolveOnABareState checks that Evolve does not need Initial's maps:
// a state built by hand (a snapshot, a test) folds too.
func TestEvolveOnABareState(t *testing.T) {
	t.Parallel()
	s := &parcours.PersonState{PersonID: personID, Enrolled: true}
	s = parcours.Person.Evolve(s, decider.Event{Payload: transitionAnticipated(), Version: 2})
	s = parcours.Person.Evolve(s, decider.Event{Payload: ruptureDetected(), Version: 3})
	if len(s.Transitions) != 1 || len(s.OpenRuptures) != 1 {
		t.Errorf("Evolve on a bare state = %d transitions, %d ruptures; want 1, 1", len(s.Transitions), len(s.OpenRuptures))
	}
}
