package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newCancelTransitionCmd(g *globals) *cobra.Command {
	var (
		req     = &parcoursv1.CancelTransitionRequest{}
		version uint64
	)
	cmd := &cobra.Command{
		Use:     "cancel-transition PERSON --transition ID --reason TEXT",
		Short:   "Record that a transition will not happen (transition annulée)",
		Example: `  maillagectl cancel-transition 01K… --transition 01K… --reason "La famille garde Léa à domicile"`,
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
			return api.CancelTransition(ctx, req)
		})
	}
	f := cmd.Flags()
	f.StringVar(&req.TransitionId, "transition", "", "the transition_id printed by anticipate-transition")
	f.StringVar(&req.Reason, "reason", "", "why it will not happen")
	f.Uint64Var(&version, "expected-version", 0, "fail with Aborted unless the person's file is at this version")
	mustRequire(cmd, "transition", "reason")
	return cmd
}
