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
