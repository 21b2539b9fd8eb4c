package kit

import (
	"context"
	"errors"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// Disclosure is what a handler is about to disclose of one person.
type Disclosure struct {
	PersonID string
	Grant    access.Grant
	// Categories actually disclosed (a subset of Grant.Categories); none
	// when only the frame of the file was.
	Categories access.Categories
	Kind       eventsv1.DisclosureKind
	// Detail says what exactly, in a few words.
	Detail string
	// LegalBasis, when set, is the basis the handler established (a
	// solicitation's consent, or information with no opposition), with
	// the consents used; otherwise the grant's decides.
	LegalBasis eventsv1.LegalBasis
	ConsentIDs []string
}

// Disclosed appends the disclosure to the person's audit trail and returns
// once it is stored: the caller answers only then. An error means the
// answer must not leave.
func (k *Kit) Disclosed(ctx context.Context, d Disclosure) error {
	if k.cfg.Audit == nil {
		return nil
	}
	rec, err := k.disclosure(ctx, d)
	if err != nil {
		return err
	}
	return k.cfg.Audit.Record(ctx, d.PersonID, rec)
}

// DisclosedAll records several disclosures (a caseload page) and returns
// once all are stored; they go in the same group commits.
func (k *Kit) DisclosedAll(ctx context.Context, ds []Disclosure) error {
	if k.cfg.Audit == nil || len(ds) == 0 {
		return nil
	}
	errs := make(chan error, len(ds))
	for _, d := range ds {
		go func() { errs <- k.Disclosed(ctx, d) }()
	}
	var first error
	for range ds {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (k *Kit) disclosure(ctx context.Context, d Disclosure) (*eventsv1.InformationDisclosed, error) {
	caller, err := k.Caller(ctx)
	if err != nil {
		return nil, err
	}
	method, _ := grpc.Method(ctx)
	rec := &eventsv1.InformationDisclosed{
		DisclosureId: k.cfg.NewID(),
		PersonId:     d.PersonID,
		OccurredAt:   timestamppb.New(k.cfg.Now()),
		Actor:        actorOf(ctx, caller, d.Grant),
		Categories:   d.Categories.List(),
		Purpose:      purposeOf(d.Kind),
		LegalBasis:   eventsv1.LegalBasis_LEGAL_BASIS_MISSION,
		Kind:         d.Kind,
		Method:       method,
		RequestId:    k.requestIDOf(ctx),
		Detail:       d.Detail,
	}
	switch {
	case d.LegalBasis != eventsv1.LegalBasis_LEGAL_BASIS_UNSPECIFIED:
		rec.LegalBasis, rec.ConsentIds = d.LegalBasis, d.ConsentIDs
	case d.Kind == eventsv1.DisclosureKind_DISCLOSURE_KIND_AUDIT_REPORT || d.Kind == eventsv1.DisclosureKind_DISCLOSURE_KIND_AUDIT_EXPORT:
		rec.LegalBasis = eventsv1.LegalBasis_LEGAL_BASIS_CONTROL
	case d.Categories&d.Grant.ByConsent != 0:
		rec.LegalBasis = eventsv1.LegalBasis_LEGAL_BASIS_CONSENT
		rec.ConsentIds = d.Grant.ConsentIDs
	case d.Grant.Delegated:
		rec.LegalBasis = eventsv1.LegalBasis_LEGAL_BASIS_DELEGATION
	}
	return rec, nil
}

func purposeOf(k eventsv1.DisclosureKind) eventsv1.DisclosurePurpose {
	switch k {
	case eventsv1.DisclosureKind_DISCLOSURE_KIND_FEED_EVENT:
		return eventsv1.DisclosurePurpose_DISCLOSURE_PURPOSE_INTEGRATION
	case eventsv1.DisclosureKind_DISCLOSURE_KIND_AUDIT_REPORT:
		return eventsv1.DisclosurePurpose_DISCLOSURE_PURPOSE_AUDIT_REVIEW
	case eventsv1.DisclosureKind_DISCLOSURE_KIND_AUDIT_EXPORT:
		return eventsv1.DisclosurePurpose_DISCLOSURE_PURPOSE_EXPORT
	}
	return eventsv1.DisclosurePurpose_DISCLOSURE_PURPOSE_COORDINATION
}

func actorOf(ctx context.Context, c access.Caller, g access.Grant) *eventsv1.AuditActor {
	a := &eventsv1.AuditActor{Subject: c.Subject, OrganisationId: c.Organisation, Role: string(c.Role), HealthProfessional: c.HealthProfessional}
	if p, ok := principalName(ctx); ok {
		a.DisplayName = p
	}
	if g.Delegated {
		a.DelegatedByOrganisationId = g.Via
	}
	return a
}

// Refused records a refused access to the person's file when err is a
// *derrors.DeniedError, and returns err as it was. The refusal is stored
// before the caller learns of it; a failure to store it is logged by the
// audit writer and does not change the answer (still a refusal).
func (k *Kit) Refused(ctx context.Context, personID string, err error) error {
	var de *derrors.DeniedError
	if k.cfg.Audit == nil || personID == "" || !errors.As(err, &de) {
		return err
	}
	caller, cerr := k.Caller(ctx)
	if cerr != nil {
		return err
	}
	method, _ := grpc.Method(ctx)
	rec := &eventsv1.AccessDenied{
		DenialId:   k.cfg.NewID(),
		PersonId:   personID,
		OccurredAt: timestamppb.New(k.cfg.Now()),
		Actor:      actorOf(ctx, caller, access.Grant{}),
		Method:     method,
		RequestId:  k.requestIDOf(ctx),
		Rule:       de.Rule,
		Reason:     de.Reason,
	}
	_ = k.cfg.Audit.Record(ctx, personID, rec)
	return err
}
