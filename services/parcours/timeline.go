package parcours

import (
	"fmt"

	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
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
