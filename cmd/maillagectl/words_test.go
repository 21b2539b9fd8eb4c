package main

import (
	"slices"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// Every defined value of each enum but the zero one has exactly one word,
// so that a value added to the .proto fails here until it gets one.
func TestWordsCoverEnums(t *testing.T) {
	t.Parallel()
	check := func(enum protoreflect.EnumDescriptor, values []int32) {
		t.Helper()
		seen := map[int32]int{}
		for _, v := range values {
			seen[v]++
		}
		for i := range enum.Values().Len() {
			v := enum.Values().Get(i)
			if want := min(int(v.Number()), 1); seen[int32(v.Number())] != want {
				t.Errorf("%s has %d words, want %d", v.FullName(), seen[int32(v.Number())], want)
			}
		}
	}
	check(eventsv1.PublicConcerned(0).Descriptor(), numbers(publicWords))
	check(eventsv1.LegalProtection(0).Descriptor(), numbers(protectionWords))
	check(eventsv1.TransitionKind(0).Descriptor(), numbers(transitionWords))
	check(eventsv1.RuptureKind(0).Descriptor(), numbers(ruptureWords))
	check(eventsv1.DischargeReason(0).Descriptor(), numbers(dischargeWords))
	check(eventsv1.CoordinationRole(0).Descriptor(), numbers(coordinationRoleWords))
	check(eventsv1.CoordinationLevel(0).Descriptor(), numbers(levelWords))
	check(eventsv1.SluzkiQuadrant(0).Descriptor(), numbers(quadrantWords))
	check(eventsv1.SluzkiCircle(0).Descriptor(), numbers(circleWords))
	check(eventsv1.EntourageRole(0).Descriptor(), numbers(entourageRoleWords))
	check(eventsv1.LifeProjectAuthor(0).Descriptor(), numbers(lifeProjectAuthorWords))
	check(eventsv1.NeedClosureReason(0).Descriptor(), numbers(needClosureWords))
	check(eventsv1.PlanValidator(0).Descriptor(), numbers(validatorWords))
	check(eventsv1.ObjectiveOutcome(0).Descriptor(), numbers(outcomeWords))
	check(eventsv1.MdphDecision(0).Descriptor(), numbers(decisionWords))
	check(eventsv1.PartnerKind(0).Descriptor(), numbers(partnerKindWords))
	check(eventsv1.SolicitationLegalBasis(0).Descriptor(), numbers(legalBasisWords))
	check(eventsv1.DeclineReason(0).Descriptor(), numbers(declineWords))
	check(eventsv1.EngagementOutcome(0).Descriptor(), numbers(engagementOutcomeWords))
	check(eventsv1.EngagementEndReason(0).Descriptor(), numbers(endReasonWords))
}

func numbers[E ~int32](words []word[E]) []int32 {
	out := make([]int32, len(words))
	for i, w := range words {
		out[i] = int32(w.value)
	}
	return out
}

func TestEnumFlag(t *testing.T) {
	t.Parallel()
	f := newEnumFlag(protectionWords)
	if err := f.Set("sauvegarde"); err != nil || f.value != eventsv1.LegalProtection_LEGAL_PROTECTION_SAUVEGARDE_DE_JUSTICE {
		t.Errorf("Set(sauvegarde) = %v, value %v", err, f.value)
	}
	err := f.Set("SAUVEGARDE_DE_JUSTICE")
	if err == nil || !strings.Contains(err.Error(), "none, tutelle, curatelle, sauvegarde, habilitation-familiale, mandat-protection-future") {
		t.Errorf("Set(SAUVEGARDE_DE_JUSTICE) = %v, want an error listing the words", err)
	}
}

func TestEnumListFlag(t *testing.T) {
	t.Parallel()
	f := newEnumListFlag(entourageRoleWords)
	for _, s := range []string{"aidant,personne-de-confiance", "representant-legal"} {
		if err := f.Set(s); err != nil {
			t.Fatalf("Set(%q) = %v", s, err)
		}
	}
	want := []eventsv1.EntourageRole{eventsv1.EntourageRole_ENTOURAGE_ROLE_CAREGIVER,
		eventsv1.EntourageRole_ENTOURAGE_ROLE_TRUSTED_PERSON, eventsv1.EntourageRole_ENTOURAGE_ROLE_LEGAL_REPRESENTATIVE}
	if !slices.Equal(f.values, want) || f.String() != "aidant,personne-de-confiance,representant-legal" {
		t.Errorf("values %v (%q), want %v", f.values, f.String(), want)
	}
	if err := f.Set("aidant,tuteur"); err == nil || !strings.Contains(err.Error(), `"tuteur" is not one of: aidant, personne-de-confiance, representant-legal`) {
		t.Errorf("Set(aidant,tuteur) = %v, want an error listing the words", err)
	}
}
