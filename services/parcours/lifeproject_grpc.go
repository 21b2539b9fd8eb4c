package parcours

import (
	"context"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The gRPC port of the projet de vie.

// ExpressLifeProject records the person's projet de vie in their words.
func (s *Service) ExpressLifeProject(ctx context.Context, req *parcoursv1.ExpressLifeProjectRequest) (*parcoursv1.ExpressLifeProjectResponse, error) {
	cmd := ExpressLifeProject{PersonID: req.GetPersonId(), Text: req.GetText(), ExpressedBy: req.GetExpressedBy(), RepresentativeMemberID: req.GetRepresentativeMemberId()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	return &parcoursv1.ExpressLifeProjectResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}
