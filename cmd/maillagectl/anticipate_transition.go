package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newAnticipateTransitionCmd(g *globals) *cobra.Command {
	var (
		req     = &parcoursv1.AnticipateTransitionRequest{}
		kind    = newEnumFlag(transitionWords)
		version uint64
	)
	cmd := &cobra.Command{
		Use:     "anticipate-transition PERSON --kind WORD --from TEXT --to TEXT --date YYYY-MM-DD",
		Short:   "Record a coming transition (changement de lieu de vie) and print its transition_id",
		Example: `  maillagectl anticipate-transition 01K… --kind passage-adulte --from "IME Les Tilleuls" --to "FAM Les Cèdres" --date 2027-09-01`,
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
			return api.AnticipateTransition(ctx, req)
		})
	}
	f := cmd.Flags()
	f.Var(kind, "kind", "kind of transition: "+kind.names())
	f.StringVar(&req.FromSetting, "from", "", "the setting the person leaves")
	f.StringVar(&req.ToSetting, "to", "", "the setting the person goes to")
	f.StringVar(&req.PlannedDate, "date", "", "planned date, YYYY-MM-DD")
	f.StringVar(&req.ReceivingPartnerId, "partner", "", "the receiving partner's FINESS or SIRET in the directory (search-partners finds it), when one is found")
	f.Uint64Var(&version, "expected-version", 0, "fail with Aborted unless the person's file is at this version")
	mustRequire(cmd, "kind", "from", "to", "date")
	return cmd
}
