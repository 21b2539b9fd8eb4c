package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newRescheduleTransitionCmd(g *globals) *cobra.Command {
	var (
		req     = &parcoursv1.RescheduleTransitionRequest{}
		version uint64
	)
	cmd := &cobra.Command{
		Use:     "reschedule-transition PERSON --transition ID --date YYYY-MM-DD --reason TEXT",
		Short:   "Move the planned date of a transition still anticipated",
		Example: `  maillagectl reschedule-transition 01K… --transition 01K… --date 2027-01-04 --reason "Travaux au FAM"`,
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
			return api.RescheduleTransition(ctx, req)
		})
	}
	f := cmd.Flags()
	f.StringVar(&req.TransitionId, "transition", "", "the transition_id printed by anticipate-transition")
	f.StringVar(&req.PlannedDate, "date", "", "the new planned date, YYYY-MM-DD, today or later")
	f.StringVar(&req.Reason, "reason", "", "why the date moved")
	f.Uint64Var(&version, "expected-version", 0, "fail with Aborted unless the person's file is at this version")
	mustRequire(cmd, "transition", "date", "reason")
	return cmd
}
