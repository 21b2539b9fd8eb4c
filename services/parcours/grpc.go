package parcours

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/oklog/ulid/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/projection"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The gRPC port: translate the request, run the command, translate the
// answer. Field syntax is checked by the server's protovalidate interceptor
// before a handler runs; the decider checks meaning (dates, rules).

// EnrollPerson opens a person's coordination file.
func (s *Service) EnrollPerson(ctx context.Context, req *parcoursv1.EnrollPersonRequest) (*parcoursv1.EnrollPersonResponse, error) {
	p, _ := auth.PrincipalFrom(ctx)
	personID := req.GetPersonId()
	if personID == "" {
		personID = personIDFor(p.Organisation, req.GetRequestId())
	}
	cmd := EnrollPerson{
		PersonID: personID, INS: req.Ins, BirthDate: req.GetBirthDate(),
		Domicile:        domicileOf(req.GetDomicile()),
		PublicConcerned: req.GetPublicConcerned(), LegalProtection: req.GetLegalProtection(),
		RequestOrigin: req.GetRequestOrigin(),
	}
	res, err := s.handle(ctx, personID, cmd, req.GetRequestId(), req.ExpectedVersion)
	if err != nil {
		return nil, err
	}
	return &parcoursv1.EnrollPersonResponse{Position: res.Position.String(), Version: uint64(res.Version), PersonId: personID}, nil
}

// personIDFor derives a new person's id from the caller's request id, so
// that a retried enrolment (same organisation, same request id) reaches
// the same file and is answered as the first one, instead of enrolling the
// person twice.
func personIDFor(organisation, requestID string) string {
	sum := sha256.Sum256([]byte(organisation + "/" + requestID))
	var id ulid.ULID
	copy(id[:], sum[:16])
	return id.String()
}

func domicileOf(d *parcoursv1.Domicile) Domicile {
	out := Domicile{CommuneINSEE: d.GetCommuneInsee()}
	if d != nil && d.Latitude != nil && d.Longitude != nil {
		out.Coordinates = &GeoPoint{Latitude: d.GetLatitude(), Longitude: d.GetLongitude()}
	}
	return out
}

// AssignCoordinator names the person's coordinateur de parcours.
func (s *Service) AssignCoordinator(ctx context.Context, req *parcoursv1.AssignCoordinatorRequest) (*parcoursv1.AssignCoordinatorResponse, error) {
	cmd := AssignCoordinator{PersonID: req.GetPersonId(), ProfessionalID: req.GetProfessionalId(), OrganisationID: req.GetOrganisationId(), DisplayName: req.GetDisplayName()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req.GetRequestId(), req.ExpectedVersion)
	if err != nil {
		return nil, err
	}
	return &parcoursv1.AssignCoordinatorResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// AnticipateTransition records a change of setting planned ahead.
func (s *Service) AnticipateTransition(ctx context.Context, req *parcoursv1.AnticipateTransitionRequest) (*parcoursv1.AnticipateTransitionResponse, error) {
	cmd := AnticipateTransition{PersonID: req.GetPersonId(), Kind: req.GetKind(), FromSetting: req.GetFromSetting(), ToSetting: req.GetToSetting(),
		PlannedDate: req.GetPlannedDate(), ReceivingPartnerID: req.GetReceivingPartnerId()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req.GetRequestId(), req.ExpectedVersion)
	if err != nil {
		return nil, err
	}
	out := &parcoursv1.AnticipateTransitionResponse{Position: res.Position.String(), Version: uint64(res.Version)}
	for _, ev := range res.Events {
		if e, ok := ev.(*eventsv1.TransitionAnticipated); ok {
			out.TransitionId = e.GetTransitionId()
		}
	}
	return out, nil
}

// ReportRupture records a break in the person's support.
func (s *Service) ReportRupture(ctx context.Context, req *parcoursv1.ReportRuptureRequest) (*parcoursv1.ReportRuptureResponse, error) {
	cmd := ReportRupture{PersonID: req.GetPersonId(), Kind: req.GetKind(), Description: req.GetDescription(), DetectedOn: req.GetDetectedOn(), TransitionID: req.GetTransitionId()}
	res, err := s.handle(ctx, req.GetPersonId(), cmd, req.GetRequestId(), req.ExpectedVersion)
	if err != nil {
		return nil, err
	}
	out := &parcoursv1.ReportRuptureResponse{Position: res.Position.String(), Version: uint64(res.Version)}
	for _, ev := range res.Events {
		if e, ok := ev.(*eventsv1.RuptureDetected); ok {
			out.RuptureId = e.GetRuptureId()
		}
	}
	return out, nil
}

func (s *Service) handle(ctx context.Context, personID string, cmd Command, requestID string, expected *uint64) (decider.Result, error) {
	p, _ := auth.PrincipalFrom(ctx)
	opts := decider.Options{Metadata: es.Metadata{Actor: p.Subject, Organisation: p.Organisation, RequestID: requestID, CorrelationID: requestID}}
	if expected != nil {
		v := es.Version(*expected)
		opts.Expected = &v
	}
	res, err := s.persons.Handle(ctx, personID, cmd, opts)
	if err != nil {
		return res, convertError(err)
	}
	return res, nil
}

// GetCoordinatedView returns the person's fiche de coordination: now (after
// min_position when given), or as it was at as_of.
func (s *Service) GetCoordinatedView(ctx context.Context, req *parcoursv1.GetCoordinatedViewRequest) (*parcoursv1.GetCoordinatedViewResponse, error) {
	if req.GetAsOf() != nil {
		return s.viewAsOf(ctx, req)
	}
	if err := s.waitForViews(ctx, req.GetMinPosition()); err != nil {
		return nil, err
	}
	// What depends on the day (overdue actions and reviews, next actions,
	// rights' remaining days) is computed now, on the copy read.
	view, ok := s.views.Read(req.GetPersonId(), s.cfg.Now())
	if !ok {
		return nil, status.Errorf(codes.NotFound, "no person %s is followed", req.GetPersonId())
	}
	return &parcoursv1.GetCoordinatedViewResponse{View: view}, nil
}

func (s *Service) viewAsOf(ctx context.Context, req *parcoursv1.GetCoordinatedViewRequest) (*parcoursv1.GetCoordinatedViewResponse, error) {
	events, err := s.cfg.Store.Read(ctx, StreamOf(req.GetPersonId()), 1)
	if err != nil {
		return nil, convertError(err)
	}
	if len(events) == 0 {
		return nil, status.Errorf(codes.NotFound, "no person %s is followed", req.GetPersonId())
	}
	asOf := req.GetAsOf().AsTime()
	view, err := FoldView(req.GetPersonId(), EventsAsOf(events, asOf), s.cfg.Codec)
	if errors.Is(err, derrors.ErrNotFound) {
		return nil, status.Errorf(codes.NotFound, "person %s was not enrolled yet at %s", req.GetPersonId(), asOf.Format("2006-01-02T15:04:05Z07:00"))
	}
	if err != nil {
		return nil, convertError(err)
	}
	// The view as it read that day: overdue and due counted on as_of's day.
	present(view, today(asOf))
	return &parcoursv1.GetCoordinatedViewResponse{View: view}, nil
}

// waitForViews waits, within Config.ViewWait, until the views include the
// position token a command returned (read your writes); "" waits for
// nothing. The error is a gRPC status: INVALID_ARGUMENT for a token no
// command returned, UNAVAILABLE (retry) when the views lag.
func (s *Service) waitForViews(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	pos, err := es.ParsePosition(token)
	if err != nil {
		return derrors.ToStatus(derrors.Invalid("min_position", "%q is not a position returned by a command", token))
	}
	wctx, cancel := context.WithTimeout(ctx, s.cfg.ViewWait)
	defer cancel()
	if err := s.runner.WaitFor(wctx, pos); err != nil {
		return convertError(err)
	}
	return nil
}

// convertError is where the service's errors become gRPC statuses.
func convertError(err error) error {
	var rule *derrors.RuleError
	switch {
	case errors.As(err, &rule) && rule.Rule == "person.already_enrolled":
		// The API promises ALREADY_EXISTS here: the integrator's record
		// and ours are the same person; there is nothing to retry.
		return status.Error(codes.AlreadyExists, rule.Reason)
	case errors.Is(err, projection.ErrBehind):
		return status.Error(codes.Unavailable, fmt.Sprintf("the view has not caught up yet; retry: %v", err))
	case errors.Is(err, es.ErrInvalidStream):
		return derrors.ToStatus(derrors.Invalid("person_id", "is not a valid person id"))
	}
	return derrors.ToStatus(err)
}
