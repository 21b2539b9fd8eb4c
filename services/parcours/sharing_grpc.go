package parcours

import (
	"context"

	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The gRPC handlers of partners, consents and oppositions, in the style of
// person_grpc.go.

// AssociatePartner associates an organisation with the coordination.
func (s *Service) AssociatePartner(ctx context.Context, req *parcoursv1.AssociatePartnerRequest) (*parcoursv1.AssociatePartnerResponse, error) {
	cmd := AssociatePartner{PersonID: req.GetPersonId(), OrganisationID: req.GetOrganisationId(), DisplayName: req.GetDisplayName(),
		Mission: req.GetMission(), Categories: req.GetCategories(), PartnerID: req.GetPartnerId()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	out := &parcoursv1.AssociatePartnerResponse{Position: res.Position.String(), Version: uint64(res.Version)}
	for _, ev := range res.Events {
		if e, ok := ev.(*eventsv1.PartnerJoinedCoordination); ok {
			out.Categories = e.GetCategories()
		}
	}
	if res.Events == nil {
		// Associated already as asked: answer what it sees.
		if view, ok := s.views.Get(req.GetPersonId()); ok {
			for _, p := range view.GetPartners() {
				if p.GetOrganisationId() == req.GetOrganisationId() {
					out.Categories = p.GetCategories()
				}
			}
		}
	}
	return out, nil
}

// DissociatePartner ends an organisation's part in the coordination.
func (s *Service) DissociatePartner(ctx context.Context, req *parcoursv1.DissociatePartnerRequest) (*parcoursv1.DissociatePartnerResponse, error) {
	cmd := DissociatePartner{PersonID: req.GetPersonId(), OrganisationID: req.GetOrganisationId(), Reason: req.GetReason()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	return &parcoursv1.DissociatePartnerResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

func choiceOf(c *parcoursv1.SharingChoice) SharingChoice {
	return SharingChoice{DecidedBy: c.GetDecidedBy(), RepresentativeMemberID: c.GetRepresentativeMemberId(), On: c.GetOn()}
}

// RecordSharingConsent records the person's consent to share categories.
func (s *Service) RecordSharingConsent(ctx context.Context, req *parcoursv1.RecordSharingConsentRequest) (*parcoursv1.RecordSharingConsentResponse, error) {
	cmd := RecordSharingConsent{PersonID: req.GetPersonId(), Categories: req.GetCategories(), OrganisationID: req.GetOrganisationId(),
		Choice: choiceOf(req.GetChoice()), ExpiresOn: req.GetExpiresOn()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	out := &parcoursv1.RecordSharingConsentResponse{Position: res.Position.String(), Version: uint64(res.Version)}
	out.ConsentId = res.CreatedID
	return out, nil
}

// WithdrawSharingConsent withdraws a consent.
func (s *Service) WithdrawSharingConsent(ctx context.Context, req *parcoursv1.WithdrawSharingConsentRequest) (*parcoursv1.WithdrawSharingConsentResponse, error) {
	cmd := WithdrawSharingConsent{PersonID: req.GetPersonId(), ConsentID: req.GetConsentId(), Choice: choiceOf(req.GetChoice())}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	return &parcoursv1.WithdrawSharingConsentResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// RecordSharingOpposition records the person's opposition to sharing.
func (s *Service) RecordSharingOpposition(ctx context.Context, req *parcoursv1.RecordSharingOppositionRequest) (*parcoursv1.RecordSharingOppositionResponse, error) {
	cmd := RecordSharingOpposition{PersonID: req.GetPersonId(), Categories: req.GetCategories(), OrganisationID: req.GetOrganisationId(),
		Choice: choiceOf(req.GetChoice()), Reason: req.GetReason()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	out := &parcoursv1.RecordSharingOppositionResponse{Position: res.Position.String(), Version: uint64(res.Version)}
	out.OppositionId = res.CreatedID
	return out, nil
}

// LiftSharingOpposition lifts an opposition.
func (s *Service) LiftSharingOpposition(ctx context.Context, req *parcoursv1.LiftSharingOppositionRequest) (*parcoursv1.LiftSharingOppositionResponse, error) {
	cmd := LiftSharingOpposition{PersonID: req.GetPersonId(), OppositionID: req.GetOppositionId(), Choice: choiceOf(req.GetChoice())}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	return &parcoursv1.LiftSharingOppositionResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}
