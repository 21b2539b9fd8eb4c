package parcours

import (
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// Referent is the professional who follows the plan's effective
// implementation (référent de parcours). The same professional may also
// be the coordinator.
type Referent struct {
	ProfessionalID string
	OrganisationID string // FINESS or SIRET
	DisplayName    string
	Since          time.Time // when assigned, by the deciding clock
}

// AssignReferent names the person's référent de parcours, replacing any
// previous one. It records ReferentAssigned, with handed_over_from set to
// the référent replaced (passation); naming the professional and
// organisation already référent records nothing.
type AssignReferent struct {
	PersonID       string
	ProfessionalID string
	OrganisationID string // FINESS or SIRET
	DisplayName    string
}

func (c AssignReferent) personID() string { return c.PersonID }

func decideAssignReferent(s *PersonState, c AssignReferent) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	if c.ProfessionalID == "" {
		bad.Add("professional_id", "the professional is required")
	}
	if c.OrganisationID == "" {
		bad.Add("organisation_id", "the professional's organisation is required")
	}
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	if err := checkFile(s, c.PersonID); err != nil {
		return nil, err
	}
	ev := &eventsv1.ReferentAssigned{
		ProfessionalId: c.ProfessionalID,
		OrganisationId: c.OrganisationID,
		DisplayName:    c.DisplayName,
	}
	if cur := s.Life.Referent; cur != nil {
		if cur.ProfessionalID == c.ProfessionalID && cur.OrganisationID == c.OrganisationID {
			return nil, nil
		}
		ev.HandedOverFrom = cur.ProfessionalID
	}
	return []proto.Message{ev}, nil
}

// ReleaseCoordinationRole records that a professional stops holding a
// coordination role (fin de mission) with nobody named in their place: the
// role is vacant until the next AssignCoordinator or AssignReferent. It
// records CoordinationRoleReleased; rule "coordination_role.not_held" when
// ProfessionalID does not hold Role now (someone else does, or nobody).
type ReleaseCoordinationRole struct {
	PersonID       string
	Role           eventsv1.CoordinationRole
	ProfessionalID string // the professional who holds the role now
	Reason         string // why, in French
}

func (c ReleaseCoordinationRole) personID() string { return c.PersonID }

func decideReleaseCoordinationRole(s *PersonState, c ReleaseCoordinationRole) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	if c.Role != eventsv1.CoordinationRole_COORDINATION_ROLE_COORDINATOR && c.Role != eventsv1.CoordinationRole_COORDINATION_ROLE_REFERENT {
		bad.Add("role", "the role is required: COORDINATION_ROLE_COORDINATOR or COORDINATION_ROLE_REFERENT")
	}
	if c.ProfessionalID == "" {
		bad.Add("professional_id", "the professional who holds the role is required")
	}
	if c.Reason == "" {
		bad.Add("reason", "the reason the role is released is required")
	}
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	if err := checkFile(s, c.PersonID); err != nil {
		return nil, err
	}
	holder, name := "", "coordinator"
	switch c.Role {
	case eventsv1.CoordinationRole_COORDINATION_ROLE_COORDINATOR:
		if s.Coordinator != nil {
			holder = s.Coordinator.ProfessionalID
		}
	case eventsv1.CoordinationRole_COORDINATION_ROLE_REFERENT:
		name = "referent"
		if s.Life.Referent != nil {
			holder = s.Life.Referent.ProfessionalID
		}
	}
	if holder == "" {
		return nil, derrors.Rejected("coordination_role.not_held", "coordination_role/"+name,
			"person %s has no %s: %s does not hold the role", s.PersonID, name, c.ProfessionalID)
	}
	if holder != c.ProfessionalID {
		return nil, derrors.Rejected("coordination_role.not_held", "coordination_role/"+name,
			"the %s of person %s is %s, not %s", name, s.PersonID, holder, c.ProfessionalID)
	}
	return []proto.Message{&eventsv1.CoordinationRoleReleased{
		Role:           c.Role,
		ProfessionalId: c.ProfessionalID,
		Reason:         c.Reason,
	}}, nil
}

// evolveRoleReleased leaves the role vacant: the event says so, whoever
// the file thought held it.
func evolveRoleReleased(s *PersonState, e *eventsv1.CoordinationRoleReleased) {
	switch e.GetRole() {
	case eventsv1.CoordinationRole_COORDINATION_ROLE_COORDINATOR:
		s.Coordinator = nil
	case eventsv1.CoordinationRole_COORDINATION_ROLE_REFERENT:
		s.Life.Referent = nil
	}
}

// SetCoordinationLevel sets how intense the person's coordination is
// (niveau de coordination), replacing the previous level. It records
// CoordinationLevelSet; the level already set records nothing.
type SetCoordinationLevel struct {
	PersonID string
	Level    eventsv1.CoordinationLevel
	Reason   string // why, in French; may be empty
}

func (c SetCoordinationLevel) personID() string { return c.PersonID }

func decideSetCoordinationLevel(s *PersonState, c SetCoordinationLevel) ([]proto.Message, error) {
	if _, ok := eventsv1.CoordinationLevel_name[int32(c.Level)]; !ok || c.Level == eventsv1.CoordinationLevel_COORDINATION_LEVEL_UNSPECIFIED {
		return nil, derrors.Invalid("level", "the coordination level is required")
	}
	if err := checkFile(s, c.PersonID); err != nil {
		return nil, err
	}
	if s.Life.Level == c.Level {
		return nil, nil
	}
	return []proto.Message{&eventsv1.CoordinationLevelSet{Level: c.Level, Reason: c.Reason}}, nil
}

func evolveCoordinatorAssigned(s *PersonState, e *eventsv1.CoordinatorAssigned, ev decider.Event) {
	s.Coordinator = &Coordinator{
		ProfessionalID: e.GetProfessionalId(),
		OrganisationID: e.GetOrganisationId(),
		DisplayName:    e.GetDisplayName(),
		Since:          ev.OccurredAt,
	}
}

func evolveReferentAssigned(s *PersonState, e *eventsv1.ReferentAssigned, ev decider.Event) {
	s.Life.Referent = &Referent{
		ProfessionalID: e.GetProfessionalId(),
		OrganisationID: e.GetOrganisationId(),
		DisplayName:    e.GetDisplayName(),
		Since:          ev.OccurredAt,
	}
}

// Coordinator is the professional who coordinates the parcours
// (coordinateur de parcours).
type Coordinator struct {
	ProfessionalID string
	OrganisationID string // FINESS or SIRET
	DisplayName    string
	Since          time.Time // when assigned, by the deciding clock
}

// AssignCoordinator names the person's coordinator (coordinateur de
// parcours), replacing any previous one. It records CoordinatorAssigned,
// with handed_over_from set to the coordinator replaced (passation), empty
// when the role was vacant; naming the professional and organisation
// already coordinating records nothing, so that a retried or repeated
// assignment is harmless.
type AssignCoordinator struct {
	PersonID       string
	ProfessionalID string
	OrganisationID string // FINESS or SIRET
	DisplayName    string
}

func (c AssignCoordinator) personID() string { return c.PersonID }

func decideAssignCoordinator(s *PersonState, c AssignCoordinator) ([]proto.Message, error) {
	if err := checkFile(s, c.PersonID); err != nil {
		return nil, err
	}
	ev := &eventsv1.CoordinatorAssigned{
		ProfessionalId: c.ProfessionalID,
		OrganisationId: c.OrganisationID,
		DisplayName:    c.DisplayName,
	}
	if cur := s.Coordinator; cur != nil {
		if cur.ProfessionalID == c.ProfessionalID && cur.OrganisationID == c.OrganisationID {
			return nil, nil
		}
		ev.HandedOverFrom = cur.ProfessionalID // passation
	}
	return []proto.Message{ev}, nil
}
