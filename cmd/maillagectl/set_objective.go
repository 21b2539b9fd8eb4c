package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newSetObjectiveCmd(g *globals) *cobra.Command {
	var (
		req     = &parcoursv1.SetObjectiveRequest{}
		version uint64
	)
	cmd := &cobra.Command{
		Use:     "set-objective PERSON --need ID [--need ID…] --statement TEXT --indicator TEXT --due-date YYYY-MM-DD",
		Short:   "Add an objective to the projet personnalisé, answering open needs, and print its objective_id",
		Example: `  maillagectl set-objective 01K… --need 01K… --statement "Aller seul au lycée en bus trois jours par semaine" --indicator "Trajets seuls par semaine" --due-date 2026-12-18`,
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
			return api.SetObjective(ctx, req)
		})
	}
	f := cmd.Flags()
	f.StringSliceVar(&req.NeedIds, "need", nil, "a need_id it answers; repeat, or separate with commas, for several")
	f.StringVar(&req.Statement, "statement", "", "the objective, concrete")
	f.StringVar(&req.Indicator, "indicator", "", "how it is measured (indicateur)")
	f.StringVar(&req.DueDate, "due-date", "", "when it should be reached (échéance), YYYY-MM-DD, today or later")
	f.Uint64Var(&version, "expected-version", 0, "fail with Aborted unless the person's file is at this version")
	mustRequire(cmd, "need", "statement", "indicator", "due-date")
	return cmd
}
