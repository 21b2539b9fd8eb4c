package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newReportRuptureCmd(g *globals) *cobra.Command {
	var (
		req  = &parcoursv1.ReportRuptureRequest{}
		kind = newEnumFlag(ruptureWords)
	)
	cmd := &cobra.Command{
		Use:     "report-rupture PERSON --kind WORD --description TEXT --detected-on YYYY-MM-DD",
		Short:   "Record a rupture de parcours and print its rupture_id",
		Example: `  maillagectl report-rupture 01K… --kind transition-unsecured --description "Pas de place confirmée au FAM" --detected-on 2026-05-04 --transition 01K…`,
		Args:    cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.PersonId, req.Kind = args[0], kind.value
		return c.run(cmd, func(ctx context.Context, api parcoursv1.ParcoursServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.ReportRupture(ctx, req)
		})
	}
	f := cmd.Flags()
	f.Var(kind, "kind", "kind of rupture: "+kind.names())
	f.StringVar(&req.Description, "description", "", "what happened, for the people who will act on it")
	f.StringVar(&req.DetectedOn, "detected-on", "", "date the rupture was found, YYYY-MM-DD")
	f.StringVar(&req.TransitionId, "transition", "", "the transition_id this rupture concerns, if any")
	mustRequire(cmd, "kind", "description", "detected-on")
	return cmd
}
