package serafin

import (
	"slices"
	"testing"
)

func TestAnsweringPrestations(t *testing.T) {
	n := Default()
	for need, prestations := range answers {
		if _, err := n.Need(need); err != nil {
			t.Errorf("mapping from %s: %v", need, err)
		}
		for _, p := range prestations {
			if _, err := n.Prestation(p); err != nil {
				t.Errorf("mapping %s → %s: %v", need, p, err)
			}
		}
	}
	for need, want := range map[string][]string{"1.3.4.2": {"2.3.4"}, "1.1.1.3": {"2.1"}, "1.2.1": {"2.2"}, "1.3": {"2.3"}, "2.1": nil, "9": nil} {
		if got := Answering(need); !slices.Equal(got, want) {
			t.Errorf("Answering(%s) = %v, want %v", need, got, want)
		}
	}
	// Every need of the nomenclature has an answer.
	for _, e := range n.All(Besoin) {
		if e.Code != "1" && Answering(e.Code) == nil {
			t.Errorf("need %s (%s) has no answering prestation", e.Code, e.Label)
		}
	}
}
