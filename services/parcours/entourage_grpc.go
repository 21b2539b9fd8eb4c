package parcours

import (
	"context"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The gRPC port of the entourage (carte réseau).

// AddEntourageMember adds someone to the map of the person's network.
func (s *Service) AddEntourageMember(ctx context.Context, req *parcoursv1.AddEntourageMemberRequest) (*parcoursv1.AddEntourageMemberResponse, error) {
	cmd := AddEntourageMember{PersonID: req.GetPersonId(), Member: Member{
		DisplayName: req.GetDisplayName(), Relationship: req.GetRelationship(), Quadrant: req.GetQuadrant(), Circle: req.GetCircle(),
		Roles: req.GetRoles(), Contact: req.GetContact(),
	}}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	out := &parcoursv1.AddEntourageMemberResponse{Position: res.Position.String(), Version: uint64(res.Version)}
	out.MemberId = res.CreatedID
	return out, nil
}

// UpdateEntourageMember replaces what is known of an entourage member.
func (s *Service) UpdateEntourageMember(ctx context.Context, req *parcoursv1.UpdateEntourageMemberRequest) (*parcoursv1.UpdateEntourageMemberResponse, error) {
	cmd := UpdateEntourageMember{PersonID: req.GetPersonId(), MemberID: req.GetMemberId(), Member: Member{
		DisplayName: req.GetDisplayName(), Relationship: req.GetRelationship(), Quadrant: req.GetQuadrant(), Circle: req.GetCircle(),
		Roles: req.GetRoles(), Contact: req.GetContact(),
	}}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	return &parcoursv1.UpdateEntourageMemberResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// RemoveEntourageMember takes someone off the map of the person's network.
func (s *Service) RemoveEntourageMember(ctx context.Context, req *parcoursv1.RemoveEntourageMemberRequest) (*parcoursv1.RemoveEntourageMemberResponse, error) {
	cmd := RemoveEntourageMember{PersonID: req.GetPersonId(), MemberID: req.GetMemberId(), Reason: req.GetReason()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	return &parcoursv1.RemoveEntourageMemberResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}
