package parcours

import (
	"context"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The gRPC port of the discharge (sortie du dispositif).

// DischargePerson closes the person's file (sortie du dispositif).
func (s *Service) DischargePerson(ctx context.Context, req *parcoursv1.DischargePersonRequest) (*parcoursv1.DischargePersonResponse, error) {
	cmd := DischargePerson{PersonID: req.GetPersonId(), Reason: req.GetReason(), DischargedOn: req.GetDischargedOn(), Note: req.GetNote()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	return &parcoursv1.DischargePersonResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}
