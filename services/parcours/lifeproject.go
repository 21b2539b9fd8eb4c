package parcours

import (
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// LifeProject is the person's current projet de vie, in their own words.
type LifeProject struct {
	Text        string
	ExpressedBy eventsv1.LifeProjectAuthor
	// RepresentativeMemberID is the entourage member who expressed it,
	// when ExpressedBy is the legal representative; empty otherwise.
	RepresentativeMemberID string
}

// ExpressLifeProject records the person's projet de vie in their own words
// (never rephrased), replacing the current one. It records
// LifeProjectExpressed. When the legal representative expresses it,
// RepresentativeMemberID names them: rule "entourage_member.unknown" when
// that member is not in the entourage, "entourage_member.not_legal_representative"
// when they do not hold the role ENTOURAGE_ROLE_LEGAL_REPRESENTATIVE.
type ExpressLifeProject struct {
	PersonID               string
	Text                   string
	ExpressedBy            eventsv1.LifeProjectAuthor
	RepresentativeMemberID string // set when, and only when, ExpressedBy is the legal representative
}

func (c ExpressLifeProject) personID() string { return c.PersonID }

func decideExpressLifeProject(s *PersonState, c ExpressLifeProject) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	if c.Text == "" {
		bad.Add("text", "the projet de vie, in the person's words, is required")
	}
	byRepresentative := c.ExpressedBy == eventsv1.LifeProjectAuthor_LIFE_PROJECT_AUTHOR_LEGAL_REPRESENTATIVE
	if _, ok := eventsv1.LifeProjectAuthor_name[int32(c.ExpressedBy)]; !ok || c.ExpressedBy == eventsv1.LifeProjectAuthor_LIFE_PROJECT_AUTHOR_UNSPECIFIED {
		bad.Add("expressed_by", "who expressed the projet de vie is required")
	} else if byRepresentative && c.RepresentativeMemberID == "" {
		bad.Add("representative_member_id", "the legal representative who expressed it is required")
	} else if !byRepresentative && c.RepresentativeMemberID != "" {
		bad.Add("representative_member_id", "only a projet de vie expressed by the legal representative names one")
	}
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	if err := checkFile(s, c.PersonID); err != nil {
		return nil, err
	}
	if byRepresentative {
		if err := checkLegalRepresentative(s, c.RepresentativeMemberID); err != nil {
			return nil, err
		}
	}
	return []proto.Message{&eventsv1.LifeProjectExpressed{
		Text:                   c.Text,
		ExpressedBy:            c.ExpressedBy,
		RepresentativeMemberId: c.RepresentativeMemberID,
	}}, nil
}

// checkLegalRepresentative says why member id cannot act for the person as
// their legal representative (expressing the projet de vie, validating the
// plan): not in the entourage ("entourage_member.unknown"), or not holding
// the role ("entourage_member.not_legal_representative").
func checkLegalRepresentative(s *PersonState, id string) error {
	m, err := checkEntourageMember(s, id)
	if err != nil {
		return err
	}
	if !m.Holds(eventsv1.EntourageRole_ENTOURAGE_ROLE_LEGAL_REPRESENTATIVE) {
		return derrors.Rejected("entourage_member.not_legal_representative", "entourage_member/"+id,
			"%s (entourage member %s of person %s) is not their legal representative", m.DisplayName, id, s.PersonID)
	}
	return nil
}

func evolveLifeProject(s *PersonState, e *eventsv1.LifeProjectExpressed) {
	s.Life.LifeProject = &LifeProject{
		Text:                   e.GetText(),
		ExpressedBy:            e.GetExpressedBy(),
		RepresentativeMemberID: e.GetRepresentativeMemberId(),
	}
}
