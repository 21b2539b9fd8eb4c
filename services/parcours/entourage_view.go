package parcours

import (
	"slices"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The view's entourage (carte réseau de Sluzki): members still on the map,
// in the order they were added.

func foldMemberAdded(view *parcoursv1.CoordinatedView, e *eventsv1.EntourageMemberAdded, when time.Time) {
	view.Entourage = append(view.Entourage, &parcoursv1.EntourageMember{
		MemberId:     e.GetMemberId(),
		DisplayName:  e.GetDisplayName(),
		Relationship: e.GetRelationship(),
		Quadrant:     e.GetQuadrant(),
		Circle:       e.GetCircle(),
		Roles:        slices.Clone(e.GetRoles()),
		Contact:      e.GetContact(),
		AddedAt:      timestamppb.New(when),
	})
}

// foldMemberUpdated replaces what the member's entry says; they keep their
// place on the map and the date they were added.
func foldMemberUpdated(view *parcoursv1.CoordinatedView, e *eventsv1.EntourageMemberUpdated) {
	m := viewMember(view, e.GetMemberId())
	if m == nil {
		return
	}
	m.DisplayName, m.Relationship, m.Quadrant, m.Circle = e.GetDisplayName(), e.GetRelationship(), e.GetQuadrant(), e.GetCircle()
	m.Roles, m.Contact = slices.Clone(e.GetRoles()), e.GetContact()
}

func foldMemberRemoved(view *parcoursv1.CoordinatedView, e *eventsv1.EntourageMemberRemoved) {
	view.Entourage = slices.DeleteFunc(view.Entourage, func(m *parcoursv1.EntourageMember) bool {
		return m.GetMemberId() == e.GetMemberId()
	})
}

func viewMember(view *parcoursv1.CoordinatedView, id string) *parcoursv1.EntourageMember {
	for _, m := range view.Entourage {
		if m.GetMemberId() == id {
			return m
		}
	}
	return nil
}
