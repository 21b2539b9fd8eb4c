package partners

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/kit"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
)

// The gRPC port of solicitations and engagements.

// defaultExpiry is how long partners have to answer, unless told.
const defaultExpiry = 15 * 24 * time.Hour

// handleSolicitation runs cmd through the command port; a refusal by the
// access rules is recorded in the person's audit trail.
func (s *Service) handleSolicitation(ctx context.Context, personID string, cmd SolicitationCommand, req proto.Message) (decider.Result, error) {
	opts, err := s.kit.CommandOptions(ctx, req)
	if err != nil {
		return decider.Result{}, kit.Status(err)
	}
	res, err := s.solicitations.Handle(ctx, cmd.solicitationID(), cmd, opts)
	if err != nil {
		return res, kit.Status(s.kit.Refused(ctx, personID, err))
	}
	return res, nil
}

// files returns the people's files, or why they cannot be read here.
func (s *Service) files() (Files, error) {
	if s.cfg.Files == nil {
		return nil, derrors.Rejected("partners.no_files", "", "this instance does not run the parcours service: solicitations need people's files")
	}
	return s.cfg.Files, nil
}

// storedFiles returns the people's files once they include every event
// stored when it was called: a consent withdrawn, an opposition or a
// handover a moment ago count. Its error is a gRPC status.
func (s *Service) storedFiles(ctx context.Context) (Files, error) {
	files, err := s.files()
	if err != nil {
		return nil, kit.Status(err)
	}
	if err := files.Stored(ctx); err != nil {
		return nil, kit.Status(err)
	}
	return files, nil
}

// SendSolicitation asks partners to deliver a prestation for a person.
func (s *Service) SendSolicitation(ctx context.Context, req *partnersv1.SendSolicitationRequest) (*partnersv1.SendSolicitationResponse, error) {
	files, err := s.files()
	if err != nil {
		return nil, kit.Status(err)
	}
	if err := kit.Ready(s.runner, "the directory"); err != nil {
		return nil, err
	}
	// Decided on the file and the directory as stored now.
	if err := files.Stored(ctx); err != nil {
		return nil, kit.Status(err)
	}
	if err := kit.WaitForStored(ctx, s.runner, s.cfg.ViewWait); err != nil {
		return nil, err
	}
	expiresIn := defaultExpiry
	if d := req.GetExpiresIn(); d != nil {
		expiresIn = d.AsDuration()
	}
	id := s.kit.IDFor("maillage-solicitation-id-v1", principalOrg(ctx), req.GetRequestId()) // a retry reaches the same solicitation
	cmd := SendSolicitation{SolicitationID: id, PersonID: req.GetPersonId(), Prestation: req.GetPrestationCode(),
		NeedID: req.GetNeedId(), Message: req.GetMessage(), SharedCategories: req.GetSharedCategories(), LegalBasis: req.GetLegalBasis(),
		ConsentID: req.GetConsentId(), ExpiresAt: s.cfg.Now().Add(expiresIn), Mission: req.GetMission(), WishedStartOn: req.GetWishedStartOn(),
		TransitionID: req.GetTransitionId()}
	cmd.Team, cmd.File = files.TeamOf(req.GetPersonId())
	if cmd.NeedID != "" {
		cmd.NeedOpen = files.OpenNeed(req.GetPersonId(), cmd.NeedID)
	}
	if cmd.TransitionID != "" {
		cmd.TransitionAnticipated = files.AnticipatedTransition(req.GetPersonId(), cmd.TransitionID)
	}
	for _, org := range req.GetOrganisationIds() {
		a := Addressee{Organisation: org}
		if p, ok := s.directory.Partner(org); ok {
			a.Known, a.Withdrawn, a.Name, a.Mission, a.LegalEntity = true, p.GetWithdrawn(), p.GetDisplayName(), p.GetMission(), p.GetLegalEntityId()
		}
		cmd.Addressees = append(cmd.Addressees, a)
	}
	res, err := s.handleSolicitation(ctx, req.GetPersonId(), cmd, req)
	if err != nil {
		return nil, err
	}
	return &partnersv1.SendSolicitationResponse{SolicitationId: id, Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

func principalOrg(ctx context.Context) string {
	p, _ := auth.PrincipalFrom(ctx)
	return p.Organisation
}

// answeringFor is the partner asked the caller answers for (the one the
// request names, else the caller's own organisation), with what the
// directory says of it.
func (s *Service) answeringFor(ctx context.Context, named string) (org, legalEntity, name string, withdrawn bool) {
	org = cmp.Or(named, principalOrg(ctx))
	if p, ok := s.directory.Partner(org); ok {
		return org, p.GetLegalEntityId(), p.GetDisplayName(), p.GetWithdrawn()
	}
	return org, "", "", false
}

// AcceptSolicitation: a partner asked accepts, and commits.
func (s *Service) AcceptSolicitation(ctx context.Context, req *partnersv1.AcceptSolicitationRequest) (*partnersv1.AcceptSolicitationResponse, error) {
	current, ok, err := s.solicitationNow(ctx, req.GetSolicitationId())
	if err != nil {
		return nil, err
	}
	org, entity, name, withdrawn := s.answeringFor(ctx, req.GetOrganisationId())
	cmd := AcceptSolicitation{SolicitationID: req.GetSolicitationId(), Organisation: org, LegalEntity: entity, Name: name, Withdrawn: withdrawn,
		EngagementID: s.cfg.NewID(), StartOn: req.GetStartOn(), PlannedEndOn: req.GetPlannedEndOn(), Frequency: req.GetFrequency()}
	res, err := s.handleSolicitation(ctx, personOf(current, ok), cmd, req)
	if err != nil {
		return nil, err
	}
	out := &partnersv1.AcceptSolicitationResponse{Position: res.Position.String(), Version: uint64(res.Version)}
	for _, ev := range res.Events {
		if e, ok := ev.(*eventsv1.EngagementStarted); ok {
			out.EngagementId = e.GetEngagementId()
		}
	}
	return out, nil
}

// solicitationNow is the solicitation as stored now (a command names its
// person and its parties by it, and a refusal is audited in its
// person's trail, even just after it was sent). Its error is a gRPC status.
func (s *Service) solicitationNow(ctx context.Context, id string) (*partnersv1.Solicitation, bool, error) {
	if err := kit.WaitForStored(ctx, s.sentRunner, s.cfg.ViewWait); err != nil {
		return nil, false, err
	}
	sol, ok := s.sent.Get(id)
	return sol, ok, nil
}

func personOf(s *partnersv1.Solicitation, ok bool) string {
	if !ok {
		return ""
	}
	return s.GetPersonId()
}

// DeclineSolicitation: a partner asked declines.
func (s *Service) DeclineSolicitation(ctx context.Context, req *partnersv1.DeclineSolicitationRequest) (*partnersv1.DeclineSolicitationResponse, error) {
	current, ok, err := s.solicitationNow(ctx, req.GetSolicitationId())
	if err != nil {
		return nil, err
	}
	org, entity, _, _ := s.answeringFor(ctx, req.GetOrganisationId())
	cmd := DeclineSolicitation{SolicitationID: req.GetSolicitationId(), Organisation: org, LegalEntity: entity, Reason: req.GetReason(), Detail: req.GetDetail()}
	res, err := s.handleSolicitation(ctx, personOf(current, ok), cmd, req)
	if err != nil {
		return nil, err
	}
	return &partnersv1.DeclineSolicitationResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// RevokeSolicitation: the sender withdraws a solicitation.
func (s *Service) RevokeSolicitation(ctx context.Context, req *partnersv1.RevokeSolicitationRequest) (*partnersv1.RevokeSolicitationResponse, error) {
	res, err := s.handleByParties(ctx, req.GetSolicitationId(), req, func(p Parties) SolicitationCommand {
		return RevokeSolicitation{SolicitationID: req.GetSolicitationId(), Reason: req.GetReason(), Parties: p}
	})
	if err != nil {
		return nil, err
	}
	return &partnersv1.RevokeSolicitationResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// SuspendEngagement pauses an engagement.
func (s *Service) SuspendEngagement(ctx context.Context, req *partnersv1.SuspendEngagementRequest) (*partnersv1.SuspendEngagementResponse, error) {
	res, err := s.handleByParties(ctx, req.GetSolicitationId(), req, func(p Parties) SolicitationCommand {
		return SuspendEngagement{SolicitationID: req.GetSolicitationId(), Reason: req.GetReason(), FromOn: req.GetFromOn(), Parties: p}
	})
	if err != nil {
		return nil, err
	}
	return &partnersv1.SuspendEngagementResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// ResumeEngagement goes on with a suspended engagement.
func (s *Service) ResumeEngagement(ctx context.Context, req *partnersv1.ResumeEngagementRequest) (*partnersv1.ResumeEngagementResponse, error) {
	res, err := s.handleByParties(ctx, req.GetSolicitationId(), req, func(p Parties) SolicitationCommand {
		return ResumeEngagement{SolicitationID: req.GetSolicitationId(), ResumedOn: req.GetResumedOn(), Parties: p}
	})
	if err != nil {
		return nil, err
	}
	return &partnersv1.ResumeEngagementResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// EndEngagement ends an engagement.
func (s *Service) EndEngagement(ctx context.Context, req *partnersv1.EndEngagementRequest) (*partnersv1.EndEngagementResponse, error) {
	res, err := s.handleByParties(ctx, req.GetSolicitationId(), req, func(p Parties) SolicitationCommand {
		return EndEngagement{SolicitationID: req.GetSolicitationId(), Outcome: req.GetOutcome(), Reason: req.GetReason(), Detail: req.GetDetail(),
			EndedOn: req.GetEndedOn(), Parties: p}
	})
	if err != nil {
		return nil, err
	}
	return &partnersv1.EndEngagementResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// handleByParties runs a command that the coordination of the moment or
// the engaged partner's legal entity may run: it reads the solicitation
// and those parties as stored now, and decides cmdOf(parties) on it.
func (s *Service) handleByParties(ctx context.Context, id string, req proto.Message, cmdOf func(Parties) SolicitationCommand) (decider.Result, error) {
	current, ok, err := s.solicitationNow(ctx, id)
	if err != nil {
		return decider.Result{}, err
	}
	parties, err := s.parties(ctx, current)
	if err != nil {
		return decider.Result{}, err
	}
	return s.handleSolicitation(ctx, personOf(current, ok), cmdOf(parties), req)
}

// GetSolicitation returns one solicitation to its sender and the partners
// asked, audited as a disclosure of the person's information.
func (s *Service) GetSolicitation(ctx context.Context, req *partnersv1.GetSolicitationRequest) (*partnersv1.GetSolicitationResponse, error) {
	caller, err := s.kit.Caller(ctx)
	if err != nil {
		return nil, kit.Status(err)
	}
	if err := s.solicitationsReady(ctx, req.GetMinPosition()); err != nil {
		return nil, err
	}
	files, err := s.storedFiles(ctx)
	if err != nil {
		return nil, err
	}
	sol, ok := s.sent.Get(req.GetSolicitationId())
	if !ok {
		return nil, status.Errorf(codes.NotFound, "no solicitation %s", req.GetSolicitationId())
	}
	d, err := s.mayRead(caller, sol, files)
	if err != nil {
		return nil, kit.Status(s.kit.Refused(ctx, sol.GetPersonId(), err))
	}
	if err := s.kit.Disclosed(ctx, d); err != nil {
		return nil, kit.Status(err)
	}
	s.named(sol)
	return &partnersv1.GetSolicitationResponse{Solicitation: sol}, nil
}

// ListSolicitations lists what the caller's organisation received, or a
// person's solicitations for their coordination, newest first; each
// disclosed is audited.
func (s *Service) ListSolicitations(ctx context.Context, req *partnersv1.ListSolicitationsRequest) (*partnersv1.ListSolicitationsResponse, error) {
	caller, err := s.kit.Caller(ctx)
	if err != nil {
		return nil, kit.Status(err)
	}
	if err := s.solicitationsReady(ctx, req.GetMinPosition()); err != nil {
		return nil, err
	}
	files, err := s.storedFiles(ctx)
	if err != nil {
		return nil, err
	}
	var all []*partnersv1.Solicitation
	if p := req.GetPersonId(); p != "" {
		team, ok := files.TeamOf(p)
		if !ok {
			return nil, status.Errorf(codes.NotFound, "no person %s is followed", p)
		}
		if _, err := team.ReadFile(caller, s.kit.Today()); err != nil {
			return nil, kit.Status(s.kit.Refused(ctx, p, err))
		}
		all, err = s.sent.OfPerson(p)
		if err != nil {
			return nil, kit.Status(err)
		}
	} else if all, err = s.sent.Received(caller.Organisation); err != nil {
		return nil, kit.Status(err)
	}
	var shown []*partnersv1.Solicitation
	var ds []kit.Disclosure
	for _, sol := range all {
		if req.GetOnlyPending() && sol.GetState() != partnersv1.SolicitationState_SOLICITATION_STATE_PENDING {
			continue
		}
		d, err := s.mayRead(caller, sol, files)
		if err != nil {
			continue // not, or no longer, the caller's to read
		}
		shown, ds = append(shown, sol), append(ds, d)
	}
	slices.SortFunc(shown, func(a, b *partnersv1.Solicitation) int {
		return cmp.Or(b.GetSentAt().AsTime().Compare(a.GetSentAt().AsTime()), cmp.Compare(a.GetSolicitationId(), b.GetSolicitationId()))
	})
	offset, _ := strconv.Atoi(req.GetPageToken())
	if offset < 0 || offset > len(shown) {
		return nil, kit.Status(derrors.Invalid("page_token", "not a page token of this list"))
	}
	size := cmp.Or(int(req.GetPageSize()), 50)
	end := min(offset+size, len(shown))
	out := &partnersv1.ListSolicitationsResponse{Solicitations: shown[offset:end]}
	if end < len(shown) {
		out.NextPageToken = strconv.Itoa(end)
	}
	if err := s.kit.DisclosedAll(ctx, ds[offset:end]); err != nil {
		return nil, kit.Status(err)
	}
	for _, sol := range out.Solicitations {
		s.named(sol)
	}
	return out, nil
}

func (s *Service) solicitationsReady(ctx context.Context, minPosition string) error {
	if err := kit.Ready(s.sentRunner, "the solicitations"); err != nil {
		return err
	}
	return kit.WaitForPosition(ctx, s.sentRunner, minPosition, s.cfg.ViewWait)
}

// parties reads how the caller stands towards sol, on the file and the
// directory as stored now; nothing when sol is not known (yet): the
// decision then refuses what needs a party. Its error is a gRPC status.
func (s *Service) parties(ctx context.Context, sol *partnersv1.Solicitation) (Parties, error) {
	if sol == nil {
		return Parties{}, nil
	}
	caller, err := s.kit.Caller(ctx)
	if err != nil {
		return Parties{}, kit.Status(err)
	}
	files, err := s.storedFiles(ctx)
	if err != nil {
		return Parties{}, err
	}
	var p Parties
	if team, ok := files.TeamOf(sol.GetPersonId()); ok {
		p.Coordinating = team.PartOf(caller.Organisation) == access.PartCoordination
	}
	for _, a := range sol.GetAnswers() {
		if a.GetAccepted() {
			p.EngagedEntity = s.legalEntityOf(a.GetOrganisationId())
		}
	}
	return p, nil
}

// mayRead says whether the caller reads the solicitation, by the person's
// file as stored now (MayRead), and the disclosure that reading it is.
func (s *Service) mayRead(c access.Caller, sol *partnersv1.Solicitation, files Files) (kit.Disclosure, error) {
	team, _ := files.TeamOf(sol.GetPersonId())
	return MayRead(SolicitationReading{Caller: c, Team: team, Today: s.kit.Today(), LegalEntityOf: s.legalEntityOf}, sol)
}

func (s *Service) legalEntityOf(org string) string {
	p, _ := s.directory.Partner(org)
	return p.GetLegalEntityId()
}

// named fills the answers' partner names from the directory.
func (s *Service) named(sol *partnersv1.Solicitation) {
	for _, a := range sol.GetAnswers() {
		if p, ok := s.directory.Partner(a.GetOrganisationId()); ok {
			a.DisplayName = p.GetDisplayName()
		}
	}
}
