package parcours

import (
	"context"
	"errors"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/kit"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The gRPC port of the reads: the coordinated view, now or as of an
// instant, redacted by what the caller may see, audited before it leaves.

// GetCoordinatedView returns the person's fiche de coordination: now (after
// min_position when given), or as it was at as_of; in either case only
// what the caller may see now, and only once the disclosure is audited.
func (s *Service) GetCoordinatedView(ctx context.Context, req *parcoursv1.GetCoordinatedViewRequest) (*parcoursv1.GetCoordinatedViewResponse, error) {
	caller, err := s.kit.Caller(ctx)
	if err != nil {
		return nil, kit.Status(err)
	}
	if err := s.viewsReady(); err != nil {
		return nil, err
	}
	if err := s.waitForViews(ctx, req.GetMinPosition()); err != nil {
		return nil, err
	}
	// Access is decided on the file as stored now: a consent withdrawn or
	// a partner dissociated a moment ago counts already.
	if err := s.waitForStored(ctx); err != nil {
		return nil, err
	}
	// What depends on the day (overdue actions and reviews, next actions,
	// rights' remaining days) is computed now, on the copy read.
	current, ok := s.views.Read(req.GetPersonId(), s.cfg.Now())
	if !ok {
		return nil, status.Errorf(codes.NotFound, "no person %s is followed", req.GetPersonId())
	}
	team := teamOf(current)
	grant, err := team.ReadFile(caller, s.kit.Today())
	if err != nil {
		return nil, kit.Status(s.kit.Refused(ctx, req.GetPersonId(), err))
	}
	view, kind, detail := current, eventsv1.DisclosureKind_DISCLOSURE_KIND_VIEW, ""
	if req.GetAsOf() != nil {
		if view, err = s.viewAsOf(ctx, req); err != nil {
			return nil, err
		}
		kind, detail = eventsv1.DisclosureKind_DISCLOSURE_KIND_VIEW_AS_OF, "as of "+req.GetAsOf().AsTime().Format(time.RFC3339)
	}
	shown := redact(view, grant)
	if err := s.kit.Disclosed(ctx, kit.Disclosure{PersonID: req.GetPersonId(), Grant: grant, Categories: shown, Kind: kind, Detail: detail}); err != nil {
		return nil, kit.Status(err)
	}
	return &parcoursv1.GetCoordinatedViewResponse{View: view}, nil
}

// viewAsOf folds the person's file as it was at as_of.
func (s *Service) viewAsOf(ctx context.Context, req *parcoursv1.GetCoordinatedViewRequest) (*parcoursv1.CoordinatedView, error) {
	events, err := s.cfg.Store.Read(ctx, StreamOf(req.GetPersonId()), 1)
	if err != nil {
		return nil, kit.Status(err)
	}
	asOf := req.GetAsOf().AsTime()
	view, err := FoldView(req.GetPersonId(), EventsAsOf(events, asOf), s.cfg.Codec)
	if errors.Is(err, derrors.ErrNotFound) {
		return nil, status.Errorf(codes.NotFound, "person %s was not enrolled yet at %s", req.GetPersonId(), asOf.Format("2006-01-02T15:04:05Z07:00"))
	}
	if err != nil {
		return nil, kit.Status(err)
	}
	// The view as it read that day: overdue and due counted on as_of's day.
	present(view, today(asOf))
	return view, nil
}

// viewsReady refuses a read, UNAVAILABLE with a retry delay, while the
// views have not caught up with the store at start (kit.Ready).
func (s *Service) viewsReady() error { return kit.Ready(s.runner, "the views") }

// waitForStored waits, within Config.ViewWait, until the views include
// every event stored when the read began: access is decided on the files
// as stored now (a consent withdrawn or a partner dissociated a moment
// ago counts), whichever instance wrote it.
func (s *Service) waitForStored(ctx context.Context) error {
	return kit.WaitForStored(ctx, s.runner, s.cfg.ViewWait)
}

// Stored waits until the views include every event stored when it was
// called: for the services deciding on the views' teams (partners).
func (s *Service) Stored(ctx context.Context) error { return s.waitForStored(ctx) }

// ViewsReady is nil once the views have caught up at start, else the
// UNAVAILABLE a read answers: for the services deciding on the views'
// teams (audit).
func (s *Service) ViewsReady() error { return s.viewsReady() }

// waitForViews waits, within Config.ViewWait, until the views include the
// position token a command returned (kit.WaitForPosition).
func (s *Service) waitForViews(ctx context.Context, token string) error {
	return kit.WaitForPosition(ctx, s.runner, token, s.cfg.ViewWait)
}
