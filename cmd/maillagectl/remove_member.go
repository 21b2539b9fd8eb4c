package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newRemoveMemberCmd(g *globals) *cobra.Command {
	var (
		req     = &parcoursv1.RemoveEntourageMemberRequest{}
		version uint64
	)
	cmd := &cobra.Command{
		Use:     "remove-member PERSON --member ID [--reason TEXT]",
		Short:   "Take someone off the map of the person's entourage",
		Example: `  maillagectl remove-member 01K… --member 01K… --reason "A quitté la région"`,
		Args:    cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.PersonId = args[0]
		if cmd.Flags().Changed("expected-version") {
			req.ExpectedVersion = proto.Uint64(version)
		}
		return c.run(cmd, func(ctx context.Context, api parcoursv1.ParcoursServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.RemoveEntourageMember(ctx, req)
		})
	}
	f := cmd.Flags()
	f.StringVar(&req.MemberId, "member", "", "the member_id printed by add-member")
	f.StringVar(&req.Reason, "reason", "", "why they leave the map")
	f.Uint64Var(&version, "expected-version", 0, "fail with Aborted unless the person's file is at this version")
	mustRequire(cmd, "member")
	return cmd
}
