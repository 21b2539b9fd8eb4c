package parcours

import (
	"context"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/kit"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// ListCaseload returns a page of a coordinator's caseload (file active).
//
// Who may see whose: a professional sees their own caseload, the files
// they coordinate for the organisation of their token; a coordinateur may
// see a colleague's of the same organisation (a colleague covering an
// absence). Each entry shows only what the caller may see of that person,
// and is audited. A dpo or an administrateur sees no caseload; anything
// else is PERMISSION_DENIED.
func (s *Service) ListCaseload(ctx context.Context, req *parcoursv1.ListCaseloadRequest) (*parcoursv1.ListCaseloadResponse, error) {
	caller, err := s.kit.Caller(ctx)
	if err != nil {
		return nil, kit.Status(err)
	}
	switch caller.Role {
	case auth.RoleCoordinateur, auth.RoleReferent, auth.RoleProfessionnel:
	default:
		return nil, kit.Status(derrors.Denied("access.role_reads_no_file", "the role %q sees no caseload", caller.Role))
	}
	coordinator := req.GetCoordinatorProfessionalId()
	if coordinator == "" {
		coordinator = caller.Subject
	}
	if coordinator != caller.Subject && caller.Role != auth.RoleCoordinateur {
		return nil, kit.Status(derrors.Denied("caseload.not_yours", "the caseload of %s is not yours to see", coordinator))
	}
	if org := req.GetOrganisationId(); org != "" && org != caller.Organisation {
		return nil, kit.Status(derrors.Denied("caseload.other_organisation",
			"a caseload is seen for the organisation of the token only (%s)", caller.Organisation))
	}
	if err := s.viewsReady(); err != nil {
		return nil, err
	}
	if err := s.waitForViews(ctx, req.GetMinPosition()); err != nil {
		return nil, err
	}
	// Each line is decided on the file as stored now.
	if err := s.waitForStored(ctx); err != nil {
		return nil, err
	}
	res, disclosed, err := s.views.ListCaseload(req, caseloadKey(caller.Organisation, coordinator), caller, s.cfg.Now())
	if err != nil {
		return nil, kit.Status(err)
	}
	ds := make([]kit.Disclosure, len(disclosed))
	for i, d := range disclosed {
		ds[i] = kit.Disclosure{PersonID: d.PersonID, Grant: d.Grant, Categories: d.Shown,
			Kind: eventsv1.DisclosureKind_DISCLOSURE_KIND_CASELOAD_ENTRY, Detail: "caseload of " + coordinator}
	}
	if err := s.kit.DisclosedAll(ctx, ds); err != nil {
		return nil, kit.Status(err)
	}
	return res, nil
}
