package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newScheduleReviewCmd(g *globals) *cobra.Command {
	var (
		req     = &parcoursv1.SchedulePlanReviewRequest{}
		version uint64
	)
	cmd := &cobra.Command{
		Use:     "schedule-review PERSON --scheduled-on YYYY-MM-DD",
		Short:   "Schedule a review of the projet personnalisé with the person (révision / bilan) and print its review_id",
		Example: `  maillagectl schedule-review 01K… --scheduled-on 2026-12-10`,
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
			return api.SchedulePlanReview(ctx, req)
		})
	}
	f := cmd.Flags()
	f.StringVar(&req.ScheduledOn, "scheduled-on", "", "the date of the review, YYYY-MM-DD, today or later; replaces a review still pending")
	f.Uint64Var(&version, "expected-version", 0, "fail with Aborted unless the person's file is at this version")
	mustRequire(cmd, "scheduled-on")
	return cmd
}
