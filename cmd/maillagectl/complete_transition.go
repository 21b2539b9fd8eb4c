package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newCompleteTransitionCmd(g *globals) *cobra.Command {
	var (
		req     = &parcoursv1.CompleteTransitionRequest{}
		version uint64
	)
	cmd := &cobra.Command{
		Use:     "complete-transition PERSON --transition ID --completed-on YYYY-MM-DD",
		Short:   "Record that a transition happened (transition réalisée)",
		Example: `  maillagectl complete-transition 01K… --transition 01K… --completed-on 2027-09-01`,
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
			return api.CompleteTransition(ctx, req)
		})
	}
	f := cmd.Flags()
	f.StringVar(&req.TransitionId, "transition", "", "the transition_id printed by anticipate-transition")
	f.StringVar(&req.CompletedOn, "completed-on", "", "the date it happened, YYYY-MM-DD, today or earlier")
	f.Uint64Var(&version, "expected-version", 0, "fail with Aborted unless the person's file is at this version")
	mustRequire(cmd, "transition", "completed-on")
	return cmd
}
