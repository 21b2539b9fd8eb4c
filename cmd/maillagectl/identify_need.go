package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newIdentifyNeedCmd(g *globals) *cobra.Command {
	var (
		req     = &parcoursv1.IdentifyNeedRequest{}
		version uint64
	)
	cmd := &cobra.Command{
		Use:     "identify-need PERSON --code SERAFIN-PH [--description TEXT]",
		Short:   "Record a need identified with the person (besoin), coded in SERAFIN-PH, and print its need_id",
		Example: `  maillagectl identify-need 01K… --code 1.2.1.3 --description "Se déplacer seul en transports en commun"`,
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
			return api.IdentifyNeed(ctx, req)
		})
	}
	f := cmd.Flags()
	f.StringVar(&req.NeedCode, "code", "", "the need's SERAFIN-PH code (nomenclature des besoins), e.g. 1.2.1.3")
	f.StringVar(&req.Description, "description", "", "the need as the person and the professionals put it")
	f.Uint64Var(&version, "expected-version", 0, "fail with Aborted unless the person's file is at this version")
	mustRequire(cmd, "code")
	return cmd
}
