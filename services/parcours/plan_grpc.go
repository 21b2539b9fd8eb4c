package parcours

import (
	"context"

	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The gRPC port of the projet personnalisé, in the manner of person_grpc.go:
// translate the request, run the command, translate the answer. Field
// syntax is checked by the server's protovalidate interceptor; the
// deciders (plan_*.go) check meaning.

// IdentifyNeed records a need identified with the person (besoin).
func (s *Service) IdentifyNeed(ctx context.Context, req *parcoursv1.IdentifyNeedRequest) (*parcoursv1.IdentifyNeedResponse, error) {
	cmd := IdentifyNeed{PersonID: req.GetPersonId(), NeedCode: req.GetNeedCode(), Description: req.GetDescription()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	out := &parcoursv1.IdentifyNeedResponse{Position: res.Position.String(), Version: uint64(res.Version)}
	out.NeedId = res.CreatedID
	return out, nil
}

// CloseNeed stops following a need (besoin clos).
func (s *Service) CloseNeed(ctx context.Context, req *parcoursv1.CloseNeedRequest) (*parcoursv1.CloseNeedResponse, error) {
	cmd := CloseNeed{PersonID: req.GetPersonId(), NeedID: req.GetNeedId(), Reason: req.GetReason(), Note: req.GetNote()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	return &parcoursv1.CloseNeedResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// SetObjective adds an objective to the projet personnalisé.
func (s *Service) SetObjective(ctx context.Context, req *parcoursv1.SetObjectiveRequest) (*parcoursv1.SetObjectiveResponse, error) {
	cmd := SetObjective{PersonID: req.GetPersonId(), NeedIDs: req.GetNeedIds(), Statement: req.GetStatement(),
		Indicator: req.GetIndicator(), DueDate: req.GetDueDate()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	out := &parcoursv1.SetObjectiveResponse{Position: res.Position.String(), Version: uint64(res.Version)}
	out.ObjectiveId = res.CreatedID
	return out, nil
}

// PlanAction adds an action to the plan: who does what by when.
func (s *Service) PlanAction(ctx context.Context, req *parcoursv1.PlanActionRequest) (*parcoursv1.PlanActionResponse, error) {
	cmd := PlanAction{PersonID: req.GetPersonId(), ObjectiveID: req.GetObjectiveId(), Description: req.GetDescription(),
		Responsible: responsibleFrom(req.GetResponsible()), DueDate: req.GetDueDate(), PrestationCode: req.GetPrestationCode()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	out := &parcoursv1.PlanActionResponse{Position: res.Position.String(), Version: uint64(res.Version)}
	out.ActionId = res.CreatedID
	return out, nil
}

// responsibleFrom reads the API's responsible; an unset one is the zero
// Responsible, which the decider refuses on "responsible".
func responsibleFrom(r *parcoursv1.Responsible) Responsible {
	out := Responsible{DisplayName: r.GetDisplayName()}
	switch w := r.GetWho().(type) {
	case *parcoursv1.Responsible_PartnerId:
		out.PartnerID = w.PartnerId
	case *parcoursv1.Responsible_Professional:
		out.Professional = &ProfessionalRef{ProfessionalID: w.Professional.GetProfessionalId(), OrganisationID: w.Professional.GetOrganisationId()}
	case *parcoursv1.Responsible_EntourageMemberId:
		out.EntourageMemberID = w.EntourageMemberId
	case *parcoursv1.Responsible_Person:
		out.Person = w.Person
	}
	return out
}

// CompleteAction records that an action of the plan was done.
func (s *Service) CompleteAction(ctx context.Context, req *parcoursv1.CompleteActionRequest) (*parcoursv1.CompleteActionResponse, error) {
	cmd := CompleteAction{PersonID: req.GetPersonId(), ActionID: req.GetActionId(), CompletedOn: req.GetCompletedOn(), Note: req.GetNote()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	return &parcoursv1.CompleteActionResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// ValidatePlan records the validation of the projet personnalisé by the
// person or their legal representative.
func (s *Service) ValidatePlan(ctx context.Context, req *parcoursv1.ValidatePlanRequest) (*parcoursv1.ValidatePlanResponse, error) {
	cmd := ValidatePlan{PersonID: req.GetPersonId(), ValidatedBy: req.GetValidatedBy(),
		RepresentativeMemberID: req.GetRepresentativeMemberId(), ValidatedOn: req.GetValidatedOn()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	out := &parcoursv1.ValidatePlanResponse{Position: res.Position.String(), Version: uint64(res.Version)}
	for _, ev := range res.Events {
		if e, ok := ev.(*eventsv1.PlanValidated); ok {
			out.PlanRevision = e.GetPlanRevision()
		}
	}
	return out, nil
}

// SchedulePlanReview schedules a review of the projet personnalisé.
func (s *Service) SchedulePlanReview(ctx context.Context, req *parcoursv1.SchedulePlanReviewRequest) (*parcoursv1.SchedulePlanReviewResponse, error) {
	cmd := SchedulePlanReview{PersonID: req.GetPersonId(), ScheduledOn: req.GetScheduledOn()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	out := &parcoursv1.SchedulePlanReviewResponse{Position: res.Position.String(), Version: uint64(res.Version)}
	out.ReviewId = res.CreatedID
	return out, nil
}

// EvaluateObjective records the co-evaluation of an objective.
func (s *Service) EvaluateObjective(ctx context.Context, req *parcoursv1.EvaluateObjectiveRequest) (*parcoursv1.EvaluateObjectiveResponse, error) {
	cmd := EvaluateObjective{PersonID: req.GetPersonId(), ObjectiveID: req.GetObjectiveId(), Outcome: req.GetOutcome(),
		EvaluatedOn: req.GetEvaluatedOn(), PersonWords: req.GetPersonWords(), ProfessionalNotes: req.GetProfessionalNotes(),
		ReviewID: req.GetReviewId()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	return &parcoursv1.EvaluateObjectiveResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}
