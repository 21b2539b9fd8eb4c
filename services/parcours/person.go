package parcours

import (
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/es"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// Category is the stream category of a person's coordination file.
const Category = "parcours"

// StreamOf returns the name of the stream that holds the coordination file
// (dossier de coordination) of the person personID.
func StreamOf(personID string) string { return es.StreamName(Category, personID) }

// Person is the person's coordination file (dossier de coordination) as a
// decider. Decide checks a command in this order, so that the same request
// always fails the same way: its own fields (a *derrors.InvalidError naming
// every bad field by its API path), then the file (ErrNotFound when the
// person was never enrolled, rule "person.discharged" once they have left),
// then the rules of the command.
var Person = decider.Decider[*PersonState, Command]{
	Initial: newPersonState,
	Decide:  decide,
	Evolve:  evolve,
}

// Command is a command on a person's file: EnrollPerson,
// AssignCoordinator, AnticipateTransition or ReportRupture. The set is
// closed. Commands are passed by value; every command names its person in
// PersonID, which the caller sets to the id of the stream it loaded
// (StreamOf(PersonID)).
type Command interface {
	personID() string
}

// PersonState is what the decider knows of one person's coordination file:
// enough to decide, nothing more (the coordinated view is Views).
type PersonState struct {
	PersonID string
	Enrolled bool
	// EnrolledOn is the day of the enrolment (Europe/Paris), "YYYY-MM-DD".
	EnrolledOn string
	// Discharged is true once the person has left the coordination (sortie
	// du dispositif): the file takes no more commands. PersonDischarged
	// sets it.
	Discharged bool
	// EngagedPartners are the partners taking part by an engagement (not
	// associated by the coordination), with the engagement they joined by.
	EngagedPartners map[string]string
	DischargedOn    string // "YYYY-MM-DD", when known
	// Coordinator is the coordinateur de parcours; nil while nobody is.
	Coordinator *Coordinator
	// Transitions holds every transition of the person, by transition id.
	Transitions map[string]Transition
	// OpenRuptures holds the ruptures not resolved yet, by rupture id.
	OpenRuptures map[string]Rupture
	// Life is what the decider knows of roles, entourage, projet de vie,
	// rights, risks and discharge (person_state.go).
	Life LifeState
	// Plan is the projet personnalisé: needs, objectives, actions,
	// validation, reviews, evaluations (plan*.go).
	Plan PlanState
	// Team is who takes part in the coordination and what the person
	// allows to be shared: what access decides on (access.go, sharing.go).
	Team access.Team
	// Vigilance is what the vigilance rules need beyond the rest
	// (vigilance.go).
	Vigilance VigilanceState
}

func newPersonState() *PersonState {
	return &PersonState{Transitions: map[string]Transition{}, OpenRuptures: map[string]Rupture{}}
}

// decide checks who asks (access.go), then decides the command.
func decide(s *PersonState, cmd Command, at decider.Context) ([]proto.Message, error) {
	if err := authorize(s, cmd, at); err != nil {
		return nil, err
	}
	return decideCommand(s, cmd, at)
}

// checkFile says why the file of personID cannot take a command: it was
// never opened (ErrNotFound) or it is closed (rule "person.discharged").
func checkFile(s *PersonState, personID string) error {
	if !s.Enrolled {
		return fmt.Errorf("person %s: %w", personID, derrors.ErrNotFound)
	}
	if s.PersonID != personID {
		// The caller loaded another person's stream: refuse rather than
		// write into the wrong file.
		return fmt.Errorf("parcours: command for person %s decided on the file of person %s", personID, s.PersonID)
	}
	if s.Discharged {
		on := ""
		if s.DischargedOn != "" {
			on = " on " + s.DischargedOn
		}
		return derrors.Rejected("person.discharged", "person/"+s.PersonID,
			"person %s was discharged%s: their file is closed", s.PersonID, on)
	}
	return nil
}

// newID calls at.NewID, which a handler always sets; a missing one is a
// wiring bug, reported rather than a nil call.
func newID(at decider.Context) (string, error) {
	if at.NewID == nil {
		return "", fmt.Errorf("parcours: decision context has no NewID")
	}
	return at.NewID(), nil
}

// EnrollPerson starts following a person (entrée dans le dispositif de
// coordination) and opens their file. It records PersonEnrolled.
type EnrollPerson struct {
	// PersonID is the new file's id, also its stream's id: the caller
	// generates it when the request gives none.
	PersonID string
	// INS (identifiant national de santé), nil when not known and qualified.
	INS *string
	// BirthDate (date de naissance), "YYYY-MM-DD": a real day, from
	// 1900-01-01 to today.
	BirthDate       string
	Domicile        Domicile
	PublicConcerned eventsv1.PublicConcerned // public concerné
	LegalProtection eventsv1.LegalProtection // mesure de protection juridique
	RequestOrigin   string                   // origine de la demande
}

// Domicile is where a person lives.
type Domicile struct {
	CommuneINSEE string // code officiel géographique: "75056", "2A004"
	// Coordinates are set when the address has been geocoded, nil otherwise.
	Coordinates *GeoPoint
}

// GeoPoint is a WGS 84 position, in degrees.
type GeoPoint struct {
	Latitude, Longitude float64
}

func (c EnrollPerson) personID() string { return c.PersonID }

// earliestBirthDate bounds birth dates: anything earlier is a typing error
// (1862 for 1962), not a person still followed.
var earliestBirthDate = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

func decideEnroll(s *PersonState, c EnrollPerson, at decider.Context) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	if c.PersonID == "" {
		bad.Add("person_id", "a person id is required to open a file")
	}
	if d, err := parseDate(c.BirthDate); err != nil {
		bad.Add("birth_date", "%q is not a calendar date YYYY-MM-DD", c.BirthDate)
	} else if d.Before(earliestBirthDate) {
		bad.Add("birth_date", "%s is before %s", c.BirthDate, earliestBirthDate.Format(dateLayout))
	} else if t := today(at.Now); d.After(t) {
		bad.Add("birth_date", "%s is after today (%s, Europe/Paris)", c.BirthDate, t.Format(dateLayout))
	}
	// The zero values are never stored: an event keeps its meaning for
	// years, "not stated" would keep none.
	if c.PublicConcerned == eventsv1.PublicConcerned_PUBLIC_CONCERNED_UNSPECIFIED {
		bad.Add("public_concerned", "the public concerned is required")
	}
	if c.LegalProtection == eventsv1.LegalProtection_LEGAL_PROTECTION_UNSPECIFIED {
		bad.Add("legal_protection", "the legal protection is required (LEGAL_PROTECTION_NONE when there is none)")
	}
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	if s.Enrolled {
		return nil, derrors.Rejected("person.already_enrolled", "person/"+s.PersonID,
			"person %s is already enrolled", s.PersonID)
	}
	dom := &eventsv1.Domicile{CommuneInsee: c.Domicile.CommuneINSEE}
	if p := c.Domicile.Coordinates; p != nil {
		dom.Latitude, dom.Longitude = proto.Float64(p.Latitude), proto.Float64(p.Longitude)
	}
	var ins *string
	if c.INS != nil {
		ins = proto.String(*c.INS) // the event must not alias the caller's string
	}
	return []proto.Message{&eventsv1.PersonEnrolled{
		PersonId:        c.PersonID,
		Ins:             ins,
		BirthDate:       c.BirthDate,
		Domicile:        dom,
		PublicConcerned: c.PublicConcerned,
		LegalProtection: c.LegalProtection,
		RequestOrigin:   c.RequestOrigin,
	}}, nil
}
