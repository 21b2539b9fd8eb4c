package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newCloseNeedCmd(g *globals) *cobra.Command {
	var (
		req     = &parcoursv1.CloseNeedRequest{}
		reason  = newEnumFlag(needClosureWords)
		version uint64
	)
	cmd := &cobra.Command{
		Use:     "close-need PERSON --need ID --reason WORD [--note TEXT]",
		Short:   "Stop following a need (besoin clos)",
		Example: `  maillagectl close-need 01K… --need 01K… --reason satisfait`,
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
			return api.CloseNeed(ctx, req)
		})
	}
	f := cmd.Flags()
	f.StringVar(&req.NeedId, "need", "", "the need_id printed by identify-need")
	f.Var(reason, "reason", "why it is closed: "+reason.names())
	f.StringVar(&req.Note, "note", "", "what the professional adds; required with --reason autre")
	f.Uint64Var(&version, "expected-version", 0, "fail with Aborted unless the person's file is at this version")
	mustRequire(cmd, "need", "reason")
	return cmd
}
