package parcours

import (
	"fmt"
	"strings"

	"github.com/maillage/maillage/internal/serafin"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The timeline (historique du parcours) says each fact in one line of
// French, for the people who read the file. Free text typed by
// professionals (descriptions, origine de la demande) stays out of it: it
// may span lines or hold details the line's readers need not see.

func enrolledSummary(e *eventsv1.PersonEnrolled) string {
	return fmt.Sprintf("Entrée dans le dispositif de coordination (%s)", label(publicLabels, e.GetPublicConcerned(), "public non précisé"))
}

func coordinatorSummary(e *eventsv1.CoordinatorAssigned) string {
	return "Coordination de parcours confiée à " + e.GetDisplayName()
}

func transitionSummary(e *eventsv1.TransitionAnticipated) string {
	return fmt.Sprintf("Transition anticipée : %s le %s", label(transitionLabels, e.GetKind(), "transition"), e.GetPlannedDate())
}

func ruptureSummary(e *eventsv1.RuptureDetected) string {
	return fmt.Sprintf("Rupture de parcours constatée le %s : %s", e.GetDetectedOn(), label(ruptureLabels, e.GetKind(), "rupture"))
}

func dischargedSummary(e *eventsv1.PersonDischarged) string {
	return fmt.Sprintf("Sortie du dispositif de coordination le %s : %s", e.GetDischargedOn(), label(dischargeLabels, e.GetReason(), "motif non précisé"))
}

func referentSummary(e *eventsv1.ReferentAssigned) string {
	return "Référent de parcours : " + e.GetDisplayName()
}

func roleReleasedSummary(e *eventsv1.CoordinationRoleReleased) string {
	return fmt.Sprintf("Fin de mission : %s", label(roleLabels, e.GetRole(), "rôle de coordination"))
}

func levelSummary(e *eventsv1.CoordinationLevelSet) string {
	return "Niveau de coordination : " + label(levelLabels, e.GetLevel(), "non précisé")
}

func memberAddedSummary(e *eventsv1.EntourageMemberAdded) string {
	return "Entourage : " + memberDescription("ajout d'un membre", e.GetQuadrant(), e.GetRoles())
}

func memberUpdatedSummary(e *eventsv1.EntourageMemberUpdated) string {
	return "Entourage : " + memberDescription("mise à jour d'un membre", e.GetQuadrant(), e.GetRoles())
}

func memberRemovedSummary(view *parcoursv1.CoordinatedView, e *eventsv1.EntourageMemberRemoved) string {
	var q eventsv1.SluzkiQuadrant
	var roles []eventsv1.EntourageRole
	if m := viewMember(view, e.GetMemberId()); m != nil {
		q, roles = m.GetQuadrant(), m.GetRoles()
	}
	return "Entourage : " + memberDescription("retrait d'un membre", q, roles)
}

// memberDescription says what changed on the Sluzki map without naming
// the member: their quadrant and roles.
func memberDescription(what string, q eventsv1.SluzkiQuadrant, roles []eventsv1.EntourageRole) string {
	parts := []string{}
	if l, ok := quadrantLabels[q]; ok {
		parts = append(parts, l)
	}
	for _, r := range roles {
		if l, ok := entourageRoleLabels[r]; ok {
			parts = append(parts, l)
		}
	}
	if len(parts) == 0 {
		return what
	}
	return fmt.Sprintf("%s (%s)", what, strings.Join(parts, ", "))
}

func lifeProjectSummary(e *eventsv1.LifeProjectExpressed) string {
	return strings.TrimSpace("Projet de vie exprimé " + label(authorLabels, e.GetExpressedBy(), ""))
}

func needIdentifiedSummary(e *eventsv1.NeedIdentified) string {
	return "Besoin identifié : " + timelineCode(e.GetCode())
}

func needClosedSummary(e *eventsv1.NeedClosed) string {
	return "Besoin clos : " + label(closureLabels, e.GetReason(), "motif non précisé")
}

func objectiveSetSummary(e *eventsv1.ObjectiveSet) string {
	return "Objectif fixé, échéance le " + e.GetDueDate()
}

func actionPlannedSummary(e *eventsv1.ActionPlanned) string {
	// A member of the entourage is not named on the line: who they are is
	// vie sociale, which the line's readers may not see.
	who := e.GetResponsible().GetDisplayName()
	if e.GetResponsible().GetEntourageMemberId() != "" {
		who = "un membre de l'entourage"
	}
	s := fmt.Sprintf("Action prévue, confiée à %s, échéance le %s", who, e.GetDueDate())
	if e.GetPrestation() != nil {
		s += " (prestation " + timelineCode(e.GetPrestation()) + ")"
	}
	return s
}

func actionCompletedSummary(e *eventsv1.ActionCompleted) string {
	return "Action réalisée le " + e.GetCompletedOn()
}

func planValidatedSummary(e *eventsv1.PlanValidated) string {
	return strings.TrimSpace(fmt.Sprintf("Projet personnalisé (révision %d) validé le %s %s", e.GetPlanRevision(), e.GetValidatedOn(), label(validatorLabels, e.GetValidatedBy(), "")))
}

func reviewScheduledSummary(e *eventsv1.PlanReviewScheduled) string {
	return "Révision du projet personnalisé prévue le " + e.GetScheduledOn()
}

func objectiveEvaluatedSummary(e *eventsv1.ObjectiveEvaluated) string {
	s := fmt.Sprintf("Objectif co-évalué le %s : %s", e.GetEvaluatedOn(), label(outcomeLabels, e.GetOutcome(), "évaluation non précisée"))
	if e.GetReviewId() != "" {
		s += " (lors d'une révision)"
	}
	return s
}

func rightsSummary(e *eventsv1.RightsNotified) string {
	s := fmt.Sprintf("Notification MDPH : %s à partir du %s", label(decisionLabels, e.GetDecision(), "décision"), e.GetStartDate())
	if e.GetEndDate() != "" {
		s += " jusqu'au " + e.GetEndDate()
	} else {
		s += ", sans limitation de durée"
	}
	return s
}

func transitionRescheduledSummary(e *eventsv1.TransitionRescheduled) string {
	return "Transition reportée au " + e.GetPlannedDate()
}

func transitionCompletedSummary(e *eventsv1.TransitionCompleted) string {
	return "Transition réalisée le " + e.GetCompletedOn()
}

func transitionCancelledSummary(*eventsv1.TransitionCancelled) string {
	return "Transition annulée"
}

func riskSummary(e *eventsv1.RuptureRiskRaised) string {
	s := fmt.Sprintf("Risque de rupture signalé le %s : %s", e.GetRaisedOn(), label(ruptureLabels, e.GetKind(), "rupture"))
	if e.GetRule() != "" {
		s += " (vigilance automatique)"
	}
	return s
}

func resolvedSummary(view *parcoursv1.CoordinatedView, e *eventsv1.RuptureResolved) string {
	if viewIsRisk(view, e.GetRuptureId()) {
		return "Risque de rupture levé le " + e.GetResolvedOn()
	}
	return "Rupture de parcours résolue le " + e.GetResolvedOn()
}

// timelineCode writes a SERAFIN-PH code with its label when the reference data
// has it.
func timelineCode(c *eventsv1.SerafinCode) string {
	if c.GetSystem() == serafin.System && c.GetVersion() == serafin.Version {
		if e, ok := serafin.Default().Lookup(c.GetCode()); ok {
			return c.GetCode() + " " + e.Label
		}
	}
	return c.GetCode()
}

// label names k in French, or says fallback for a value this version does
// not know (written by a newer Maillage).
func label[K comparable](labels map[K]string, k K, fallback string) string {
	if l, ok := labels[k]; ok {
		return l
	}
	return fallback
}

var publicLabels = map[eventsv1.PublicConcerned]string{
	eventsv1.PublicConcerned_PUBLIC_CONCERNED_DISABILITY:     "personne en situation de handicap",
	eventsv1.PublicConcerned_PUBLIC_CONCERNED_OLDER_PERSON:   "personne âgée en perte d'autonomie",
	eventsv1.PublicConcerned_PUBLIC_CONCERNED_FRAGILE_FAMILY: "famille en situation de fragilité",
	eventsv1.PublicConcerned_PUBLIC_CONCERNED_OTHER:          "autre public",
}

var transitionLabels = map[eventsv1.TransitionKind]string{
	eventsv1.TransitionKind_TRANSITION_KIND_ENTREE_ETABLISSEMENT:     "entrée en établissement",
	eventsv1.TransitionKind_TRANSITION_KIND_RETOUR_DOMICILE:          "retour à domicile",
	eventsv1.TransitionKind_TRANSITION_KIND_CHANGEMENT_ETABLISSEMENT: "changement d'établissement",
	eventsv1.TransitionKind_TRANSITION_KIND_SORTIE_HOSPITALISATION:   "sortie d'hospitalisation",
	eventsv1.TransitionKind_TRANSITION_KIND_PASSAGE_ADULTE:           "passage enfant→adulte",
	eventsv1.TransitionKind_TRANSITION_KIND_SCOLARISATION:            "scolarisation",
	eventsv1.TransitionKind_TRANSITION_KIND_EMPLOI:                   "emploi",
	eventsv1.TransitionKind_TRANSITION_KIND_OTHER:                    "autre changement de lieu de vie",
}

var ruptureLabels = map[eventsv1.RuptureKind]string{
	eventsv1.RuptureKind_RUPTURE_KIND_NO_COORDINATOR:          "absence de coordinateur",
	eventsv1.RuptureKind_RUPTURE_KIND_TRANSITION_UNSECURED:    "transition non sécurisée",
	eventsv1.RuptureKind_RUPTURE_KIND_LOSS_OF_SUPPORT:         "perte d'accompagnement",
	eventsv1.RuptureKind_RUPTURE_KIND_RIGHTS_EXPIRED:          "droits échus",
	eventsv1.RuptureKind_RUPTURE_KIND_PLAN_REVIEW_OVERDUE:     "révision du projet personnalisé en retard",
	eventsv1.RuptureKind_RUPTURE_KIND_ACTION_OVERDUE:          "action du plan en retard",
	eventsv1.RuptureKind_RUPTURE_KIND_SOLICITATION_UNANSWERED: "sollicitation sans réponse",
	eventsv1.RuptureKind_RUPTURE_KIND_OTHER:                   "autre rupture",
}

var dischargeLabels = map[eventsv1.DischargeReason]string{
	eventsv1.DischargeReason_DISCHARGE_REASON_DROIT_COMMUN:             "relais par le droit commun",
	eventsv1.DischargeReason_DISCHARGE_REASON_MOVED_OUT_OF_TERRITORY:   "départ du territoire",
	eventsv1.DischargeReason_DISCHARGE_REASON_ESTABLISHMENT_TAKES_OVER: "relais par un établissement",
	eventsv1.DischargeReason_DISCHARGE_REASON_DEATH:                    "décès",
	eventsv1.DischargeReason_DISCHARGE_REASON_PERSON_REFUSAL:           "refus de la personne",
	eventsv1.DischargeReason_DISCHARGE_REASON_END_OF_SUPPORT:           "fin d'accompagnement",
	eventsv1.DischargeReason_DISCHARGE_REASON_OTHER:                    "autre motif",
}

var roleLabels = map[eventsv1.CoordinationRole]string{
	eventsv1.CoordinationRole_COORDINATION_ROLE_COORDINATOR: "coordinateur de parcours",
	eventsv1.CoordinationRole_COORDINATION_ROLE_REFERENT:    "référent de parcours",
}

var levelLabels = map[eventsv1.CoordinationLevel]string{
	eventsv1.CoordinationLevel_COORDINATION_LEVEL_INFORMATION_ORIENTATION: "information et orientation",
	eventsv1.CoordinationLevel_COORDINATION_LEVEL_SIMPLE:                  "coordination simple",
	eventsv1.CoordinationLevel_COORDINATION_LEVEL_RENFORCEE:               "coordination renforcée",
}

var quadrantLabels = map[eventsv1.SluzkiQuadrant]string{
	eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_FAMILY:             "famille",
	eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_FRIENDSHIPS:        "amitiés",
	eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_WORK_SCHOOL:        "travail ou école",
	eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_COMMUNITY_SERVICES: "communauté et services",
}

var entourageRoleLabels = map[eventsv1.EntourageRole]string{
	eventsv1.EntourageRole_ENTOURAGE_ROLE_CAREGIVER:            "aidant",
	eventsv1.EntourageRole_ENTOURAGE_ROLE_TRUSTED_PERSON:       "personne de confiance",
	eventsv1.EntourageRole_ENTOURAGE_ROLE_LEGAL_REPRESENTATIVE: "représentant légal",
}

var authorLabels = map[eventsv1.LifeProjectAuthor]string{
	eventsv1.LifeProjectAuthor_LIFE_PROJECT_AUTHOR_PERSON:               "par la personne",
	eventsv1.LifeProjectAuthor_LIFE_PROJECT_AUTHOR_PERSON_WITH_HELP:     "par la personne, avec aide",
	eventsv1.LifeProjectAuthor_LIFE_PROJECT_AUTHOR_LEGAL_REPRESENTATIVE: "par le représentant légal",
}

var closureLabels = map[eventsv1.NeedClosureReason]string{
	eventsv1.NeedClosureReason_NEED_CLOSURE_REASON_MET:                "besoin couvert",
	eventsv1.NeedClosureReason_NEED_CLOSURE_REASON_NO_LONGER_RELEVANT: "besoin devenu sans objet",
	eventsv1.NeedClosureReason_NEED_CLOSURE_REASON_OTHER:              "autre motif",
}

var validatorLabels = map[eventsv1.PlanValidator]string{
	eventsv1.PlanValidator_PLAN_VALIDATOR_PERSON:               "par la personne",
	eventsv1.PlanValidator_PLAN_VALIDATOR_LEGAL_REPRESENTATIVE: "par le représentant légal",
}

var outcomeLabels = map[eventsv1.ObjectiveOutcome]string{
	eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_ACHIEVED:           "atteint",
	eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_PARTIALLY_ACHIEVED: "partiellement atteint",
	eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_NOT_ACHIEVED:       "non atteint",
	eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_ABANDONED:          "abandonné",
}

var decisionLabels = map[eventsv1.MdphDecision]string{
	eventsv1.MdphDecision_MDPH_DECISION_ORIENTATION_ESMS:            "orientation vers un ESMS",
	eventsv1.MdphDecision_MDPH_DECISION_AEEH:                        "AEEH",
	eventsv1.MdphDecision_MDPH_DECISION_AAH:                         "AAH",
	eventsv1.MdphDecision_MDPH_DECISION_PCH:                         "PCH",
	eventsv1.MdphDecision_MDPH_DECISION_RQTH:                        "RQTH",
	eventsv1.MdphDecision_MDPH_DECISION_CARTE_MOBILITE_INCLUSION:    "carte mobilité inclusion",
	eventsv1.MdphDecision_MDPH_DECISION_ORIENTATION_PROFESSIONNELLE: "orientation professionnelle",
	eventsv1.MdphDecision_MDPH_DECISION_AESH:                        "AESH",
	eventsv1.MdphDecision_MDPH_DECISION_OTHER:                       "autre décision",
}
