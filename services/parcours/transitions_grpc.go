package parcours

import (
	"context"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The gRPC port of the transitions (changements de lieu de vie).

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

// AnticipateTransition records a change of setting planned ahead.
func (s *Service) AnticipateTransition(ctx context.Context, req *parcoursv1.AnticipateTransitionRequest) (*parcoursv1.AnticipateTransitionResponse, error) {
	cmd := AnticipateTransition{PersonID: req.GetPersonId(), Kind: req.GetKind(), FromSetting: req.GetFromSetting(), ToSetting: req.GetToSetting(),
		PlannedDate: req.GetPlannedDate(), ReceivingPartnerID: req.GetReceivingPartnerId()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	out := &parcoursv1.AnticipateTransitionResponse{Position: res.Position.String(), Version: uint64(res.Version)}
	out.TransitionId = res.CreatedID
	return out, nil
}
