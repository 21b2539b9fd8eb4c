package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newSetLevelCmd(g *globals) *cobra.Command {
	var (
		req     = &parcoursv1.SetCoordinationLevelRequest{}
		level   = newEnumFlag(levelWords)
		version uint64
	)
	cmd := &cobra.Command{
		Use:     "set-level PERSON --level WORD [--reason TEXT]",
		Short:   "Set how intense the person's coordination is (niveau de coordination)",
		Example: `  maillagectl set-level 01K… --level renforcee --reason "Transition IME-FAM sans place confirmée"`,
		Args:    cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.PersonId, req.Level = args[0], level.value
		if cmd.Flags().Changed("expected-version") {
			req.ExpectedVersion = proto.Uint64(version)
		}
		return c.run(cmd, func(ctx context.Context, api parcoursv1.ParcoursServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.SetCoordinationLevel(ctx, req)
		})
	}
	f := cmd.Flags()
	f.Var(level, "level", "level of coordination: "+level.names())
	f.StringVar(&req.Reason, "reason", "", "why this level")
	f.Uint64Var(&version, "expected-version", 0, "fail with Aborted unless the person's file is at this version")
	mustRequire(cmd, "level")
	return cmd
}
