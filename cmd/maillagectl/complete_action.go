package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newCompleteActionCmd(g *globals) *cobra.Command {
	var (
		req     = &parcoursv1.CompleteActionRequest{}
		version uint64
	)
	cmd := &cobra.Command{
		Use:     "complete-action PERSON --action ID --completed-on YYYY-MM-DD [--note TEXT]",
		Short:   "Record that an action of the plan was done (action réalisée)",
		Example: `  maillagectl complete-action 01K… --action 01K… --completed-on 2026-10-02 --note "Trois trajets faits, Léa à l'aise"`,
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
			return api.CompleteAction(ctx, req)
		})
	}
	f := cmd.Flags()
	f.StringVar(&req.ActionId, "action", "", "the action_id printed by plan-action")
	f.StringVar(&req.CompletedOn, "completed-on", "", "the date it was done, YYYY-MM-DD, today or earlier")
	f.StringVar(&req.Note, "note", "", "what the professional adds")
	f.Uint64Var(&version, "expected-version", 0, "fail with Aborted unless the person's file is at this version")
	mustRequire(cmd, "action", "completed-on")
	return cmd
}
