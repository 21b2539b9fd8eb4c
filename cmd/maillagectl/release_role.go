package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newReleaseRoleCmd(g *globals) *cobra.Command {
	var (
		req     = &parcoursv1.ReleaseCoordinationRoleRequest{}
		role    = newEnumFlag(coordinationRoleWords)
		version uint64
	)
	cmd := &cobra.Command{
		Use:     "release-role PERSON --role WORD --professional ID --reason TEXT",
		Short:   "Record that a professional stops holding a coordination role, nobody named in their place yet",
		Example: `  maillagectl release-role 01K… --role referent --professional prof-7 --reason "Départ du SESSAD"`,
		Args:    cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.PersonId, req.Role = args[0], role.value
		if cmd.Flags().Changed("expected-version") {
			req.ExpectedVersion = proto.Uint64(version)
		}
		return c.run(cmd, func(ctx context.Context, api parcoursv1.ParcoursServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.ReleaseCoordinationRole(ctx, req)
		})
	}
	f := cmd.Flags()
	f.Var(role, "role", "the role released: "+role.names())
	f.StringVar(&req.ProfessionalId, "professional", "", "the professional who holds it now")
	f.StringVar(&req.Reason, "reason", "", "why they stop holding it")
	f.Uint64Var(&version, "expected-version", 0, "fail with Aborted unless the person's file is at this version")
	mustRequire(cmd, "role", "professional", "reason")
	return cmd
}
