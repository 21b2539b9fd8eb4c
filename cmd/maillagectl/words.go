package main

import (
	"fmt"
	"strings"

	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// The words the command line accepts for the proto enums, one table per
// enum. Short lower-case words, not the proto names: a coordinator types
// "--public disability", not PUBLIC_CONCERNED_DISABILITY. The zero values
// (UNSPECIFIED) have no word: the server refuses them.

type word[E ~int32] struct {
	name  string
	value E
}

var publicWords = []word[eventsv1.PublicConcerned]{
	{"disability", eventsv1.PublicConcerned_PUBLIC_CONCERNED_DISABILITY},
	{"older-person", eventsv1.PublicConcerned_PUBLIC_CONCERNED_OLDER_PERSON},
	{"fragile-family", eventsv1.PublicConcerned_PUBLIC_CONCERNED_FRAGILE_FAMILY},
	{"other", eventsv1.PublicConcerned_PUBLIC_CONCERNED_OTHER},
}

var protectionWords = []word[eventsv1.LegalProtection]{
	{"none", eventsv1.LegalProtection_LEGAL_PROTECTION_NONE},
	{"tutelle", eventsv1.LegalProtection_LEGAL_PROTECTION_TUTELLE},
	{"curatelle", eventsv1.LegalProtection_LEGAL_PROTECTION_CURATELLE},
	{"sauvegarde", eventsv1.LegalProtection_LEGAL_PROTECTION_SAUVEGARDE_DE_JUSTICE},
	{"habilitation-familiale", eventsv1.LegalProtection_LEGAL_PROTECTION_HABILITATION_FAMILIALE},
	{"mandat-protection-future", eventsv1.LegalProtection_LEGAL_PROTECTION_MANDAT_PROTECTION_FUTURE},
}

var transitionWords = []word[eventsv1.TransitionKind]{
	{"entree-etablissement", eventsv1.TransitionKind_TRANSITION_KIND_ENTREE_ETABLISSEMENT},
	{"retour-domicile", eventsv1.TransitionKind_TRANSITION_KIND_RETOUR_DOMICILE},
	{"changement-etablissement", eventsv1.TransitionKind_TRANSITION_KIND_CHANGEMENT_ETABLISSEMENT},
	{"sortie-hospitalisation", eventsv1.TransitionKind_TRANSITION_KIND_SORTIE_HOSPITALISATION},
	{"passage-adulte", eventsv1.TransitionKind_TRANSITION_KIND_PASSAGE_ADULTE},
	{"scolarisation", eventsv1.TransitionKind_TRANSITION_KIND_SCOLARISATION},
	{"emploi", eventsv1.TransitionKind_TRANSITION_KIND_EMPLOI},
	{"other", eventsv1.TransitionKind_TRANSITION_KIND_OTHER},
}

var ruptureWords = []word[eventsv1.RuptureKind]{
	{"no-coordinator", eventsv1.RuptureKind_RUPTURE_KIND_NO_COORDINATOR},
	{"transition-unsecured", eventsv1.RuptureKind_RUPTURE_KIND_TRANSITION_UNSECURED},
	{"loss-of-support", eventsv1.RuptureKind_RUPTURE_KIND_LOSS_OF_SUPPORT},
	{"rights-expired", eventsv1.RuptureKind_RUPTURE_KIND_RIGHTS_EXPIRED},
	{"plan-review-overdue", eventsv1.RuptureKind_RUPTURE_KIND_PLAN_REVIEW_OVERDUE},
	{"action-overdue", eventsv1.RuptureKind_RUPTURE_KIND_ACTION_OVERDUE},
	{"solicitation-unanswered", eventsv1.RuptureKind_RUPTURE_KIND_SOLICITATION_UNANSWERED},
	{"other", eventsv1.RuptureKind_RUPTURE_KIND_OTHER},
}

var dischargeWords = []word[eventsv1.DischargeReason]{
	{"droit-commun", eventsv1.DischargeReason_DISCHARGE_REASON_DROIT_COMMUN},
	{"demenagement", eventsv1.DischargeReason_DISCHARGE_REASON_MOVED_OUT_OF_TERRITORY},
	{"relais-etablissement", eventsv1.DischargeReason_DISCHARGE_REASON_ESTABLISHMENT_TAKES_OVER},
	{"deces", eventsv1.DischargeReason_DISCHARGE_REASON_DEATH},
	{"refus-personne", eventsv1.DischargeReason_DISCHARGE_REASON_PERSON_REFUSAL},
	{"fin-accompagnement", eventsv1.DischargeReason_DISCHARGE_REASON_END_OF_SUPPORT},
	{"autre", eventsv1.DischargeReason_DISCHARGE_REASON_OTHER},
}

var coordinationRoleWords = []word[eventsv1.CoordinationRole]{
	{"coordinateur", eventsv1.CoordinationRole_COORDINATION_ROLE_COORDINATOR},
	{"referent", eventsv1.CoordinationRole_COORDINATION_ROLE_REFERENT},
}

var levelWords = []word[eventsv1.CoordinationLevel]{
	{"information-orientation", eventsv1.CoordinationLevel_COORDINATION_LEVEL_INFORMATION_ORIENTATION},
	{"simple", eventsv1.CoordinationLevel_COORDINATION_LEVEL_SIMPLE},
	{"renforcee", eventsv1.CoordinationLevel_COORDINATION_LEVEL_RENFORCEE},
}

var quadrantWords = []word[eventsv1.SluzkiQuadrant]{
	{"famille", eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_FAMILY},
	{"amis", eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_FRIENDSHIPS},
	{"travail-ecole", eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_WORK_SCHOOL},
	{"communaute-services", eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_COMMUNITY_SERVICES},
}

var circleWords = []word[eventsv1.SluzkiCircle]{
	{"intime", eventsv1.SluzkiCircle_SLUZKI_CIRCLE_INTIMATE},
	{"personnel", eventsv1.SluzkiCircle_SLUZKI_CIRCLE_PERSONAL},
	{"occasionnel", eventsv1.SluzkiCircle_SLUZKI_CIRCLE_OCCASIONAL},
}

var entourageRoleWords = []word[eventsv1.EntourageRole]{
	{"aidant", eventsv1.EntourageRole_ENTOURAGE_ROLE_CAREGIVER},
	{"personne-de-confiance", eventsv1.EntourageRole_ENTOURAGE_ROLE_TRUSTED_PERSON},
	{"representant-legal", eventsv1.EntourageRole_ENTOURAGE_ROLE_LEGAL_REPRESENTATIVE},
}

var lifeProjectAuthorWords = []word[eventsv1.LifeProjectAuthor]{
	{"personne", eventsv1.LifeProjectAuthor_LIFE_PROJECT_AUTHOR_PERSON},
	{"personne-aidee", eventsv1.LifeProjectAuthor_LIFE_PROJECT_AUTHOR_PERSON_WITH_HELP},
	{"representant-legal", eventsv1.LifeProjectAuthor_LIFE_PROJECT_AUTHOR_LEGAL_REPRESENTATIVE},
}

var needClosureWords = []word[eventsv1.NeedClosureReason]{
	{"satisfait", eventsv1.NeedClosureReason_NEED_CLOSURE_REASON_MET},
	{"sans-objet", eventsv1.NeedClosureReason_NEED_CLOSURE_REASON_NO_LONGER_RELEVANT},
	{"autre", eventsv1.NeedClosureReason_NEED_CLOSURE_REASON_OTHER},
}

var validatorWords = []word[eventsv1.PlanValidator]{
	{"personne", eventsv1.PlanValidator_PLAN_VALIDATOR_PERSON},
	{"representant-legal", eventsv1.PlanValidator_PLAN_VALIDATOR_LEGAL_REPRESENTATIVE},
}

var outcomeWords = []word[eventsv1.ObjectiveOutcome]{
	{"atteint", eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_ACHIEVED},
	{"partiellement-atteint", eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_PARTIALLY_ACHIEVED},
	{"non-atteint", eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_NOT_ACHIEVED},
	{"abandonne", eventsv1.ObjectiveOutcome_OBJECTIVE_OUTCOME_ABANDONED},
}

var decisionWords = []word[eventsv1.MdphDecision]{
	{"orientation-esms", eventsv1.MdphDecision_MDPH_DECISION_ORIENTATION_ESMS},
	{"aeeh", eventsv1.MdphDecision_MDPH_DECISION_AEEH},
	{"aah", eventsv1.MdphDecision_MDPH_DECISION_AAH},
	{"pch", eventsv1.MdphDecision_MDPH_DECISION_PCH},
	{"rqth", eventsv1.MdphDecision_MDPH_DECISION_RQTH},
	{"cmi", eventsv1.MdphDecision_MDPH_DECISION_CARTE_MOBILITE_INCLUSION},
	{"orientation-professionnelle", eventsv1.MdphDecision_MDPH_DECISION_ORIENTATION_PROFESSIONNELLE},
	{"aesh", eventsv1.MdphDecision_MDPH_DECISION_AESH},
	{"autre", eventsv1.MdphDecision_MDPH_DECISION_OTHER},
}

// enumFlag is a flag (a pflag.Value) whose value is one of its words; a
// wrong word fails at parse time with the list of accepted ones.
type enumFlag[E ~int32] struct {
	words []word[E]
	value E
	text  string
}

func newEnumFlag[E ~int32](words []word[E]) *enumFlag[E] { return &enumFlag[E]{words: words} }

func (f *enumFlag[E]) Set(s string) error {
	for _, w := range f.words {
		if w.name == s {
			f.value, f.text = w.value, s
			return nil
		}
	}
	return fmt.Errorf("%q is not one of: %s", s, f.names())
}

func (f *enumFlag[E]) String() string { return f.text }
func (f *enumFlag[E]) Type() string   { return "word" }

func (f *enumFlag[E]) names() string {
	names := make([]string, len(f.words))
	for i, w := range f.words {
		names[i] = w.name
	}
	return strings.Join(names, ", ")
}

// enumListFlag is a flag whose value is a list of words, comma-separated
// and/or given again: --role aidant,personne-de-confiance --role
// representant-legal. A word given twice is kept twice: the server refuses
// duplicates, and says so.
type enumListFlag[E ~int32] struct {
	one    enumFlag[E]
	values []E
	texts  []string
}

func newEnumListFlag[E ~int32](words []word[E]) *enumListFlag[E] {
	return &enumListFlag[E]{one: enumFlag[E]{words: words}}
}

func (f *enumListFlag[E]) Set(s string) error {
	for _, part := range strings.Split(s, ",") {
		if err := f.one.Set(strings.TrimSpace(part)); err != nil {
			return err
		}
		f.values, f.texts = append(f.values, f.one.value), append(f.texts, f.one.text)
	}
	return nil
}

func (f *enumListFlag[E]) String() string { return strings.Join(f.texts, ",") }
func (f *enumListFlag[E]) Type() string   { return "words" }
func (f *enumListFlag[E]) names() string  { return f.one.names() }
