package partners

import (
	"cmp"
	"slices"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/calendar"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/serafin"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
)

// SolicitationCategory is the event-store category of solicitations: one
// stream per solicitation, "solicitation-<solicitation_id>", holding the
// engagement it starts.
const SolicitationCategory = "solicitation"

// SolicitationStream is the stream of a solicitation.
func SolicitationStream(id string) string { return es.StreamName(SolicitationCategory, id) }

// SolicitationState is a solicitation as its events leave it.
type SolicitationState struct {
	ID, PersonID string
	Sender       string // the organisation that sent it
	Addressees   []string
	Declined     map[string]bool
	Prestation   *eventsv1.SerafinCode
	NeedID       string
	TransitionID string
	Mission      eventsv1.PartnerMission
	// AddresseeMissions: the mission of each partner asked, when Mission
	// is unset.
	AddresseeMissions map[string]eventsv1.PartnerMission
	ExpiresAt         time.Time
	State             partnersv1.SolicitationState
	Engaged           string // the partner that accepted
	EngagementID      string
	Engagement        partnersv1.EngagementState
	EngagementFromOn  string // the engagement's start
}

// SolicitationCommand is a command on one solicitation.
type SolicitationCommand interface{ solicitationID() string }

// Addressee is a partner asked, as the directory had it when asked.
type Addressee struct {
	Organisation string
	Name         string
	Mission      eventsv1.PartnerMission
	LegalEntity  string
	Known        bool // in the directory
	Withdrawn    bool
}

// SendSolicitation asks partners to deliver a prestation for a person. The
// port reads what the decision needs of the person's file (Team, File,
// NeedOpen) and of the directory (Addressees).
type SendSolicitation struct {
	SolicitationID   string
	PersonID         string
	Addressees       []Addressee
	Prestation       string
	NeedID           string
	Message          string
	SharedCategories []eventsv1.InformationCategory
	LegalBasis       eventsv1.SolicitationLegalBasis
	ConsentID        string
	ExpiresAt        time.Time
	Mission          eventsv1.PartnerMission
	WishedStartOn    string
	TransitionID     string // the transition it prepares; empty when none

	File     bool        // the person's file exists
	Team     access.Team // who takes part in it
	NeedOpen bool        // NeedID names an open need of the file
	// TransitionAnticipated: TransitionID names a transition of the file
	// still to come.
	TransitionAnticipated bool
}

// AcceptSolicitation: a partner asked accepts and commits. Organisation is
// the partner asked the caller answers for (its own, or one of its legal
// entity's établissements).
type AcceptSolicitation struct {
	SolicitationID string
	Organisation   string
	LegalEntity    string // of Organisation, from the directory
	Name           string // of Organisation, from the directory
	Withdrawn      bool   // Organisation left the directory since asked
	EngagementID   string
	StartOn        string
	PlannedEndOn   string
	Frequency      string
}

// DeclineSolicitation: a partner asked declines.
type DeclineSolicitation struct {
	SolicitationID string
	Organisation   string
	LegalEntity    string
	Reason         eventsv1.DeclineReason
	Detail         string
}

// Parties says, for a command on a solicitation sent or on its
// engagement, how the caller stands as the file and the directory are
// stored now (the port reads them): the coordination changes hands, a
// legal entity answers for its établissements.
type Parties struct {
	// Coordinating: the caller's organisation holds the person's
	// coordination.
	Coordinating bool
	// EngagedEntity is the legal entity of the partner engaged.
	EngagedEntity string
}

// RevokeSolicitation: the person's coordination withdraws the solicitation.
type RevokeSolicitation struct {
	SolicitationID string
	Reason         string
	Parties
}

// ExpireSolicitation: the expiry scheduler closes a solicitation nobody
// accepted in time.
type ExpireSolicitation struct{ SolicitationID string }

// SuspendEngagement pauses the engagement.
type SuspendEngagement struct {
	SolicitationID string
	Reason, FromOn string
	Parties
}

// ResumeEngagement goes on with it.
type ResumeEngagement struct {
	SolicitationID string
	ResumedOn      string
	Parties
}

// EndEngagement ends it.
type EndEngagement struct {
	SolicitationID string
	Outcome        eventsv1.EngagementOutcome
	Reason         eventsv1.EngagementEndReason
	Detail         string
	EndedOn        string
	Parties
}

func (c SendSolicitation) solicitationID() string    { return c.SolicitationID }
func (c AcceptSolicitation) solicitationID() string  { return c.SolicitationID }
func (c DeclineSolicitation) solicitationID() string { return c.SolicitationID }
func (c RevokeSolicitation) solicitationID() string  { return c.SolicitationID }
func (c ExpireSolicitation) solicitationID() string  { return c.SolicitationID }
func (c SuspendEngagement) solicitationID() string   { return c.SolicitationID }
func (c ResumeEngagement) solicitationID() string    { return c.SolicitationID }
func (c EndEngagement) solicitationID() string       { return c.SolicitationID }

// Solicitation is the decider of solicitations and their engagements.
var Solicitation = decider.Decider[*SolicitationState, SolicitationCommand]{
	Initial: func() *SolicitationState { return &SolicitationState{Declined: map[string]bool{}} },
	Decide:  decideSolicitation,
	Evolve:  evolveSolicitation,
}

func decideSolicitation(s *SolicitationState, cmd SolicitationCommand, at decider.Context) ([]proto.Message, error) {
	if c, ok := cmd.(SendSolicitation); ok {
		return decideSend(s, c, at)
	}
	if s.ID == "" {
		return nil, derrors.ErrNotFound
	}
	switch c := cmd.(type) {
	case AcceptSolicitation:
		return decideAccept(s, c, at)
	case DeclineSolicitation:
		return decideDecline(s, c, at)
	case RevokeSolicitation:
		if !c.Coordinating {
			return nil, derrors.Denied("solicitation.not_the_coordination", "only the person's coordination revokes a solicitation")
		}
		if err := pending(s); err != nil {
			return nil, err
		}
		return []proto.Message{&eventsv1.SolicitationRevoked{Reason: c.Reason}}, nil
	case ExpireSolicitation:
		if s.State != partnersv1.SolicitationState_SOLICITATION_STATE_PENDING || at.Now.Before(s.ExpiresAt) {
			return nil, nil // answered meanwhile, or not due: nothing to do
		}
		return []proto.Message{&eventsv1.SolicitationExpired{ExpiredAt: timestamppb.New(s.ExpiresAt)}}, nil
	}
	return decideEngagement(s, cmd, at)
}

func decideSend(s *SolicitationState, c SendSolicitation, at decider.Context) ([]proto.Message, error) {
	if s.ID != "" {
		return nil, derrors.Rejected("solicitation.sent", c.SolicitationID, "solicitation %s was sent already", c.SolicitationID)
	}
	if !c.File {
		return nil, derrors.ErrNotFound
	}
	shared := access.Of(c.SharedCategories...)
	if err := c.Team.Authorize(at.Caller, access.Need{Action: "solicit a partner for the person", Coordination: true,
		Categories: shared}, calendar.Today(at.Now)); err != nil {
		return nil, err
	}
	bad := &derrors.InvalidError{}
	if _, err := serafin.Default().Prestation(c.Prestation); err != nil {
		bad.Add("prestation_code", "%v", err)
	}
	if c.NeedID != "" && !c.NeedOpen {
		bad.Add("need_id", "%s is no open need of the person's plan", c.NeedID)
	}
	if c.TransitionID != "" && !c.TransitionAnticipated {
		bad.Add("transition_id", "%s is no transition of the person still to come", c.TransitionID)
	}
	if !c.ExpiresAt.After(at.Now) {
		bad.Add("expires_in", "the solicitation would expire before it is sent")
	}
	if c.WishedStartOn != "" {
		calendar.CheckAhead(bad, "wished_start_on", c.WishedStartOn, at.Now, "a prestation starts from today on")
	}
	if c.LegalBasis == eventsv1.SolicitationLegalBasis_SOLICITATION_LEGAL_BASIS_UNSPECIFIED {
		bad.Add("legal_basis", "say why sharing is lawful: the person's consent, or informed with no opposition")
	}
	for i, a := range c.Addressees {
		switch {
		case !a.Known:
			bad.Add("organisation_ids", "%s is not in the directory", a.Organisation)
		case a.Withdrawn:
			bad.Add("organisation_ids", "%s left the directory", a.Organisation)
		case slices.IndexFunc(c.Addressees[:i], func(b Addressee) bool { return b.Organisation == a.Organisation }) >= 0:
			bad.Add("organisation_ids", "%s is asked twice", a.Organisation)
		case c.Mission == eventsv1.PartnerMission_PARTNER_MISSION_UNSPECIFIED && a.Mission == eventsv1.PartnerMission_PARTNER_MISSION_UNSPECIFIED:
			bad.Add("mission", "%s has no mission in the directory: say which mission the partner engaged takes on", a.Organisation)
		}
	}
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	if err := checkSharing(c, shared, at.Now); err != nil {
		return nil, err
	}
	ev := &eventsv1.SolicitationSent{SolicitationId: c.SolicitationID, PersonId: c.PersonID,
		Prestation: &eventsv1.SerafinCode{System: serafin.System, Version: serafin.Version, Code: c.Prestation},
		NeedId:     c.NeedID, Message: c.Message, SharedCategories: shared.List(), LegalBasis: c.LegalBasis, ConsentId: c.ConsentID,
		ExpiresAt: timestamppb.New(c.ExpiresAt), Mission: c.Mission, WishedStartOn: c.WishedStartOn,
		SenderOrganisationId: at.Caller.Organisation, TransitionId: c.TransitionID}
	for _, a := range c.Addressees {
		ev.OrganisationIds = append(ev.OrganisationIds, a.Organisation)
		if c.Mission == eventsv1.PartnerMission_PARTNER_MISSION_UNSPECIFIED {
			ev.AddresseeMissions = append(ev.AddresseeMissions, a.Mission)
		}
	}
	return []proto.Message{ev}, nil
}

// checkSharing: what the message shares reaches each partner asked only
// as the person allows (CASF L.226-2-2, CSP L.1110-4): never a category
// the person opposed for it; santé only under a consent; under a consent,
// one that covers every category and names the partner or everyone.
func checkSharing(c SendSolicitation, shared access.Categories, now time.Time) error {
	today := calendar.Today(now)
	for _, a := range c.Addressees {
		for _, o := range c.Team.Oppositions {
			if (o.Organisation == a.Organisation || o.Organisation == "") && o.Categories&shared != 0 {
				return derrors.Rejected("solicitation.opposed", a.Organisation,
					"the person opposed sharing %s with %s", o.Categories&shared, a.Organisation)
			}
		}
	}
	if c.LegalBasis != eventsv1.SolicitationLegalBasis_SOLICITATION_LEGAL_BASIS_CONSENT {
		if shared.Has(access.Sante) {
			return derrors.Rejected("solicitation.sante_needs_consent", c.PersonID,
				"santé is shared with a partner outside the coordination only under the person's consent")
		}
		// Informed, with no opposition: within the person's coordination
		// only; outside it, sharing needs their prior consent (CSP
		// L.1110-4 III).
		for _, a := range c.Addressees {
			if c.Team.PartOf(a.Organisation) == access.PartNone {
				return derrors.Rejected("solicitation.outside_team_needs_consent", a.Organisation,
					"%s takes no part in the person's coordination: sharing with it needs the person's consent", a.Organisation)
			}
		}
		return nil
	}
	consent, ok := c.Team.Consents[c.ConsentID]
	if !ok || (consent.ExpiresOn != "" && consent.ExpiresOn < today) {
		return derrors.Invalid("consent_id", "%q is no consent in force on the person's file", c.ConsentID)
	}
	if !consent.Categories.Covers(shared) {
		return derrors.Rejected("solicitation.consent_too_narrow", c.ConsentID,
			"the consent covers %s, the message shares %s", consent.Categories, shared)
	}
	for _, a := range c.Addressees {
		if consent.Organisation != "" && consent.Organisation != a.Organisation {
			return derrors.Rejected("solicitation.consent_too_narrow", c.ConsentID,
				"the consent names %s, not %s", consent.Organisation, a.Organisation)
		}
	}
	return nil
}

// answering checks that the caller answers for org, a partner asked: its
// own organisation, or the legal entity org belongs to.
func answering(s *SolicitationState, org, legalEntity string, c access.Caller) error {
	if !slices.Contains(s.Addressees, org) {
		return derrors.Denied("solicitation.not_asked", "%s was not asked by this solicitation", org)
	}
	if c.Organisation != org && (legalEntity == "" || c.Organisation != legalEntity) {
		return derrors.Denied("solicitation.not_asked", "the caller's organisation %s does not answer for %s", c.Organisation, org)
	}
	return nil
}

func pending(s *SolicitationState) error {
	switch s.State {
	case partnersv1.SolicitationState_SOLICITATION_STATE_PENDING:
		return nil
	case partnersv1.SolicitationState_SOLICITATION_STATE_ACCEPTED:
		return derrors.Rejected("solicitation.answered", s.ID, "the solicitation was accepted by %s", s.Engaged)
	}
	return derrors.Rejected("solicitation.closed", s.ID, "the solicitation is closed (%s)", s.State)
}

func decideAccept(s *SolicitationState, c AcceptSolicitation, at decider.Context) ([]proto.Message, error) {
	if err := answering(s, c.Organisation, c.LegalEntity, at.Caller); err != nil {
		return nil, err
	}
	if err := pending(s); err != nil {
		return nil, err
	}
	if err := notExpired(s, at.Now); err != nil {
		return nil, err
	}
	if s.Declined[c.Organisation] {
		return nil, derrors.Rejected("solicitation.declined", s.ID, "%s declined it already", c.Organisation)
	}
	if c.Withdrawn {
		return nil, derrors.Rejected("partner.withdrawn", c.Organisation, "%s left the directory since it was asked", c.Organisation)
	}
	bad := &derrors.InvalidError{}
	calendar.CheckDate(bad, "start_on", c.StartOn)
	if horizon := calendar.Today(at.Now.AddDate(1, 0, 0)); c.StartOn > horizon {
		bad.Add("start_on", "%s is more than a year ahead: accept nearer the time", c.StartOn)
	}
	if c.PlannedEndOn != "" {
		calendar.CheckDate(bad, "planned_end_on", c.PlannedEndOn)
		if c.PlannedEndOn < c.StartOn {
			bad.Add("planned_end_on", "%s is before the start on %s", c.PlannedEndOn, c.StartOn)
		}
	}
	if c.Frequency == "" {
		bad.Add("frequency", "say how often (e.g. \"2 demi-journées par semaine\")")
	}
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	return []proto.Message{
		&eventsv1.SolicitationAccepted{OrganisationId: c.Organisation},
		&eventsv1.EngagementStarted{EngagementId: c.EngagementID, OrganisationId: c.Organisation, PersonId: s.PersonID,
			Prestation: s.Prestation, NeedId: s.NeedID, StartOn: c.StartOn, PlannedEndOn: c.PlannedEndOn, Frequency: c.Frequency,
			Mission: cmp.Or(s.Mission, s.AddresseeMissions[c.Organisation]), DisplayName: c.Name, TransitionId: s.TransitionID},
	}, nil
}

func decideDecline(s *SolicitationState, c DeclineSolicitation, at decider.Context) ([]proto.Message, error) {
	if err := answering(s, c.Organisation, c.LegalEntity, at.Caller); err != nil {
		return nil, err
	}
	if err := pending(s); err != nil {
		return nil, err
	}
	if err := notExpired(s, at.Now); err != nil {
		return nil, err
	}
	if s.Declined[c.Organisation] {
		return nil, nil
	}
	if c.Reason == eventsv1.DeclineReason_DECLINE_REASON_OTHER && c.Detail == "" {
		return nil, derrors.Invalid("detail", "say why, with DECLINE_REASON_OTHER")
	}
	return []proto.Message{&eventsv1.SolicitationDeclined{OrganisationId: c.Organisation, Reason: c.Reason, Detail: c.Detail}}, nil
}

// notExpired: past its expiry a solicitation is closed, even before the
// scheduler records it.
func notExpired(s *SolicitationState, now time.Time) error {
	if !now.Before(s.ExpiresAt) {
		return derrors.Rejected("solicitation.closed", s.ID, "the solicitation expired at %s", s.ExpiresAt.Format(time.RFC3339))
	}
	return nil
}

// decideEngagement: the engaged partner (or its legal entity) and the
// person's coordination suspend, resume and end the engagement.
func decideEngagement(s *SolicitationState, cmd SolicitationCommand, at decider.Context) ([]proto.Message, error) {
	if s.EngagementID == "" {
		return nil, derrors.Rejected("engagement.none", s.ID, "the solicitation started no engagement")
	}
	p := partiesOf(cmd)
	if at.Caller.Organisation != s.Engaged && (p.EngagedEntity == "" || at.Caller.Organisation != p.EngagedEntity) && !p.Coordinating {
		return nil, derrors.Denied("engagement.not_a_party", "only the partner engaged and the coordination change an engagement")
	}
	if s.Engagement == partnersv1.EngagementState_ENGAGEMENT_STATE_ENDED {
		return nil, derrors.Rejected("engagement.ended", s.EngagementID, "the engagement has ended")
	}
	bad := &derrors.InvalidError{}
	switch c := cmd.(type) {
	case SuspendEngagement:
		if s.Engagement == partnersv1.EngagementState_ENGAGEMENT_STATE_SUSPENDED {
			return nil, nil
		}
		calendar.CheckDate(bad, "from_on", c.FromOn)
		if err := bad.OrNil(); err != nil {
			return nil, err
		}
		return []proto.Message{&eventsv1.EngagementSuspended{Reason: c.Reason, FromOn: c.FromOn}}, nil
	case ResumeEngagement:
		if s.Engagement != partnersv1.EngagementState_ENGAGEMENT_STATE_SUSPENDED {
			return nil, nil
		}
		calendar.CheckDate(bad, "resumed_on", c.ResumedOn)
		if err := bad.OrNil(); err != nil {
			return nil, err
		}
		return []proto.Message{&eventsv1.EngagementResumed{ResumedOn: c.ResumedOn}}, nil
	case EndEngagement:
		calendar.CheckDone(bad, "ended_on", c.EndedOn, at.Now, "an engagement ends once it did")
		// Before its start only when it never began: an engagement
		// accepted for later is cancelled as soon as it is known.
		if c.EndedOn != "" && c.EndedOn < s.EngagementFromOn && s.EngagementFromOn <= calendar.Today(at.Now) {
			bad.Add("ended_on", "%s is before the engagement started on %s", c.EndedOn, s.EngagementFromOn)
		}
		if c.Reason == eventsv1.EngagementEndReason_ENGAGEMENT_END_REASON_OTHER && c.Detail == "" {
			bad.Add("detail", "say why, with ENGAGEMENT_END_REASON_OTHER")
		}
		if err := bad.OrNil(); err != nil {
			return nil, err
		}
		return []proto.Message{&eventsv1.EngagementEnded{Outcome: c.Outcome, Reason: c.Reason, Detail: c.Detail, EndedOn: c.EndedOn}}, nil
	}
	return nil, derrors.Invalid("command", "unknown solicitation command %T", cmd)
}

func partiesOf(cmd SolicitationCommand) Parties {
	switch c := cmd.(type) {
	case SuspendEngagement:
		return c.Parties
	case ResumeEngagement:
		return c.Parties
	case EndEngagement:
		return c.Parties
	}
	return Parties{}
}

func evolveSolicitation(s *SolicitationState, ev decider.Event) *SolicitationState {
	switch e := ev.Payload.(type) {
	case *eventsv1.SolicitationSent:
		s.ID, s.PersonID, s.Sender = e.GetSolicitationId(), e.GetPersonId(), e.GetSenderOrganisationId()
		s.Addressees, s.Prestation, s.NeedID, s.Mission = e.GetOrganisationIds(), e.GetPrestation(), e.GetNeedId(), e.GetMission()
		s.ExpiresAt, s.TransitionID = e.GetExpiresAt().AsTime(), e.GetTransitionId()
		s.State = partnersv1.SolicitationState_SOLICITATION_STATE_PENDING
		for i, m := range e.GetAddresseeMissions() {
			if i < len(s.Addressees) {
				if s.AddresseeMissions == nil {
					s.AddresseeMissions = map[string]eventsv1.PartnerMission{}
				}
				s.AddresseeMissions[s.Addressees[i]] = m
			}
		}
	case *eventsv1.SolicitationDeclined:
		s.Declined[e.GetOrganisationId()] = true
		if len(s.Declined) == len(s.Addressees) {
			s.State = partnersv1.SolicitationState_SOLICITATION_STATE_DECLINED
		}
	case *eventsv1.SolicitationAccepted:
		s.State, s.Engaged = partnersv1.SolicitationState_SOLICITATION_STATE_ACCEPTED, e.GetOrganisationId()
	case *eventsv1.SolicitationExpired:
		s.State = partnersv1.SolicitationState_SOLICITATION_STATE_EXPIRED
	case *eventsv1.SolicitationRevoked:
		s.State = partnersv1.SolicitationState_SOLICITATION_STATE_REVOKED
	case *eventsv1.EngagementStarted:
		s.EngagementID, s.Engagement, s.EngagementFromOn = e.GetEngagementId(), partnersv1.EngagementState_ENGAGEMENT_STATE_ACTIVE, e.GetStartOn()
	case *eventsv1.EngagementSuspended:
		s.Engagement = partnersv1.EngagementState_ENGAGEMENT_STATE_SUSPENDED
	case *eventsv1.EngagementResumed:
		s.Engagement = partnersv1.EngagementState_ENGAGEMENT_STATE_ACTIVE
	case *eventsv1.EngagementEnded:
		s.Engagement = partnersv1.EngagementState_ENGAGEMENT_STATE_ENDED
	}
	return s
}
