package parcours

import (
	"slices"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// EntourageMember is someone of the person's entourage (famille, amis,
// aidants, personne de confiance, représentant légal), as the decider
// knows them: a node of the Sluzki map of the person's network.
type EntourageMember struct {
	ID           string
	DisplayName  string
	Relationship string // lien, in the person's words
	Quadrant     eventsv1.SluzkiQuadrant
	Circle       eventsv1.SluzkiCircle
	Roles        []eventsv1.EntourageRole // each at most once; nil when none
	Contact      string
	AddedAt      time.Time // by the deciding clock
}

// Holds reports whether the member holds role for the person.
func (m EntourageMember) Holds(role eventsv1.EntourageRole) bool {
	return slices.Contains(m.Roles, role)
}

// Member is what is said of an entourage member when adding or updating
// them: every field, a full replacement.
type Member struct {
	DisplayName  string // required
	Relationship string // required: lien, in the person's words ("mère")
	Quadrant     eventsv1.SluzkiQuadrant
	Circle       eventsv1.SluzkiCircle
	// Roles they hold (aidant, personne de confiance, représentant légal),
	// each at most once; empty when none.
	Roles   []eventsv1.EntourageRole
	Contact string // coordonnées, free text; may be empty
}

// check adds a violation to bad for every bad field of m, by its API
// field path (the request fields are flat: "display_name").
func (m Member) check(bad *derrors.InvalidError) {
	if m.DisplayName == "" {
		bad.Add("display_name", "the member's name is required")
	}
	if m.Relationship == "" {
		bad.Add("relationship", "the relationship to the person is required")
	}
	if _, ok := eventsv1.SluzkiQuadrant_name[int32(m.Quadrant)]; !ok || m.Quadrant == eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_UNSPECIFIED {
		bad.Add("quadrant", "the quadrant of the Sluzki map is required")
	}
	if _, ok := eventsv1.SluzkiCircle_name[int32(m.Circle)]; !ok || m.Circle == eventsv1.SluzkiCircle_SLUZKI_CIRCLE_UNSPECIFIED {
		bad.Add("circle", "the circle of the Sluzki map is required")
	}
	seen := map[eventsv1.EntourageRole]bool{}
	for _, r := range m.Roles {
		if _, ok := eventsv1.EntourageRole_name[int32(r)]; !ok || r == eventsv1.EntourageRole_ENTOURAGE_ROLE_UNSPECIFIED {
			bad.Add("roles", "%v is not a role of the entourage", r)
		} else if seen[r] {
			bad.Add("roles", "%v is given twice: each role at most once", r)
		}
		seen[r] = true
	}
}

// roles copies rs so that an event never aliases the caller's slice; nil
// when empty.
func roles(rs []eventsv1.EntourageRole) []eventsv1.EntourageRole {
	if len(rs) == 0 {
		return nil
	}
	return slices.Clone(rs)
}

// AddEntourageMember adds someone to the map of the person's network. It
// records EntourageMemberAdded with a new member id.
type AddEntourageMember struct {
	PersonID string
	Member
}

func (c AddEntourageMember) personID() string { return c.PersonID }

func decideAddEntourageMember(s *PersonState, c AddEntourageMember, at decider.Context) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	c.check(bad)
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	if err := checkFile(s, c.PersonID); err != nil {
		return nil, err
	}
	id, err := newID(at)
	if err != nil {
		return nil, err
	}
	return []proto.Message{&eventsv1.EntourageMemberAdded{
		MemberId:     id,
		DisplayName:  c.DisplayName,
		Relationship: c.Relationship,
		Quadrant:     c.Quadrant,
		Circle:       c.Circle,
		Roles:        roles(c.Roles),
		Contact:      c.Contact,
	}}, nil
}

// UpdateEntourageMember replaces what is known of an entourage member
// (full replacement: an empty Contact or Roles clears it). It records
// EntourageMemberUpdated; the same values again record nothing. Rule
// "entourage_member.unknown" when the member was never added, or removed.
type UpdateEntourageMember struct {
	PersonID string
	MemberID string
	Member
}

func (c UpdateEntourageMember) personID() string { return c.PersonID }

func decideUpdateEntourageMember(s *PersonState, c UpdateEntourageMember) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	if c.MemberID == "" {
		bad.Add("member_id", "the member is required")
	}
	c.check(bad)
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	if err := checkFile(s, c.PersonID); err != nil {
		return nil, err
	}
	cur, err := checkEntourageMember(s, c.MemberID)
	if err != nil {
		return nil, err
	}
	if cur.DisplayName == c.DisplayName && cur.Relationship == c.Relationship && cur.Quadrant == c.Quadrant &&
		cur.Circle == c.Circle && slices.Equal(cur.Roles, roles(c.Roles)) && cur.Contact == c.Contact {
		return nil, nil
	}
	return []proto.Message{&eventsv1.EntourageMemberUpdated{
		MemberId:     c.MemberID,
		DisplayName:  c.DisplayName,
		Relationship: c.Relationship,
		Quadrant:     c.Quadrant,
		Circle:       c.Circle,
		Roles:        roles(c.Roles),
		Contact:      c.Contact,
	}}, nil
}

// RemoveEntourageMember takes someone off the map of the person's network.
// It records EntourageMemberRemoved. Rule "entourage_member.unknown" when
// the member was never added, or already removed.
type RemoveEntourageMember struct {
	PersonID string
	MemberID string
	Reason   string // why, in French; may be empty
}

func (c RemoveEntourageMember) personID() string { return c.PersonID }

func decideRemoveEntourageMember(s *PersonState, c RemoveEntourageMember) ([]proto.Message, error) {
	if c.MemberID == "" {
		return nil, derrors.Invalid("member_id", "the member is required")
	}
	if err := checkFile(s, c.PersonID); err != nil {
		return nil, err
	}
	if _, err := checkEntourageMember(s, c.MemberID); err != nil {
		return nil, err
	}
	return []proto.Message{&eventsv1.EntourageMemberRemoved{MemberId: c.MemberID, Reason: c.Reason}}, nil
}

// checkEntourageMember returns the member id of the person's entourage,
// or the rule "entourage_member.unknown" (never added, or removed). Every
// command naming a member checks it this way.
func checkEntourageMember(s *PersonState, id string) (EntourageMember, error) {
	m, ok := s.Life.EntourageMember(id)
	if !ok {
		return EntourageMember{}, derrors.Rejected("entourage_member.unknown", "entourage_member/"+id,
			"person %s has no entourage member %s", s.PersonID, id)
	}
	return m, nil
}

func evolveMemberAdded(s *PersonState, e *eventsv1.EntourageMemberAdded, ev decider.Event) {
	if s.Life.Entourage == nil {
		s.Life.Entourage = map[string]EntourageMember{}
	}
	s.Life.Entourage[e.GetMemberId()] = EntourageMember{
		ID:           e.GetMemberId(),
		DisplayName:  e.GetDisplayName(),
		Relationship: e.GetRelationship(),
		Quadrant:     e.GetQuadrant(),
		Circle:       e.GetCircle(),
		Roles:        roles(e.GetRoles()),
		Contact:      e.GetContact(),
		AddedAt:      ev.OccurredAt,
	}
}

func evolveMemberUpdated(s *PersonState, e *eventsv1.EntourageMemberUpdated) {
	m, ok := s.Life.Entourage[e.GetMemberId()]
	if !ok {
		return // removed, or never added: nothing to update
	}
	m.DisplayName, m.Relationship = e.GetDisplayName(), e.GetRelationship()
	m.Quadrant, m.Circle = e.GetQuadrant(), e.GetCircle()
	m.Roles, m.Contact = roles(e.GetRoles()), e.GetContact()
	s.Life.Entourage[e.GetMemberId()] = m
}
