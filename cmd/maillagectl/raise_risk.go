package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newRaiseRiskCmd(g *globals) *cobra.Command {
	var (
		req     = &parcoursv1.RaiseRuptureRiskRequest{}
		kind    = newEnumFlag(ruptureWords)
		version uint64
	)
	cmd := &cobra.Command{
		Use:     "raise-risk PERSON --kind WORD --description TEXT --raised-on YYYY-MM-DD [--transition ID]",
		Short:   "Record a risk of rupture de parcours, before the break happens, and print its risk_id",
		Example: `  maillagectl raise-risk 01K… --kind loss-of-support --description "La mère, aidante, hospitalisée en juin" --raised-on 2026-05-04`,
		Args:    cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.PersonId, req.Kind = args[0], kind.value
		if cmd.Flags().Changed("expected-version") {
			req.ExpectedVersion = proto.Uint64(version)
		}
		return c.run(cmd, func(ctx context.Context, api parcoursv1.ParcoursServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.RaiseRuptureRisk(ctx, req)
		})
	}
	f := cmd.Flags()
	f.Var(kind, "kind", "the kind of rupture it could become: "+kind.names())
	f.StringVar(&req.Description, "description", "", "what is at risk, for the people who will act on it")
	f.StringVar(&req.RaisedOn, "raised-on", "", "the date the risk was seen, YYYY-MM-DD, today or earlier")
	f.StringVar(&req.TransitionId, "transition", "", "the transition_id this risk concerns, if any")
	f.Uint64Var(&version, "expected-version", 0, "fail with Aborted unless the person's file is at this version")
	mustRequire(cmd, "kind", "description", "raised-on")
	return cmd
}
