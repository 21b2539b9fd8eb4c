package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
)

// The commands of solicitations and engagements.

var legalBasisWords = []word[eventsv1.SolicitationLegalBasis]{
	{"consent", eventsv1.SolicitationLegalBasis_SOLICITATION_LEGAL_BASIS_CONSENT},
	{"informed", eventsv1.SolicitationLegalBasis_SOLICITATION_LEGAL_BASIS_INFORMED_NO_OPPOSITION},
}

var declineWords = []word[eventsv1.DeclineReason]{
	{"no-place", eventsv1.DeclineReason_DECLINE_REASON_NO_PLACE},
	{"outside-territory", eventsv1.DeclineReason_DECLINE_REASON_OUTSIDE_TERRITORY},
	{"not-adapted", eventsv1.DeclineReason_DECLINE_REASON_NOT_ADAPTED},
	{"no-orientation", eventsv1.DeclineReason_DECLINE_REASON_NO_ORIENTATION},
	{"other", eventsv1.DeclineReason_DECLINE_REASON_OTHER},
}

var engagementOutcomeWords = []word[eventsv1.EngagementOutcome]{
	{"done", eventsv1.EngagementOutcome_ENGAGEMENT_OUTCOME_DONE},
	{"not-done", eventsv1.EngagementOutcome_ENGAGEMENT_OUTCOME_NOT_DONE},
}

var endReasonWords = []word[eventsv1.EngagementEndReason]{
	{"objective-reached", eventsv1.EngagementEndReason_ENGAGEMENT_END_REASON_OBJECTIVE_REACHED},
	{"planned-end", eventsv1.EngagementEndReason_ENGAGEMENT_END_REASON_PLANNED_END},
	{"person-choice", eventsv1.EngagementEndReason_ENGAGEMENT_END_REASON_PERSON_CHOICE},
	{"moved", eventsv1.EngagementEndReason_ENGAGEMENT_END_REASON_MOVED},
	{"needs-changed", eventsv1.EngagementEndReason_ENGAGEMENT_END_REASON_NEEDS_CHANGED},
	{"partner-unable", eventsv1.EngagementEndReason_ENGAGEMENT_END_REASON_PARTNER_UNABLE},
	{"rights-ended", eventsv1.EngagementEndReason_ENGAGEMENT_END_REASON_RIGHTS_ENDED},
	{"death", eventsv1.EngagementEndReason_ENGAGEMENT_END_REASON_DEATH},
	{"other", eventsv1.EngagementEndReason_ENGAGEMENT_END_REASON_OTHER},
}

func today() string { return time.Now().Format(time.DateOnly) }

func newSolicitCmd(g *globals) *cobra.Command {
	req := &partnersv1.SendSolicitationRequest{}
	var to, share, mission string
	var expiresIn time.Duration
	basis := newEnumFlag(legalBasisWords)
	cmd := &cobra.Command{
		Use:   "solicit PERSON --to FINESS[,FINESS] --prestation CODE --message TEXT --share CATEGORIES --basis consent|informed",
		Short: "Ask partners to deliver a prestation for the person (sollicitation), with the minimal information they need",
		Example: `  maillagectl consent 01K… --categories identite,projet --org 350041315   # outside her coordination: her consent
  maillagectl solicit 01K… --to 350041315 --prestation 2.3.4 --need 01K… --share identite,projet --basis consent --consent 01K… \
    --message "Jeune femme de 22 ans, souhaite des activités de loisirs en groupe."
  maillagectl solicit 01K… --to 750000004 --prestation 2.3.4 --share identite,projet --basis informed \
    --message "…"   # a partner already in her coordination: informed, no opposition`,
		Args: cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		cats, err := categoriesOf(share)
		if err != nil {
			return err
		}
		req.PersonId, req.OrganisationIds, req.SharedCategories, req.LegalBasis = args[0], splitList(to), cats, basis.value
		if expiresIn > 0 {
			req.ExpiresIn = durationpb.New(expiresIn)
		}
		if mission != "" {
			if req.Mission, err = missionOf(mission); err != nil {
				return err
			}
		}
		return partnersCall(c, cmd, func(ctx context.Context, api partnersv1.PartnersServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.SendSolicitation(ctx, req)
		})
	}
	f := cmd.Flags()
	f.StringVar(&to, "to", "", "the partners asked (FINESS or SIRET), comma-separated, 1 to 10")
	f.StringVar(&req.PrestationCode, "prestation", "", "the SERAFIN-PH prestation asked")
	f.StringVar(&req.NeedId, "need", "", "the need of the plan it answers")
	f.StringVar(&req.Message, "message", "", "what the partners are told: the minimum needed to answer")
	f.StringVar(&share, "share", "", "the categories the message discloses, comma-separated (identite, projet…)")
	f.Var(basis, "basis", "why sharing is lawful: "+basis.names())
	f.StringVar(&req.ConsentId, "consent", "", "the consent recorded on the file, with --basis consent")
	f.DurationVar(&expiresIn, "expires-in", 0, "how long the partners have to answer (default 360h, 15 days)")
	f.StringVar(&mission, "mission", "", "the mission the engaged partner takes on (default: its own in the directory)")
	f.StringVar(&req.WishedStartOn, "wished-start", "", "the day the prestation should start, YYYY-MM-DD")
	f.StringVar(&req.TransitionId, "transition", "", "the transition it prepares (the receiving partner sought): its engagement secures it")
	mustRequire(cmd, "to", "prestation", "message", "share", "basis")
	return cmd
}

func newSolicitationsCmd(g *globals) *cobra.Command {
	req := &partnersv1.ListSolicitationsRequest{}
	cmd := &cobra.Command{
		Use:   "solicitations [--person PERSON] [--pending]",
		Short: "List the solicitations your organisation received, or a person's (for their coordination)",
		Args:  cobra.NoArgs,
	}
	c := newAPICall(g, cmd, false)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return partnersCall(c, cmd, func(ctx context.Context, api partnersv1.PartnersServiceClient) (proto.Message, error) {
			return api.ListSolicitations(ctx, req)
		})
	}
	f := cmd.Flags()
	f.StringVar(&req.PersonId, "person", "", "the person's solicitations")
	f.BoolVar(&req.OnlyPending, "pending", false, "only those waiting for an answer")
	f.Int32Var(&req.PageSize, "page-size", 0, "solicitations per page (default 50)")
	f.StringVar(&req.PageToken, "page-token", "", "next_page_token of the previous page")
	f.StringVar(&req.MinPosition, "min-position", "", "wait until the solicitations include this position")
	return cmd
}

func newSolicitationCmd(g *globals) *cobra.Command {
	req := &partnersv1.GetSolicitationRequest{}
	cmd := &cobra.Command{
		Use:   "solicitation ID",
		Short: "Show a solicitation (its sender and the partners asked)",
		Args:  cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, false)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.SolicitationId = args[0]
		return partnersCall(c, cmd, func(ctx context.Context, api partnersv1.PartnersServiceClient) (proto.Message, error) {
			return api.GetSolicitation(ctx, req)
		})
	}
	cmd.Flags().StringVar(&req.MinPosition, "min-position", "", "wait until the solicitations include this position")
	return cmd
}

func newAcceptCmd(g *globals) *cobra.Command {
	req := &partnersv1.AcceptSolicitationRequest{}
	cmd := &cobra.Command{
		Use:     "accept SOLICITATION --start YYYY-MM-DD --frequency TEXT [--planned-end YYYY-MM-DD]",
		Short:   "Accept a solicitation your organisation was asked by, and commit (note d'engagement)",
		Example: `  maillagectl accept 01K… --start 2026-12-14 --frequency "deux après-midi par semaine" --as-org 350041315 --as-role professionnel`,
		Args:    cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.SolicitationId = args[0]
		if req.StartOn == "" {
			req.StartOn = today()
		}
		return partnersCall(c, cmd, func(ctx context.Context, api partnersv1.PartnersServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.AcceptSolicitation(ctx, req)
		})
	}
	f := cmd.Flags()
	f.StringVar(&req.StartOn, "start", "", "first day, YYYY-MM-DD (default today)")
	f.StringVar(&req.PlannedEndOn, "planned-end", "", "planned last day, YYYY-MM-DD")
	f.StringVar(&req.Frequency, "frequency", "", "how often, in your words")
	f.StringVar(&req.OrganisationId, "for", "", "the établissement asked you answer for, as its legal entity")
	mustRequire(cmd, "frequency")
	return cmd
}

func newDeclineCmd(g *globals) *cobra.Command {
	req := &partnersv1.DeclineSolicitationRequest{}
	reason := newEnumFlag(declineWords)
	cmd := &cobra.Command{
		Use:   "decline SOLICITATION --reason REASON [--detail TEXT]",
		Short: "Decline a solicitation your organisation was asked by",
		Args:  cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.SolicitationId, req.Reason = args[0], reason.value
		return partnersCall(c, cmd, func(ctx context.Context, api partnersv1.PartnersServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.DeclineSolicitation(ctx, req)
		})
	}
	cmd.Flags().Var(reason, "reason", "why: "+reason.names())
	cmd.Flags().StringVar(&req.Detail, "detail", "", "more, in French (required with other)")
	cmd.Flags().StringVar(&req.OrganisationId, "for", "", "the établissement asked you answer for, as its legal entity")
	mustRequire(cmd, "reason")
	return cmd
}

func newRevokeCmd(g *globals) *cobra.Command {
	req := &partnersv1.RevokeSolicitationRequest{}
	cmd := &cobra.Command{
		Use:   "revoke SOLICITATION --reason TEXT",
		Short: "Withdraw a solicitation nobody accepted (its sender)",
		Args:  cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.SolicitationId = args[0]
		return partnersCall(c, cmd, func(ctx context.Context, api partnersv1.PartnersServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.RevokeSolicitation(ctx, req)
		})
	}
	cmd.Flags().StringVar(&req.Reason, "reason", "", "why, in French")
	mustRequire(cmd, "reason")
	return cmd
}

func newEngagementCmd(g *globals) *cobra.Command {
	var reason, detail, on string
	outcome, endReason := newEnumFlag(engagementOutcomeWords), newEnumFlag(endReasonWords)
	cmd := &cobra.Command{
		Use:   "engagement SOLICITATION suspend|resume|end [flags]",
		Short: "Suspend, resume or end the engagement a solicitation started (the partner engaged, or the coordination)",
		Example: `  maillagectl engagement 01K… suspend --reason "hospitalisation" --on 2026-12-20
  maillagectl engagement 01K… end --outcome done --end-reason objective-reached`,
		Args: cobra.ExactArgs(2),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		id, day := args[0], on
		if day == "" {
			day = today()
		}
		return partnersCall(c, cmd, func(ctx context.Context, api partnersv1.PartnersServiceClient) (proto.Message, error) {
			switch args[1] {
			case "suspend":
				return api.SuspendEngagement(ctx, &partnersv1.SuspendEngagementRequest{RequestId: c.requestID, SolicitationId: id, Reason: reason, FromOn: day})
			case "resume":
				return api.ResumeEngagement(ctx, &partnersv1.ResumeEngagementRequest{RequestId: c.requestID, SolicitationId: id, ResumedOn: day})
			case "end":
				return api.EndEngagement(ctx, &partnersv1.EndEngagementRequest{RequestId: c.requestID, SolicitationId: id, Outcome: outcome.value,
					Reason: endReason.value, Detail: detail, EndedOn: day})
			}
			return nil, fmt.Errorf("want suspend, resume or end, not %q", args[1])
		})
	}
	f := cmd.Flags()
	f.StringVar(&reason, "reason", "", "why it is suspended, in French")
	f.StringVar(&on, "on", "", "the day, YYYY-MM-DD (default today)")
	f.Var(outcome, "outcome", "how it ended: "+outcome.names())
	f.Var(endReason, "end-reason", "why it ended: "+endReason.names())
	f.StringVar(&detail, "detail", "", "more, in French (required with other)")
	return cmd
}
