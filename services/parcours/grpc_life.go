package parcours

import (
	"context"

	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The gRPC handlers of the roles, entourage, projet de vie, rights,
// transitions, risks and discharge, in the style of grpc.go: translate the
// request, run the command, answer with the position, the version and the
// id of what the command created.

// DischargePerson closes the person's file (sortie du dispositif).
func (s *Service) DischargePerson(ctx context.Context, req *parcoursv1.DischargePersonRequest) (*parcoursv1.DischargePersonResponse, error) {
	cmd := DischargePerson{PersonID: req.GetPersonId(), Reason: req.GetReason(), DischargedOn: req.GetDischargedOn(), Note: req.GetNote()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	return &parcoursv1.DischargePersonResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// AssignReferent names the person's référent de parcours.
func (s *Service) AssignReferent(ctx context.Context, req *parcoursv1.AssignReferentRequest) (*parcoursv1.AssignReferentResponse, error) {
	cmd := AssignReferent{PersonID: req.GetPersonId(), ProfessionalID: req.GetProfessionalId(), OrganisationID: req.GetOrganisationId(), DisplayName: req.GetDisplayName()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	return &parcoursv1.AssignReferentResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// ReleaseCoordinationRole records that a professional stops holding a
// coordination role (fin de mission).
func (s *Service) ReleaseCoordinationRole(ctx context.Context, req *parcoursv1.ReleaseCoordinationRoleRequest) (*parcoursv1.ReleaseCoordinationRoleResponse, error) {
	cmd := ReleaseCoordinationRole{PersonID: req.GetPersonId(), Role: req.GetRole(), ProfessionalID: req.GetProfessionalId(), Reason: req.GetReason()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	return &parcoursv1.ReleaseCoordinationRoleResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// SetCoordinationLevel sets the niveau de coordination.
func (s *Service) SetCoordinationLevel(ctx context.Context, req *parcoursv1.SetCoordinationLevelRequest) (*parcoursv1.SetCoordinationLevelResponse, error) {
	cmd := SetCoordinationLevel{PersonID: req.GetPersonId(), Level: req.GetLevel(), Reason: req.GetReason()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	return &parcoursv1.SetCoordinationLevelResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

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
	for _, ev := range res.Events {
		if e, ok := ev.(*eventsv1.EntourageMemberAdded); ok {
			out.MemberId = e.GetMemberId()
		}
	}
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

// ExpressLifeProject records the person's projet de vie in their words.
func (s *Service) ExpressLifeProject(ctx context.Context, req *parcoursv1.ExpressLifeProjectRequest) (*parcoursv1.ExpressLifeProjectResponse, error) {
	cmd := ExpressLifeProject{PersonID: req.GetPersonId(), Text: req.GetText(), ExpressedBy: req.GetExpressedBy(), RepresentativeMemberID: req.GetRepresentativeMemberId()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	return &parcoursv1.ExpressLifeProjectResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// NotifyRights records a decision of the MDPH, as notified.
func (s *Service) NotifyRights(ctx context.Context, req *parcoursv1.NotifyRightsRequest) (*parcoursv1.NotifyRightsResponse, error) {
	cmd := NotifyRights{PersonID: req.GetPersonId(), Decision: req.GetDecision(), Detail: req.GetDetail(),
		StartDate: req.GetStartDate(), EndDate: req.GetEndDate(), MDPHReference: req.GetMdphReference()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	out := &parcoursv1.NotifyRightsResponse{Position: res.Position.String(), Version: uint64(res.Version)}
	for _, ev := range res.Events {
		if e, ok := ev.(*eventsv1.RightsNotified); ok {
			out.RightId = e.GetRightId()
		}
	}
	return out, nil
}

// RescheduleTransition moves the planned date of a transition.
func (s *Service) RescheduleTransition(ctx context.Context, req *parcoursv1.RescheduleTransitionRequest) (*parcoursv1.RescheduleTransitionResponse, error) {
	cmd := RescheduleTransition{PersonID: req.GetPersonId(), TransitionID: req.GetTransitionId(), PlannedDate: req.GetPlannedDate(), Reason: req.GetReason()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	return &parcoursv1.RescheduleTransitionResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// CompleteTransition records that a transition happened.
func (s *Service) CompleteTransition(ctx context.Context, req *parcoursv1.CompleteTransitionRequest) (*parcoursv1.CompleteTransitionResponse, error) {
	cmd := CompleteTransition{PersonID: req.GetPersonId(), TransitionID: req.GetTransitionId(), CompletedOn: req.GetCompletedOn()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	return &parcoursv1.CompleteTransitionResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// CancelTransition records that a transition will not happen.
func (s *Service) CancelTransition(ctx context.Context, req *parcoursv1.CancelTransitionRequest) (*parcoursv1.CancelTransitionResponse, error) {
	cmd := CancelTransition{PersonID: req.GetPersonId(), TransitionID: req.GetTransitionId(), Reason: req.GetReason()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	return &parcoursv1.CancelTransitionResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// RaiseRuptureRisk records a risk of rupture seen by a professional.
func (s *Service) RaiseRuptureRisk(ctx context.Context, req *parcoursv1.RaiseRuptureRiskRequest) (*parcoursv1.RaiseRuptureRiskResponse, error) {
	cmd := RaiseRuptureRisk{PersonID: req.GetPersonId(), Kind: req.GetKind(), Description: req.GetDescription(),
		RaisedOn: req.GetRaisedOn(), TransitionID: req.GetTransitionId()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	out := &parcoursv1.RaiseRuptureRiskResponse{Position: res.Position.String(), Version: uint64(res.Version)}
	for _, ev := range res.Events {
		if e, ok := ev.(*eventsv1.RuptureRiskRaised); ok {
			out.RiskId = e.GetRiskId()
		}
	}
	return out, nil
}

// ResolveRupture records that a rupture, or a risk of rupture, is resolved.
func (s *Service) ResolveRupture(ctx context.Context, req *parcoursv1.ResolveRuptureRequest) (*parcoursv1.ResolveRuptureResponse, error) {
	cmd := ResolveRupture{PersonID: req.GetPersonId(), RuptureID: req.GetRuptureId(), ResolvedOn: req.GetResolvedOn(), Resolution: req.GetResolution()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	return &parcoursv1.ResolveRuptureResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}
