package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newUpdateMemberCmd(g *globals) *cobra.Command {
	var (
		req     = &parcoursv1.UpdateEntourageMemberRequest{}
		m       = newMemberFlags()
		version uint64
	)
	cmd := &cobra.Command{
		Use:   "update-member PERSON --member ID --name NAME --relationship TEXT --quadrant WORD --circle WORD [--role WORD,…]",
		Short: "Replace what is known of an entourage member (every field: what is not given is cleared)",
		Example: `  maillagectl update-member 01K… --member 01K… --name "Nadia Haddad" --relationship mère --quadrant famille --circle intime --role aidant
  (no --role: the member holds no role any more)`,
		Args: cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.PersonId = args[0]
		req.Quadrant, req.Circle, req.Roles = m.quadrant.value, m.circle.value, m.roles.values
		if cmd.Flags().Changed("expected-version") {
			req.ExpectedVersion = proto.Uint64(version)
		}
		return c.run(cmd, func(ctx context.Context, api parcoursv1.ParcoursServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.UpdateEntourageMember(ctx, req)
		})
	}
	f := cmd.Flags()
	f.StringVar(&req.MemberId, "member", "", "the member_id printed by add-member")
	m.add(cmd, &req.DisplayName, &req.Relationship, &req.Contact)
	f.Uint64Var(&version, "expected-version", 0, "fail with Aborted unless the person's file is at this version")
	mustRequire(cmd, "member")
	return cmd
}
