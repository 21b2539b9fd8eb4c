package parcours

import (
	"context"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/derrors"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// ListCaseload returns a page of a coordinator's caseload (file active).
//
// Who may see whose: a professional sees their own caseload; a
// coordinateur may see a colleague's, restricted to the files coordinated
// for the caller's own organisation (a colleague covering an absence).
// Anything else is PERMISSION_DENIED.
func (s *Service) ListCaseload(ctx context.Context, req *parcoursv1.ListCaseloadRequest) (*parcoursv1.ListCaseloadResponse, error) {
	p, ok := auth.PrincipalFrom(ctx)
	if !ok || p.Subject == "" {
		return nil, status.Error(codes.Unauthenticated, "the call names no professional")
	}
	coordinator := req.GetCoordinatorProfessionalId()
	if coordinator == "" {
		coordinator = p.Subject
	}
	if coordinator != p.Subject {
		if p.Role != auth.RoleCoordinateur {
			return nil, status.Errorf(codes.PermissionDenied, "the caseload of %s is not yours to see", coordinator)
		}
		if org := req.GetOrganisationId(); org != "" && org != p.Organisation {
			return nil, status.Errorf(codes.PermissionDenied, "you may see a colleague's caseload only for your organisation %s", p.Organisation)
		}
		// Copied: the caller's request is not ours to change.
		req = &parcoursv1.ListCaseloadRequest{
			CoordinatorProfessionalId: req.GetCoordinatorProfessionalId(), OrganisationId: p.Organisation,
			OnlyOpenRuptures: req.GetOnlyOpenRuptures(), TransitionsWithinDays: req.GetTransitionsWithinDays(),
			OnlyOverdueReviews: req.GetOnlyOverdueReviews(), OnlyOverdueActions: req.GetOnlyOverdueActions(),
			IncludeDischarged: req.GetIncludeDischarged(), PageSize: req.GetPageSize(), PageToken: req.GetPageToken(),
			MinPosition: req.GetMinPosition(),
		}
	}
	if err := s.waitForViews(ctx, req.GetMinPosition()); err != nil {
		return nil, err
	}
	res, err := s.views.ListCaseload(req, coordinator, s.cfg.Now())
	if err != nil {
		return nil, derrors.ToStatus(err)
	}
	return res, nil
}
