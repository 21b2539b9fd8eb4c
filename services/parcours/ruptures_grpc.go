package parcours

import (
	"context"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The gRPC port of the ruptures de parcours and their risks.

// RaiseRuptureRisk records a risk of rupture seen by a professional.
func (s *Service) RaiseRuptureRisk(ctx context.Context, req *parcoursv1.RaiseRuptureRiskRequest) (*parcoursv1.RaiseRuptureRiskResponse, error) {
	cmd := RaiseRuptureRisk{PersonID: req.GetPersonId(), Kind: req.GetKind(), Description: req.GetDescription(),
		RaisedOn: req.GetRaisedOn(), TransitionID: req.GetTransitionId()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	out := &parcoursv1.RaiseRuptureRiskResponse{Position: res.Position.String(), Version: uint64(res.Version)}
	out.RiskId = res.CreatedID
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

// ReportRupture records a break in the person's support.
func (s *Service) ReportRupture(ctx context.Context, req *parcoursv1.ReportRuptureRequest) (*parcoursv1.ReportRuptureResponse, error) {
	cmd := ReportRupture{PersonID: req.GetPersonId(), Kind: req.GetKind(), Description: req.GetDescription(), DetectedOn: req.GetDetectedOn(), TransitionID: req.GetTransitionId()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	out := &parcoursv1.ReportRuptureResponse{Position: res.Position.String(), Version: uint64(res.Version)}
	out.RuptureId = res.CreatedID
	return out, nil
}
