package main

import (
	"context"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// thresholdFlags are the vigilance thresholds, each optional.
type thresholdFlags struct {
	noCoordinator, transitionSecured, transitionGrace, rightsMonths, reviewGrace, actionGrace, answerDays uint32
}

func newThresholdsCmd(g *globals) *cobra.Command {
	var t thresholdFlags
	cmd := &cobra.Command{
		Use:   "thresholds [--set] [--transition-secured-days N …]",
		Short: "Show your organisation's vigilance thresholds, or set them (administrateur): a threshold not given returns to the default",
		Example: `  maillagectl thresholds
  maillagectl thresholds --set --transition-secured-days 90 --rights-expiring-months 9 --as-role administrateur`,
		Args: cobra.NoArgs,
	}
	var set bool
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if !set {
			c.idempotent = false
			return c.run(cmd, func(ctx context.Context, api parcoursv1.ParcoursServiceClient) (proto.Message, error) {
				return api.GetVigilanceThresholds(ctx, &parcoursv1.GetVigilanceThresholdsRequest{})
			})
		}
		th := &parcoursv1.VigilanceThresholds{}
		f := cmd.Flags()
		for name, dst := range map[string]**uint32{"no-coordinator-days": &th.NoCoordinatorDays, "transition-secured-days": &th.TransitionSecuredDays,
			"transition-grace-days": &th.TransitionGraceDays, "rights-expiring-months": &th.RightsExpiringMonths,
			"review-grace-days": &th.PlanReviewGraceDays, "action-grace-days": &th.ActionGraceDays, "answer-days": &th.SolicitationAnswerDays} {
			if f.Changed(name) {
				v, _ := f.GetUint32(name)
				*dst = &v
			}
		}
		return c.run(cmd, func(ctx context.Context, api parcoursv1.ParcoursServiceClient) (proto.Message, error) {
			return api.SetVigilanceThresholds(ctx, &parcoursv1.SetVigilanceThresholdsRequest{RequestId: c.requestID, Thresholds: th})
		})
	}
	f := cmd.Flags()
	f.BoolVar(&set, "set", false, "set them (administrateur); without it, show them")
	f.Uint32Var(&t.noCoordinator, "no-coordinator-days", 0, "days with nobody coordinating before a risk (default 15)")
	f.Uint32Var(&t.transitionSecured, "transition-secured-days", 0, "days before a transition by which a receiving partner must be engaged (default 60)")
	f.Uint32Var(&t.transitionGrace, "transition-grace-days", 0, "days after a transition's date before it is missed (default 2)")
	f.Uint32Var(&t.rightsMonths, "rights-expiring-months", 0, "months before MDPH rights end with no renewal (default 6)")
	f.Uint32Var(&t.reviewGrace, "review-grace-days", 0, "days after a plan review's day before it is overdue (default 15)")
	f.Uint32Var(&t.actionGrace, "action-grace-days", 0, "days after an action's due date before it is overdue (default 15)")
	f.Uint32Var(&t.answerDays, "answer-days", 0, "days a solicitation may stay unanswered (default 15)")
	return cmd
}
