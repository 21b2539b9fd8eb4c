package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newAddMemberCmd(g *globals) *cobra.Command {
	var (
		req     = &parcoursv1.AddEntourageMemberRequest{}
		m       = newMemberFlags()
		version uint64
	)
	cmd := &cobra.Command{
		Use:     "add-member PERSON --name NAME --relationship TEXT --quadrant WORD --circle WORD [--role WORD,…]",
		Short:   "Add someone to the map of the person's entourage (Sluzki) and print their member_id",
		Example: `  maillagectl add-member 01K… --name "Nadia Haddad" --relationship mère --quadrant famille --circle intime --role aidant,representant-legal`,
		Args:    cobra.ExactArgs(1),
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
			return api.AddEntourageMember(ctx, req)
		})
	}
	f := cmd.Flags()
	m.add(cmd, &req.DisplayName, &req.Relationship, &req.Contact)
	f.Uint64Var(&version, "expected-version", 0, "fail with Aborted unless the person's file is at this version")
	return cmd
}

// memberFlags are the flags that describe an entourage member, shared by
// add-member and update-member.
type memberFlags struct {
	quadrant *enumFlag[eventsv1.SluzkiQuadrant]
	circle   *enumFlag[eventsv1.SluzkiCircle]
	roles    *enumListFlag[eventsv1.EntourageRole]
}

func newMemberFlags() *memberFlags {
	return &memberFlags{
		quadrant: newEnumFlag(quadrantWords),
		circle:   newEnumFlag(circleWords),
		roles:    newEnumListFlag(entourageRoleWords),
	}
}

// add defines the member's flags on cmd, the strings into the request's
// fields, and marks the required ones.
func (m *memberFlags) add(cmd *cobra.Command, name, relationship, contact *string) {
	f := cmd.Flags()
	f.StringVar(name, "name", "", "the name shown for the member")
	f.StringVar(relationship, "relationship", "", "who they are to the person, in the person's words (e.g. mère, voisine, éducatrice)")
	f.Var(m.quadrant, "quadrant", "quadrant of the Sluzki map: "+m.quadrant.names())
	f.Var(m.circle, "circle", "circle of the Sluzki map: "+m.circle.names())
	f.Var(m.roles, "role", "roles they hold, comma-separated or repeated: "+m.roles.names())
	f.StringVar(contact, "contact", "", "how to reach them (phone, e-mail, address)")
	mustRequire(cmd, "name", "relationship", "quadrant", "circle")
}
