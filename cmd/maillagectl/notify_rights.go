package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newNotifyRightsCmd(g *globals) *cobra.Command {
	var (
		req      = &parcoursv1.NotifyRightsRequest{}
		decision = newEnumFlag(decisionWords)
		version  uint64
	)
	cmd := &cobra.Command{
		Use:   "notify-rights PERSON --decision WORD --start-date YYYY-MM-DD [--end-date YYYY-MM-DD] [--detail TEXT]",
		Short: "Record a decision of the MDPH for the person, as notified, and print its right_id",
		Example: `  maillagectl notify-rights 01K… --decision orientation-esms --detail "orientation FAM" --start-date 2026-09-01 --end-date 2031-08-31 --mdph-reference 69-2026-0412
  maillagectl notify-rights 01K… --decision rqth --start-date 2026-01-15   (sans limitation de durée)`,
		Args: cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.PersonId, req.Decision = args[0], decision.value
		if cmd.Flags().Changed("expected-version") {
			req.ExpectedVersion = proto.Uint64(version)
		}
		return c.run(cmd, func(ctx context.Context, api parcoursv1.ParcoursServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.NotifyRights(ctx, req)
		})
	}
	f := cmd.Flags()
	f.Var(decision, "decision", "which decision: "+decision.names())
	f.StringVar(&req.Detail, "detail", "", "the decision's detail as notified; required with --decision autre")
	f.StringVar(&req.StartDate, "start-date", "", "first day the decision applies, YYYY-MM-DD")
	f.StringVar(&req.EndDate, "end-date", "", "last day the decision applies, YYYY-MM-DD; leave out when granted with no end")
	f.StringVar(&req.MdphReference, "mdph-reference", "", "the MDPH's reference of the decision, as printed on the notification")
	f.Uint64Var(&version, "expected-version", 0, "fail with Aborted unless the person's file is at this version")
	mustRequire(cmd, "decision", "start-date")
	return cmd
}
