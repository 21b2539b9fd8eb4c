package parcours

import (
	"context"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The gRPC port of the MDPH rights.

// NotifyRights records a decision of the MDPH, as notified.
func (s *Service) NotifyRights(ctx context.Context, req *parcoursv1.NotifyRightsRequest) (*parcoursv1.NotifyRightsResponse, error) {
	cmd := NotifyRights{PersonID: req.GetPersonId(), Decision: req.GetDecision(), Detail: req.GetDetail(),
		StartDate: req.GetStartDate(), EndDate: req.GetEndDate(), MDPHReference: req.GetMdphReference()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	out := &parcoursv1.NotifyRightsResponse{Position: res.Position.String(), Version: uint64(res.Version)}
	out.RightId = res.CreatedID
	return out, nil
}
