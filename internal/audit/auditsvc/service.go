// Package auditsvc is the gRPC AuditService: who saw a person's file,
// the verification of their audit trail, and its export (JSON lines, FHIR
// AuditEvent shaped by IHE BALP). Every call is checked by the access rules
// (a dpo of an organisation taking part, or the coordination) and is
// itself recorded in the trail.
package auditsvc

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/audit"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/kit"
	auditv1 "github.com/maillage/maillage/proto/maillage/audit/v1"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// Config of the service; every field is required.
type Config struct {
	Store es.Store
	Kit   *kit.Kit
	Teams access.Teams
	// Keys verify the seals: the audit key, and the keys before it.
	Keys []ed25519.PublicKey
	// TeamsReady is nil once Teams can be trusted (the views caught up),
	// else the error to answer; nil means always.
	TeamsReady func() error
}

// Service is the AuditService.
type Service struct {
	auditv1.UnimplementedAuditServiceServer
	cfg   Config
	codec *decider.Codec
	ready chan struct{}
}

// New returns the service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Kit == nil || cfg.Teams == nil || len(cfg.Keys) == 0 {
		return nil, errors.New("auditsvc: Store, Kit, Teams and Keys are required")
	}
	ready := make(chan struct{})
	close(ready)
	return &Service{cfg: cfg, codec: decider.NewCodec(nil), ready: ready}, nil
}

// Name is the gRPC service name.
func (s *Service) Name() string { return auditv1.AuditService_ServiceDesc.ServiceName }

// Register adds the handlers to g.
func (s *Service) Register(g *grpc.Server) { auditv1.RegisterAuditServiceServer(g, s) }

// Run has no background work: the audit writer runs with maillaged.
func (s *Service) Run(ctx context.Context) error { <-ctx.Done(); return nil }

// Ready is closed: the service reads the store directly.
func (s *Service) Ready() <-chan struct{} { return s.ready }

// allow checks that the caller may read the person's trail; a refusal is
// recorded in that trail.
func (s *Service) allow(ctx context.Context, personID string) (access.Grant, error) {
	caller, err := s.cfg.Kit.Caller(ctx)
	if err != nil {
		return access.Grant{}, kit.Status(err)
	}
	if s.cfg.TeamsReady != nil {
		if err := s.cfg.TeamsReady(); err != nil {
			return access.Grant{}, err
		}
	}
	team, ok := s.cfg.Teams.TeamOf(personID)
	if !ok {
		return access.Grant{}, status.Errorf(codes.NotFound, "no person %s is followed", personID)
	}
	if err := team.ReadAudit(caller); err != nil {
		return access.Grant{}, kit.Status(s.cfg.Kit.Refused(ctx, personID, err))
	}
	return team.GrantFor(caller, s.cfg.Kit.Today()), nil
}

// ListDisclosures returns a page of the person's trail.
func (s *Service) ListDisclosures(ctx context.Context, req *auditv1.ListDisclosuresRequest) (*auditv1.ListDisclosuresResponse, error) {
	grant, err := s.allow(ctx, req.GetPersonId())
	if err != nil {
		return nil, err
	}
	from := es.Version(1)
	if tok := req.GetPageToken(); tok != "" {
		n, ok := strings.CutPrefix(tok, "a1.")
		v, err := strconv.ParseUint(n, 10, 64)
		if !ok || err != nil || v == 0 {
			return nil, kit.Status(derrors.Invalid("page_token", "is not a next_page_token of ListDisclosures"))
		}
		from = es.Version(v)
	}
	size := int(req.GetPageSize())
	if size == 0 {
		size = 100
	}
	recs, err := s.cfg.Store.Read(ctx, audit.StreamOf(req.GetPersonId()), from)
	if err != nil {
		return nil, kit.Status(err)
	}
	out := &auditv1.ListDisclosuresResponse{}
	caller, _ := s.cfg.Kit.Caller(ctx)
	for _, rec := range recs {
		if len(out.Records) == size {
			out.NextPageToken = fmt.Sprintf("a1.%d", rec.Version)
			break
		}
		r, err := s.record(rec)
		if err != nil {
			return nil, kit.Status(err)
		}
		if visibleTo(r, grant, caller.Organisation) {
			out.Records = append(out.Records, r)
		}
	}
	if err := s.cfg.Kit.Disclosed(ctx, kit.Disclosure{PersonID: req.GetPersonId(), Grant: grant,
		Kind: eventsv1.DisclosureKind_DISCLOSURE_KIND_AUDIT_REPORT, Detail: fmt.Sprintf("%d records from %d", len(out.Records), from)}); err != nil {
		return nil, kit.Status(err)
	}
	return out, nil
}

// record is a stored record as the API shows it.
func (s *Service) record(rec es.RecordedEvent) (*auditv1.AuditRecord, error) {
	msg, err := s.codec.Decode(rec)
	if err != nil {
		return nil, fmt.Errorf("audit trail %s record %d: %w", rec.Stream, rec.Version, err)
	}
	out := &auditv1.AuditRecord{Sequence: uint64(rec.Version)}
	switch m := msg.(type) {
	case *eventsv1.InformationDisclosed:
		out.Record = &auditv1.AuditRecord_Disclosed{Disclosed: m}
	case *eventsv1.AccessDenied:
		out.Record = &auditv1.AuditRecord_Denied{Denied: m}
	case *eventsv1.AuditTrailSealed:
		out.Record = &auditv1.AuditRecord_Sealed{Sealed: m}
	}
	return out, nil
}

// VerifyAuditTrail verifies the person's trail.
func (s *Service) VerifyAuditTrail(ctx context.Context, req *auditv1.VerifyAuditTrailRequest) (*auditv1.VerifyAuditTrailResponse, error) {
	grant, err := s.allow(ctx, req.GetPersonId())
	if err != nil {
		return nil, err
	}
	rep, err := audit.Verify(ctx, s.cfg.Store, req.GetPersonId(), s.cfg.Keys...)
	if err != nil {
		return nil, kit.Status(err)
	}
	out := &auditv1.VerifyAuditTrailResponse{Intact: rep.Intact(), Records: rep.Records, SealedThrough: rep.SealedThrough}
	for _, p := range rep.Problems {
		out.Problems = append(out.Problems, &auditv1.AuditProblem{Sequence: p.Sequence, Description: p.What})
	}
	if err := s.cfg.Kit.Disclosed(ctx, kit.Disclosure{PersonID: req.GetPersonId(), Grant: grant,
		Kind: eventsv1.DisclosureKind_DISCLOSURE_KIND_AUDIT_REPORT, Detail: "verification"}); err != nil {
		return nil, kit.Status(err)
	}
	return out, nil
}

// visibleTo says whether a record of the trail is shown to a reader of
// organisation org granted g: all of them to the coordination; to a
// partner's dpo, the records of their own organisation's accesses (what
// they control), not what others saw of the person.
func visibleTo(r *auditv1.AuditRecord, g access.Grant, org string) bool {
	if g.Part >= access.PartCoordination {
		return true
	}
	switch rec := r.GetRecord().(type) {
	case *auditv1.AuditRecord_Disclosed:
		return rec.Disclosed.GetActor().GetOrganisationId() == org
	case *auditv1.AuditRecord_Denied:
		return rec.Denied.GetActor().GetOrganisationId() == org
	}
	return true
}
