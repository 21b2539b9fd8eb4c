package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

func newPlanActionCmd(g *globals) *cobra.Command {
	var (
		req                      = &parcoursv1.PlanActionRequest{Responsible: &parcoursv1.Responsible{}}
		partner, member          string
		professional, professOrg string
		person                   bool
		version                  uint64
	)
	cmd := &cobra.Command{
		Use: "plan-action PERSON --objective ID --description TEXT --due-date YYYY-MM-DD --responsible-name NAME\n" +
			"  (--partner ID | --professional ID --professional-org FINESS|SIRET | --member ID | --person)",
		Short: "Add an action to the plan (who does what by when, for an objective) and print its action_id",
		Example: `  maillagectl plan-action 01K… --objective 01K… --description "Accompagner trois trajets en bus" --due-date 2026-10-30 --partner 01K… --responsible-name "SESSAD Les Lilas" --prestation 2.3.1.1
  maillagectl plan-action 01K… --objective 01K… --description "Acheter la carte TCL" --due-date 2026-09-15 --member 01K… --responsible-name "Nadia Haddad (mère)"
  maillagectl plan-action 01K… --objective 01K… --description "Repérer l'arrêt" --due-date 2026-09-10 --person --responsible-name Léa`,
		Args: cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.PersonId = args[0]
		// Exactly one of them: cobra checks it (below) before RunE.
		switch r := req.Responsible; {
		case cmd.Flags().Changed("partner"):
			r.Who = &parcoursv1.Responsible_PartnerId{PartnerId: partner}
		case cmd.Flags().Changed("professional"):
			r.Who = &parcoursv1.Responsible_Professional{Professional: &parcoursv1.Professional{
				ProfessionalId: professional, OrganisationId: professOrg,
			}}
		case cmd.Flags().Changed("member"):
			r.Who = &parcoursv1.Responsible_EntourageMemberId{EntourageMemberId: member}
		case person:
			r.Who = &parcoursv1.Responsible_Person{Person: true}
		}
		if cmd.Flags().Changed("expected-version") {
			req.ExpectedVersion = proto.Uint64(version)
		}
		return c.run(cmd, func(ctx context.Context, api parcoursv1.ParcoursServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.PlanAction(ctx, req)
		})
	}
	f := cmd.Flags()
	f.StringVar(&req.ObjectiveId, "objective", "", "the objective_id it serves")
	f.StringVar(&req.Description, "description", "", "what is to be done")
	f.StringVar(&req.DueDate, "due-date", "", "when it should be done (échéance), YYYY-MM-DD, today or later")
	f.StringVar(&req.PrestationCode, "prestation", "", "the SERAFIN-PH prestation it delivers, e.g. 2.3.1.1")
	f.StringVar(&partner, "partner", "", "responsible: a partner of the territory, by partner_id")
	f.StringVar(&professional, "professional", "", "responsible: a professional, by identifier (with --professional-org)")
	f.StringVar(&professOrg, "professional-org", "", "the responsible professional's organisation: FINESS or SIRET")
	f.StringVar(&member, "member", "", "responsible: a member of the person's entourage, by member_id")
	f.BoolVar(&person, "person", false, "responsible: the person themself")
	f.StringVar(&req.Responsible.DisplayName, "responsible-name", "", "the name shown for the responsible")
	f.Uint64Var(&version, "expected-version", 0, "fail with Aborted unless the person's file is at this version")
	mustRequire(cmd, "objective", "description", "due-date", "responsible-name")
	cmd.MarkFlagsOneRequired("partner", "professional", "member", "person")
	cmd.MarkFlagsMutuallyExclusive("partner", "professional", "member", "person")
	cmd.MarkFlagsRequiredTogether("professional", "professional-org")
	return cmd
}
