package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newDischargeCmd(g *globals) *cobra.Command {
	var (
		req     = &parcoursv1.DischargePersonRequest{}
		reason  = newEnumFlag(dischargeWords)
		version uint64
	)
	cmd := &cobra.Command{
		Use:     "discharge PERSON --reason WORD --discharged-on YYYY-MM-DD [--note TEXT]",
		Short:   "Close the person's file (sortie du dispositif); no command is accepted after it",
		Example: `  maillagectl discharge 01K… --reason droit-commun --discharged-on 2026-05-04 --note "Relais pris par le SAVS"`,
		Args:    cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.PersonId, req.Reason = args[0], reason.value
		if cmd.Flags().Changed("expected-version") {
			req.ExpectedVersion = proto.Uint64(version)
		}
		return c.run(cmd, func(ctx context.Context, api parcoursv1.ParcoursServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.DischargePerson(ctx, req)
		})
	}
	f := cmd.Flags()
	f.Var(reason, "reason", "why the person leaves: "+reason.names())
	f.StringVar(&req.DischargedOn, "discharged-on", "", "date of discharge (date de sortie), YYYY-MM-DD, today or earlier")
	f.StringVar(&req.Note, "note", "", "what the coordinator adds; required with --reason autre")
	f.Uint64Var(&version, "expected-version", 0, "fail with Aborted unless the person's file is at this version")
	mustRequire(cmd, "reason", "discharged-on")
	return cmd
}
