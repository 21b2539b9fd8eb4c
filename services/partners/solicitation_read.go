package partners

import (
	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/kit"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
)

// SolicitationReading is what decides whether a caller reads a
// solicitation: the file as stored now (who coordinates, the consents and
// oppositions in force), not as it was when the solicitation was sent.
type SolicitationReading struct {
	Caller access.Caller
	Team   access.Team
	Today  string // "YYYY-MM-DD", Europe/Paris
	// LegalEntityOf is the legal entity of a partner, as the directory
	// has it ("" when none).
	LegalEntityOf func(organisation string) string
}

// MayRead says whether r.Caller reads sol, and the disclosure that reading
// it is. The person's coordination reads it (under its mission), whoever
// of it sent it; a partner asked, or its legal entity, reads it while it
// may still answer, or once engaged until its engagement ends, and only
// as far as the person allows now: not what they have since opposed
// sharing with it, and under a consent only while that consent is in
// force.
func MayRead(r SolicitationReading, sol *partnersv1.Solicitation) (kit.Disclosure, error) {
	d := kit.Disclosure{PersonID: sol.GetPersonId(), Categories: access.Of(sol.GetSharedCategories()...),
		Kind: eventsv1.DisclosureKind_DISCLOSURE_KIND_SOLICITATION, Detail: "solicitation " + sol.GetSolicitationId(),
		Grant: access.Grant{Via: r.Caller.Organisation}}
	if r.Team.PartOf(r.Caller.Organisation) == access.PartCoordination {
		d.LegalBasis = eventsv1.LegalBasis_LEGAL_BASIS_MISSION
		return d, nil
	}
	answer := answerOf(r, sol)
	if answer == nil {
		if r.Caller.Organisation == sol.GetSenderOrganisationId() {
			return d, derrors.Denied("solicitation.handed_over", "the coordination was handed over: its solicitations are the new coordination's to read")
		}
		return d, derrors.Denied("solicitation.not_a_party", "only the person's coordination and the partners it asked read a solicitation")
	}
	if !stillAnswering(sol, answer) {
		return d, derrors.Denied("solicitation.closed_to_partner",
			"%s no longer answers this solicitation (declined, not chosen, expired, revoked or its engagement ended)", answer.GetOrganisationId())
	}
	for _, o := range r.Team.Oppositions {
		if (o.Organisation == answer.GetOrganisationId() || o.Organisation == "") && o.Categories&d.Categories != 0 {
			return d, derrors.Denied("solicitation.opposed", "the person has since opposed sharing %s with %s",
				o.Categories&d.Categories, answer.GetOrganisationId())
		}
	}
	d.LegalBasis = eventsv1.LegalBasis_LEGAL_BASIS_INFORMED_NO_OPPOSITION
	if sol.GetLegalBasis() == eventsv1.SolicitationLegalBasis_SOLICITATION_LEGAL_BASIS_CONSENT {
		c, ok := r.Team.Consents[sol.GetConsentId()]
		if !ok || (c.ExpiresOn != "" && c.ExpiresOn < r.Today) {
			return d, derrors.Denied("solicitation.consent_ended", "the consent it was shared under is no longer in force")
		}
		d.LegalBasis, d.ConsentIDs = eventsv1.LegalBasis_LEGAL_BASIS_CONSENT, []string{c.ID}
	}
	return d, nil
}

// answerOf is the answer of the partner asked the caller reads for: its
// own organisation's, or one of its legal entity's; nil when none.
func answerOf(r SolicitationReading, sol *partnersv1.Solicitation) *partnersv1.Answer {
	for _, a := range sol.GetAnswers() {
		org := a.GetOrganisationId()
		if r.Caller.Organisation == org {
			return a
		}
		if e := r.LegalEntityOf(org); e != "" && r.Caller.Organisation == e {
			return a
		}
	}
	return nil
}

// stillAnswering: the partner may still answer sol, or is engaged by it
// and its engagement runs.
func stillAnswering(sol *partnersv1.Solicitation, a *partnersv1.Answer) bool {
	switch sol.GetState() {
	case partnersv1.SolicitationState_SOLICITATION_STATE_PENDING:
		return a.GetDeclined() == eventsv1.DeclineReason_DECLINE_REASON_UNSPECIFIED
	case partnersv1.SolicitationState_SOLICITATION_STATE_ACCEPTED:
		return a.GetAccepted() && sol.GetEngagement().GetState() != partnersv1.EngagementState_ENGAGEMENT_STATE_ENDED
	}
	return false
}
