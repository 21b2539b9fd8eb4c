package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newAssignReferentCmd(g *globals) *cobra.Command {
	var (
		req     = &parcoursv1.AssignReferentRequest{}
		version uint64
	)
	cmd := &cobra.Command{
		Use:     "assign-referent PERSON --professional ID --org FINESS|SIRET --name NAME",
		Short:   "Name the person's référent de parcours (passation from any previous one)",
		Example: `  maillagectl assign-referent 01K… --professional prof-7 --org 690000001 --name "Karim Benali, SESSAD Les Lilas"`,
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
			return api.AssignReferent(ctx, req)
		})
	}
	f := cmd.Flags()
	f.StringVar(&req.ProfessionalId, "professional", "", "the professional's identifier (e.g. an RPPS number)")
	f.StringVar(&req.OrganisationId, "org", "", "the professional's organisation: FINESS or SIRET")
	f.StringVar(&req.DisplayName, "name", "", "the name shown to the person and to partners")
	f.Uint64Var(&version, "expected-version", 0, "fail with Aborted unless the person's file is at this version")
	mustRequire(cmd, "professional", "org", "name")
	return cmd
}
