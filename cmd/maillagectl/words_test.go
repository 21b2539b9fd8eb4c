package main

import (
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
