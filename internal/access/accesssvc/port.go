package accesssvc

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/kit"
)

// run runs a command through the kit's command port (scoped request id,
// fingerprint), and answers a gRPC status on error.
func (s *Service) run(ctx context.Context, req proto.Message, handle func(decider.Options) (decider.Result, error)) (decider.Result, error) {
	opts, err := s.cfg.Kit.CommandOptions(ctx, req)
	if err != nil {
		return decider.Result{}, kit.Status(err)
	}
	res, err := handle(opts)
	if err != nil {
		return res, kit.Status(err)
	}
	return res, nil
}
