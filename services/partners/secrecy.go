package partners

import (
	"slices"

	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
)

// Statistical secrecy (secret statistique) of the territorial coverage: a
// count of people says nothing of anyone only when it is large enough,
// and when no other count gives it away by difference.
//
//   - a commune where fewer than minCount people are followed is left out
//     of every count: whatever the territory asked (a département, or any
//     set of communes), two answers differ by whole communes of at least
//     minCount people;
//   - a need fewer than minCount people have is left out;
//   - in a line, a count from 1 to minCount-1 is withheld (-1), and so is
//     the smallest other one when it alone would be given away by
//     difference.
const minCount = 11

// withheldCount stands for a count withheld.
const withheldCount = -1

// add takes one person of the territory; people come commune by commune
// (the order of the territory index), and are counted once their commune
// is known to be large enough.
func (c *coverage) add(p *parcoursv1.CoordinatedView) {
	commune := p.GetEnrolled().GetDomicile().GetCommuneInsee()
	if commune != c.commune {
		c.communeDone()
		c.commune = commune
	}
	c.inCommune = append(c.inCommune, p)
}

// communeDone counts the people of the commune taken so far, or leaves
// them out when too few.
func (c *coverage) communeDone() {
	switch {
	case len(c.inCommune) == 0:
	case len(c.inCommune) < minCount:
		c.communesWithheld++
	default:
		for _, p := range c.inCommune {
			c.person(p)
		}
	}
	c.commune, c.inCommune = "", c.inCommune[:0]
}

// keepLine withholds l's small counts, and reports whether the line is
// shown at all.
func keepLine(l *partnersv1.CoverageLine) bool {
	if l.GetPeopleWithNeed() < minCount {
		return false
	}
	// with_need = covered + nearby + without: one withheld among them
	// alone is given away by the other two.
	parts := []*int32{&l.PeopleCovered, &l.PeopleWithOfferNearby, &l.PeopleWithoutAnswer}
	withheld := 0
	for _, n := range parts {
		if small(*n) {
			*n = withheldCount
			withheld++
		}
	}
	if withheld == 1 {
		shown := slices.DeleteFunc(slices.Clone(parts), func(n *int32) bool { return *n == withheldCount })
		*slices.MinFunc(shown, func(a, b *int32) int { return int(*a - *b) }) = withheldCount
	}
	if small(l.PeopleWithoutLocation) || (l.PeopleWithoutAnswer == withheldCount && l.PeopleWithoutLocation > 0) {
		l.PeopleWithoutLocation = withheldCount
	}
	return true
}

func small(n int32) bool { return n > 0 && n < minCount }
