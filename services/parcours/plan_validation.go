package parcours

import (
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// ValidatePlan records that the person, or their legal representative,
// validated the projet personnalisé as it stands. It records
// PlanValidated with the next revision (1 for the first plan).
type ValidatePlan struct {
	PersonID    string
	ValidatedBy eventsv1.PlanValidator
	// RepresentativeMemberID is the entourage member who validated, when
	// ValidatedBy is PLAN_VALIDATOR_LEGAL_REPRESENTATIVE, and only then.
	RepresentativeMemberID string
	// ValidatedOn (date de validation), "YYYY-MM-DD": today or earlier.
	ValidatedOn string
}

func (c ValidatePlan) personID() string { return c.PersonID }

func decideValidatePlan(s *PersonState, c ValidatePlan, at decider.Context) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	switch c.ValidatedBy {
	case eventsv1.PlanValidator_PLAN_VALIDATOR_UNSPECIFIED:
		bad.Add("validated_by", "who validated the plan is required")
	case eventsv1.PlanValidator_PLAN_VALIDATOR_LEGAL_REPRESENTATIVE:
		if c.RepresentativeMemberID == "" {
			bad.Add("representative_member_id", "the legal representative who validated is required")
		}
	default:
		if c.RepresentativeMemberID != "" {
			bad.Add("representative_member_id", "is set only when the legal representative validated")
		}
	}
	checkDayDone(bad, "validated_on", c.ValidatedOn, at.Now, "a validation is recorded once given")
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	if err := checkFile(s, c.PersonID); err != nil {
		return nil, err
	}
	if c.RepresentativeMemberID != "" {
		if err := checkLegalRepresentative(s, c.RepresentativeMemberID); err != nil {
			return nil, err
		}
	}
	p := s.Plan
	if len(p.Objectives) == 0 {
		return nil, derrors.Rejected("plan.empty", "person/"+s.PersonID,
			"the plan of person %s has no objective: there is nothing to validate", s.PersonID)
	}
	if !p.Changed {
		return nil, derrors.Rejected("plan.unchanged", "person/"+s.PersonID,
			"the plan of person %s has not changed since revision %d was validated", s.PersonID, p.Revision)
	}
	return []proto.Message{&eventsv1.PlanValidated{
		PlanRevision:           p.Revision + 1,
		ValidatedBy:            c.ValidatedBy,
		RepresentativeMemberId: c.RepresentativeMemberID,
		ValidatedOn:            c.ValidatedOn,
	}}, nil
}
