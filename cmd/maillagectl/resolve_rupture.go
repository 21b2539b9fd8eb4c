package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newResolveRuptureCmd(g *globals) *cobra.Command {
	var (
		req     = &parcoursv1.ResolveRuptureRequest{}
		version uint64
	)
	cmd := &cobra.Command{
		Use:     "resolve-rupture PERSON --rupture ID --resolved-on YYYY-MM-DD --resolution TEXT",
		Short:   "Record that an open rupture de parcours, or an open risk of rupture, is resolved",
		Example: `  maillagectl resolve-rupture 01K… --rupture 01K… --resolved-on 2026-05-20 --resolution "Place confirmée au FAM Les Cèdres"`,
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
			return api.ResolveRupture(ctx, req)
		})
	}
	f := cmd.Flags()
	f.StringVar(&req.RuptureId, "rupture", "", "the rupture_id (report-rupture) or risk_id (raise-risk), still open")
	f.StringVar(&req.ResolvedOn, "resolved-on", "", "the date it was resolved, YYYY-MM-DD, today or earlier")
	f.StringVar(&req.Resolution, "resolution", "", "how it was resolved")
	f.Uint64Var(&version, "expected-version", 0, "fail with Aborted unless the person's file is at this version")
	mustRequire(cmd, "rupture", "resolved-on", "resolution")
	return cmd
}
