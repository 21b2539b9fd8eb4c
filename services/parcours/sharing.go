package parcours

import (
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// Who takes part in the coordination (partners and their missions) and
// what the person allows to be shared (consents, oppositions). The state
// is PersonState.Team, folded by access.Team.Evolve; these are the
// commands that change it, which only the coordination runs (access.go).

// AssociatePartner associates an organisation with the coordination for a
// mission. It records PartnerJoinedCoordination; the organisation already
// associated with the same mission and categories records nothing.
type AssociatePartner struct {
	PersonID       string
	OrganisationID string
	DisplayName    string
	Mission        eventsv1.PartnerMission
	// Categories narrow what the partner sees within its mission; empty
	// for all its mission needs.
	Categories []access.Category
	PartnerID  string
}

func (c AssociatePartner) personID() string { return c.PersonID }

func decideAssociatePartner(s *PersonState, c AssociatePartner) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	mission := access.MissionCategories(c.Mission)
	if mission == 0 {
		bad.Add("mission", "the partner's mission is required")
	}
	if c.OrganisationID == "" {
		bad.Add("organisation_id", "the organisation is required")
	}
	cats := access.Of(c.Categories...)
	if cats == 0 {
		cats = mission
	} else if beyond := cats.Without(mission); mission != 0 && beyond != 0 {
		bad.Add("categories", "%s is beyond what the mission needs (%s)", beyond, mission)
	}
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	if err := checkFile(s, c.PersonID); err != nil {
		return nil, err
	}
	if c.OrganisationID == s.Team.Holder {
		return nil, derrors.Rejected("partner.holds_coordination", "partner/"+c.OrganisationID,
			"organisation %s holds the coordination: it sees the whole file already", c.OrganisationID)
	}
	if cur, ok := s.Team.Partners[c.OrganisationID]; ok && cur.Mission == c.Mission && cur.Categories == cats {
		return nil, nil
	}
	return []proto.Message{&eventsv1.PartnerJoinedCoordination{
		OrganisationId: c.OrganisationID, DisplayName: c.DisplayName, Mission: c.Mission,
		Categories: cats.List(), PartnerId: c.PartnerID,
	}}, nil
}

// DissociatePartner ends an organisation's part as a partner. It records
// PartnerLeftCoordination; rule "partner.not_associated" when it is none.
type DissociatePartner struct {
	PersonID       string
	OrganisationID string
	Reason         string
}

func (c DissociatePartner) personID() string { return c.PersonID }

func decideDissociatePartner(s *PersonState, c DissociatePartner) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	if c.OrganisationID == "" {
		bad.Add("organisation_id", "the organisation is required")
	}
	if c.Reason == "" {
		bad.Add("reason", "the reason is required")
	}
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	if err := checkFile(s, c.PersonID); err != nil {
		return nil, err
	}
	if _, ok := s.Team.Partners[c.OrganisationID]; !ok {
		return nil, derrors.Rejected("partner.not_associated", "partner/"+c.OrganisationID,
			"organisation %s is not a partner of this coordination", c.OrganisationID)
	}
	return []proto.Message{&eventsv1.PartnerLeftCoordination{OrganisationId: c.OrganisationID, Reason: c.Reason}}, nil
}

// SharingChoice is who expressed a choice about sharing, and when.
type SharingChoice struct {
	DecidedBy              eventsv1.SharingDecidedBy
	RepresentativeMemberID string
	On                     string // "YYYY-MM-DD"
}

// check adds the choice's violations under field (e.g. "choice"): a known
// decider, a representative that is a legal representative in the
// entourage exactly when the representative decided, a day not after today.
func (ch SharingChoice) check(bad *derrors.InvalidError, s *PersonState, at decider.Context) {
	switch ch.DecidedBy {
	case eventsv1.SharingDecidedBy_SHARING_DECIDED_BY_PERSON:
		if ch.RepresentativeMemberID != "" {
			bad.Add("choice.representative_member_id", "must be empty when the person decided")
		}
	case eventsv1.SharingDecidedBy_SHARING_DECIDED_BY_LEGAL_REPRESENTATIVE:
		if !isLegalRepresentative(s, ch.RepresentativeMemberID) {
			bad.Add("choice.representative_member_id", "%q is no legal representative in the person's entourage", ch.RepresentativeMemberID)
		}
	default:
		bad.Add("choice.decided_by", "who expressed the choice is required")
	}
	checkDayDone(bad, "choice.on", ch.On, at.Now, "a choice is recorded once expressed")
}

func isLegalRepresentative(s *PersonState, memberID string) bool {
	m, ok := s.Life.Entourage[memberID]
	if !ok {
		return false
	}
	for _, r := range m.Roles {
		if r == eventsv1.EntourageRole_ENTOURAGE_ROLE_LEGAL_REPRESENTATIVE {
			return true
		}
	}
	return false
}
