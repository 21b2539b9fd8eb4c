package parcours

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/kit"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// VigilanceCategory is the category of the organisations' vigilance
// settings, "vigilance-<organisation>".
const VigilanceCategory = "vigilance"

// withSet returns th with what an organisation set in its place.
func (th VigilanceThresholds) withSet(set *eventsv1.VigilanceThresholdsSet) VigilanceThresholds {
	pick := func(v *uint32, def int) int {
		if v == nil {
			return def
		}
		return int(*v)
	}
	return VigilanceThresholds{
		NoCoordinatorDays:      pick(set.NoCoordinatorDays, th.NoCoordinatorDays),
		TransitionSecuredDays:  pick(set.TransitionSecuredDays, th.TransitionSecuredDays),
		TransitionGraceDays:    pick(set.TransitionGraceDays, th.TransitionGraceDays),
		RightsExpiringMonths:   pick(set.RightsExpiringMonths, th.RightsExpiringMonths),
		PlanReviewGraceDays:    pick(set.PlanReviewGraceDays, th.PlanReviewGraceDays),
		ActionGraceDays:        pick(set.ActionGraceDays, th.ActionGraceDays),
		SolicitationAnswerDays: pick(set.SolicitationAnswerDays, th.SolicitationAnswerDays),
	}
}

// apiThresholds is th as the API shows it.
func apiThresholds(th VigilanceThresholds) *parcoursv1.VigilanceThresholds {
	u := func(n int) *uint32 { v := uint32(n); return &v }
	return &parcoursv1.VigilanceThresholds{NoCoordinatorDays: u(th.NoCoordinatorDays), TransitionSecuredDays: u(th.TransitionSecuredDays),
		TransitionGraceDays: u(th.TransitionGraceDays), RightsExpiringMonths: u(th.RightsExpiringMonths),
		PlanReviewGraceDays: u(th.PlanReviewGraceDays), ActionGraceDays: u(th.ActionGraceDays), SolicitationAnswerDays: u(th.SolicitationAnswerDays)}
}

// thresholdsOf returns the thresholds in force for the files org holds.
func (s *Service) thresholdsOf(org string) (VigilanceThresholds, error) {
	def := s.cfg.VigilanceThresholds(org)
	set, err := s.vigilance.thresholdsSet(org)
	if err != nil || set == nil {
		return def, err
	}
	return def.withSet(set), nil
}

// SetVigilanceThresholds sets the caller's organisation's thresholds.
func (s *Service) SetVigilanceThresholds(ctx context.Context, req *parcoursv1.SetVigilanceThresholdsRequest) (*parcoursv1.SetVigilanceThresholdsResponse, error) {
	c, err := s.kit.Caller(ctx)
	if err != nil {
		return nil, kit.Status(err)
	}
	if c.Role != auth.RoleAdministrateur {
		return nil, kit.Status(derrors.Denied("access.administrateur_only", "only an administrateur of the organisation sets its vigilance"))
	}
	t := req.GetThresholds()
	data, err := decider.Encode(&eventsv1.VigilanceThresholdsSet{NoCoordinatorDays: t.NoCoordinatorDays, TransitionSecuredDays: t.TransitionSecuredDays,
		TransitionGraceDays: t.TransitionGraceDays, RightsExpiringMonths: t.RightsExpiringMonths, PlanReviewGraceDays: t.PlanReviewGraceDays,
		ActionGraceDays: t.ActionGraceDays, SolicitationAnswerDays: t.SolicitationAnswerDays})
	if err != nil {
		return nil, kit.Status(err)
	}
	opts, err := s.kit.CommandOptions(ctx, req)
	if err != nil {
		return nil, kit.Status(err)
	}
	res, err := s.cfg.Store.Append(ctx, es.StreamName(VigilanceCategory, c.Organisation), es.Any,
		es.AppendRequest{Events: []es.EventData{data}, Metadata: opts.Metadata})
	if err != nil {
		return nil, kit.Status(err)
	}
	return &parcoursv1.SetVigilanceThresholdsResponse{Position: res.Position.String()}, nil
}

// GetVigilanceThresholds returns the caller's organisation's thresholds.
func (s *Service) GetVigilanceThresholds(ctx context.Context, _ *parcoursv1.GetVigilanceThresholdsRequest) (*parcoursv1.GetVigilanceThresholdsResponse, error) {
	c, err := s.kit.Caller(ctx)
	if err != nil {
		return nil, kit.Status(err)
	}
	if err := kit.WaitForStored(ctx, s.vigilanceRunner, s.cfg.ViewWait); err != nil {
		return nil, err
	}
	set, err := s.vigilance.thresholdsSet(c.Organisation)
	if err != nil {
		return nil, kit.Status(err)
	}
	def := s.cfg.VigilanceThresholds(c.Organisation)
	out := &parcoursv1.GetVigilanceThresholdsResponse{Thresholds: &parcoursv1.VigilanceThresholds{}, Defaults: apiThresholds(def),
		Effective: apiThresholds(def)}
	if set != nil {
		out.Thresholds = &parcoursv1.VigilanceThresholds{NoCoordinatorDays: set.NoCoordinatorDays, TransitionSecuredDays: set.TransitionSecuredDays,
			TransitionGraceDays: set.TransitionGraceDays, RightsExpiringMonths: set.RightsExpiringMonths, PlanReviewGraceDays: set.PlanReviewGraceDays,
			ActionGraceDays: set.ActionGraceDays, SolicitationAnswerDays: set.SolicitationAnswerDays}
		out.Effective = apiThresholds(def.withSet(set))
	}
	return out, nil
}

// thresholdsSet returns what org set, nil when nothing.
func (v *Vigilance) thresholdsSet(org string) (*eventsv1.VigilanceThresholdsSet, error) {
	raw, ok, err := v.db.Get([]byte("t/" + org))
	if err != nil || !ok {
		return nil, err
	}
	set := &eventsv1.VigilanceThresholdsSet{}
	return set, proto.Unmarshal(raw, set)
}
