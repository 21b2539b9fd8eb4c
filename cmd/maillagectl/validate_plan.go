package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newValidatePlanCmd(g *globals) *cobra.Command {
	var (
		req     = &parcoursv1.ValidatePlanRequest{}
		by      = newEnumFlag(validatorWords)
		version uint64
	)
	cmd := &cobra.Command{
		Use:   "validate-plan PERSON --by WORD [--member ID] --validated-on YYYY-MM-DD",
		Short: "Record that the person, or their legal representative, validated the projet personnalisé; print its revision",
		Example: `  maillagectl validate-plan 01K… --by personne --validated-on 2026-06-12
  maillagectl validate-plan 01K… --by representant-legal --member 01K… --validated-on 2026-06-12`,
		Args: cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.PersonId, req.ValidatedBy = args[0], by.value
		if cmd.Flags().Changed("expected-version") {
			req.ExpectedVersion = proto.Uint64(version)
		}
		return c.run(cmd, func(ctx context.Context, api parcoursv1.ParcoursServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.ValidatePlan(ctx, req)
		})
	}
	f := cmd.Flags()
	f.Var(by, "by", "who validated it: "+by.names())
	f.StringVar(&req.RepresentativeMemberId, "member", "", "with --by representant-legal, and only then: the member_id of the legal representative")
	f.StringVar(&req.ValidatedOn, "validated-on", "", "the date of the validation, YYYY-MM-DD, today or earlier")
	f.Uint64Var(&version, "expected-version", 0, "fail with Aborted unless the person's file is at this version")
	mustRequire(cmd, "by", "validated-on")
	return cmd
}
