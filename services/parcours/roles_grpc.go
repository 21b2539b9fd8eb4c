package parcours

import (
	"context"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The gRPC port of the coordination roles: coordinator, référent, level.

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

// AssignCoordinator names the person's coordinateur de parcours.
func (s *Service) AssignCoordinator(ctx context.Context, req *parcoursv1.AssignCoordinatorRequest) (*parcoursv1.AssignCoordinatorResponse, error) {
	cmd := AssignCoordinator{PersonID: req.GetPersonId(), ProfessionalID: req.GetProfessionalId(), OrganisationID: req.GetOrganisationId(), DisplayName: req.GetDisplayName()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	return &parcoursv1.AssignCoordinatorResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}
