package partners

import (
	"testing"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
)

// A commune with fewer than 11 people followed counts for nothing; one
// with 11 counts whole.
func TestSmallCommunesAreLeftOut(t *testing.T) {
	t.Parallel()
	c := newCoverage(nil, 0)
	person := func(commune string) *parcoursv1.CoordinatedView {
		return &parcoursv1.CoordinatedView{Enrolled: &parcoursv1.Enrollment{Domicile: &parcoursv1.Domicile{CommuneInsee: commune}},
			Needs: []*parcoursv1.Need{{Code: &parcoursv1.SerafinCode{Code: "1.3.2.1"}, CoveredBy: &parcoursv1.NeedCoverage{EngagementIds: []string{"E"}}}}}
	}
	for range 10 {
		c.add(person("35001"))
	}
	for range 11 {
		c.add(person("35238"))
	}
	c.add(person("35288"))
	c.communeDone()
	if c.people != 11 || c.communesWithheld != 2 {
		t.Fatalf("counted %d people, withheld %d communes; want 11 people (35238), 2 communes withheld", c.people, c.communesWithheld)
	}
	lines, withheld := c.lines()
	if len(lines) != 1 || withheld != 0 || lines[0].GetPeopleWithNeed() != 11 || lines[0].GetPeopleCovered() != 11 {
		t.Fatalf("lines %v (%d withheld); want 1.3.2 for 11 people, all covered", lines, withheld)
	}
}

// Counts from 1 to 10 are withheld, with what would give them away.
func TestSmallCountsAreWithheld(t *testing.T) {
	t.Parallel()
	line := func(with, covered, nearby, without, noLocation int32) *partnersv1.CoverageLine {
		return &partnersv1.CoverageLine{PeopleWithNeed: with, PeopleCovered: covered, PeopleWithOfferNearby: nearby,
			PeopleWithoutAnswer: without, PeopleWithoutLocation: noLocation}
	}
	for _, c := range []struct {
		name      string
		in, want  *partnersv1.CoverageLine
		shownLine bool
	}{
		{"a need of 10 people is left out", line(10, 10, 0, 0, 0), nil, false},
		{"large counts are shown", line(40, 11, 12, 17, 0), line(40, 11, 12, 17, 0), true},
		{"a zero is shown", line(30, 0, 15, 15, 0), line(30, 0, 15, 15, 0), true},
		{"a small count, and the smallest other that gives it away", line(40, 3, 12, 25, 0), line(40, -1, -1, 25, 0), true},
		{"two small counts need nothing more", line(20, 3, 5, 12, 0), line(20, -1, -1, 12, 0), true},
		{"a small count beside a zero: the zero goes too", line(15, 0, 4, 11, 0), line(15, -1, -1, 11, 0), true},
		{"people without location: small, withheld", line(30, 0, 15, 15, 2), line(30, 0, 15, 15, -1), true},
		{"people without location within a withheld count", line(20, 12, 0, 8, 8), line(20, 12, -1, -1, -1), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := c.in
			if got := keepLine(l); got != c.shownLine {
				t.Fatalf("keepLine = %v, want %v", got, c.shownLine)
			}
			if !c.shownLine {
				return
			}
			if l.PeopleWithNeed != c.want.PeopleWithNeed || l.PeopleCovered != c.want.PeopleCovered || l.PeopleWithOfferNearby != c.want.PeopleWithOfferNearby ||
				l.PeopleWithoutAnswer != c.want.PeopleWithoutAnswer || l.PeopleWithoutLocation != c.want.PeopleWithoutLocation {
				t.Fatalf("line = %v, want %v", l, c.want)
			}
		})
	}
}
