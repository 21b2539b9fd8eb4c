package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newExpressLifeProjectCmd(g *globals) *cobra.Command {
	var (
		req     = &parcoursv1.ExpressLifeProjectRequest{}
		by      = newEnumFlag(lifeProjectAuthorWords)
		version uint64
	)
	cmd := &cobra.Command{
		Use:   "express-life-project PERSON --text TEXT --by WORD [--member ID]",
		Short: "Record the person's projet de vie in their own words, replacing the current one",
		Example: `  maillagectl express-life-project 01K… --text "Vivre en appartement avec ma copine" --by personne-aidee
  maillagectl express-life-project 01K… --text "…" --by representant-legal --member 01K…`,
		Args: cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.PersonId, req.ExpressedBy = args[0], by.value
		if cmd.Flags().Changed("expected-version") {
			req.ExpectedVersion = proto.Uint64(version)
		}
		return c.run(cmd, func(ctx context.Context, api parcoursv1.ParcoursServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.ExpressLifeProject(ctx, req)
		})
	}
	f := cmd.Flags()
	f.StringVar(&req.Text, "text", "", "the projet de vie, in the person's words")
	f.Var(by, "by", "who expressed it: "+by.names())
	f.StringVar(&req.RepresentativeMemberId, "member", "", "with --by representant-legal, and only then: the member_id of the legal representative")
	f.Uint64Var(&version, "expected-version", 0, "fail with Aborted unless the person's file is at this version")
	mustRequire(cmd, "text", "by")
	return cmd
}
