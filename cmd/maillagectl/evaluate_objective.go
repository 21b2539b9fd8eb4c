package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newEvaluateObjectiveCmd(g *globals) *cobra.Command {
	var (
		req     = &parcoursv1.EvaluateObjectiveRequest{}
		outcome = newEnumFlag(outcomeWords)
		version uint64
	)
	cmd := &cobra.Command{
		Use:     "evaluate-objective PERSON --objective ID --outcome WORD --evaluated-on YYYY-MM-DD [--person-words TEXT] [--notes TEXT] [--review ID]",
		Short:   "Record the co-evaluation of an objective with the person; atteint and abandonne close it",
		Example: `  maillagectl evaluate-objective 01K… --objective 01K… --outcome partiellement-atteint --evaluated-on 2026-12-10 --person-words "Le bus ça va, le tram non" --review 01K…`,
		Args:    cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.PersonId, req.Outcome = args[0], outcome.value
		if cmd.Flags().Changed("expected-version") {
			req.ExpectedVersion = proto.Uint64(version)
		}
		return c.run(cmd, func(ctx context.Context, api parcoursv1.ParcoursServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.EvaluateObjective(ctx, req)
		})
	}
	f := cmd.Flags()
	f.StringVar(&req.ObjectiveId, "objective", "", "the objective_id printed by set-objective")
	f.Var(outcome, "outcome", "where it stands: "+outcome.names())
	f.StringVar(&req.EvaluatedOn, "evaluated-on", "", "the date of the evaluation, YYYY-MM-DD, today or earlier")
	f.StringVar(&req.PersonWords, "person-words", "", "what the person says of it, in their own words (parole de la personne)")
	f.StringVar(&req.ProfessionalNotes, "notes", "", "what the professionals note; say here why the person did not take part, if so")
	f.StringVar(&req.ReviewId, "review", "", "the review_id it is made at, if any")
	f.Uint64Var(&version, "expected-version", 0, "fail with Aborted unless the person's file is at this version")
	mustRequire(cmd, "objective", "outcome", "evaluated-on")
	return cmd
}
