package access

import (
	"maps"

	"google.golang.org/protobuf/proto"

	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// Team is who takes part in one person's coordination, and what the person
// allows to be shared: the part of a file that decides access. Evolve folds
// it from the file's events; the parcours decider and views, and every
// service that shows a person's information, read the same Team.
type Team struct {
	// Holder is the organisation holding the coordination: the one that
	// enrolled the person, then the organisation of each coordinator named.
	Holder      string
	Coordinator *Professional // nil while nobody coordinates
	Referent    *Professional // nil while nobody is référent
	// Partners associated with the coordination, by organisation.
	Partners map[string]Partner
	// Consents and oppositions in force, by id.
	Consents    map[string]Consent
	Oppositions map[string]Opposition
}

// Professional holds a coordination role.
type Professional struct {
	Subject      string // professional_id: the token subject of the professional
	Organisation string
}

// Partner is an organisation associated with the coordination for a
// mission; it sees Categories (its mission's, or fewer).
type Partner struct {
	Organisation string
	Mission      eventsv1.PartnerMission
	Categories   Categories
}

// Consent is a consent to share categories, with one organisation or (""
// ) every organisation taking part; ExpiresOn "" holds until withdrawn.
type Consent struct {
	ID           string
	Categories   Categories
	Organisation string
	ExpiresOn    string // "YYYY-MM-DD"
}

// Opposition is an opposition to sharing categories, with one organisation
// or ("") every organisation but the holder.
type Opposition struct {
	ID           string
	Categories   Categories
	Organisation string
}

// Evolve folds one event of the person's file into t. organisation is the
// organisation that recorded the event (its metadata). Events that do not
// bear on access change nothing.
func (t *Team) Evolve(payload proto.Message, organisation string) {
	switch e := payload.(type) {
	case *eventsv1.PersonEnrolled:
		t.Holder = organisation
	case *eventsv1.CoordinatorAssigned:
		t.Coordinator = &Professional{Subject: e.GetProfessionalId(), Organisation: e.GetOrganisationId()}
		if e.GetOrganisationId() != "" {
			t.Holder = e.GetOrganisationId()
		}
	case *eventsv1.ReferentAssigned:
		t.Referent = &Professional{Subject: e.GetProfessionalId(), Organisation: e.GetOrganisationId()}
	case *eventsv1.CoordinationRoleReleased:
		switch e.GetRole() {
		case eventsv1.CoordinationRole_COORDINATION_ROLE_COORDINATOR:
			t.Coordinator = nil // the holder keeps the file until another is named
		case eventsv1.CoordinationRole_COORDINATION_ROLE_REFERENT:
			t.Referent = nil
		}
	case *eventsv1.PartnerJoinedCoordination:
		cats := Of(e.GetCategories()...) & MissionCategories(e.GetMission())
		putIn(&t.Partners, e.GetOrganisationId(), Partner{Organisation: e.GetOrganisationId(), Mission: e.GetMission(), Categories: cats})
	case *eventsv1.PartnerLeftCoordination:
		delete(t.Partners, e.GetOrganisationId())
	case *eventsv1.SharingConsentRecorded:
		putIn(&t.Consents, e.GetConsentId(), Consent{ID: e.GetConsentId(), Categories: Of(e.GetCategories()...),
			Organisation: e.GetOrganisationId(), ExpiresOn: e.GetExpiresOn()})
	case *eventsv1.SharingConsentWithdrawn:
		delete(t.Consents, e.GetConsentId())
	case *eventsv1.SharingOpposed:
		putIn(&t.Oppositions, e.GetOppositionId(), Opposition{ID: e.GetOppositionId(), Categories: Of(e.GetCategories()...),
			Organisation: e.GetOrganisationId()})
	case *eventsv1.SharingOppositionLifted:
		delete(t.Oppositions, e.GetOppositionId())
	}
}

func putIn[V any](m *map[string]V, k string, v V) {
	if *m == nil {
		*m = map[string]V{}
	}
	(*m)[k] = v
}

// Clone returns a deep copy of t.
func (t Team) Clone() Team {
	out := t
	if t.Coordinator != nil {
		c := *t.Coordinator
		out.Coordinator = &c
	}
	if t.Referent != nil {
		r := *t.Referent
		out.Referent = &r
	}
	out.Partners = maps.Clone(t.Partners)
	out.Consents = maps.Clone(t.Consents)
	out.Oppositions = maps.Clone(t.Oppositions)
	return out
}

// Teams reads the current team of a person's coordination: false when no
// file of that person is known (yet).
type Teams interface {
	TeamOf(personID string) (Team, bool)
}
