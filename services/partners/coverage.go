package partners

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/kit"
	"github.com/maillage/maillage/internal/serafin"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
	"github.com/maillage/maillage/services/partners/geo"
)

// Territory reads the people followed in a territory, for the coverage
// of their needs: Files implementations that can list them implement it
// (the parcours views' territory index).
type Territory interface {
	// PeopleIn calls fn with each person followed whose domicile's
	// commune code starts with prefix, with their domicile and open
	// needs, until fn returns false.
	PeopleIn(prefix string, fn func(*parcoursv1.CoordinatedView) bool) error
}

// coverageLevel groups needs by their branch at this depth (1.3.4), so
// that a territory reads in a few dozen lines.
const coverageLevel = 3

// GetTerritorialCoverage sets the open needs of the people followed in a
// territory against what answers them: an engagement, or a partner
// offering an answering prestation within the distance of their domicile
// (serafin.Answering). It counts people and names none, under statistical
// secrecy (secrecy.go), so that no count says something of someone; it is
// the coordination's and administrateurs' tool, and each query is logged.
func (s *Service) GetTerritorialCoverage(ctx context.Context, req *partnersv1.GetTerritorialCoverageRequest) (*partnersv1.GetTerritorialCoverageResponse, error) {
	caller, err := s.kit.Caller(ctx)
	if err != nil {
		return nil, kit.Status(err)
	}
	if caller.Role != auth.RoleCoordinateur && caller.Role != auth.RoleAdministrateur {
		return nil, kit.Status(derrors.Denied("partners.coverage_role", "the territorial coverage is the coordination's and administrateurs'"))
	}
	if (req.GetDepartement() == "") == (len(req.GetCommunesInsee()) == 0) {
		return nil, kit.Status(derrors.Invalid("departement", "name the territory: a département, or communes (one of the two)"))
	}
	people, ok := s.cfg.Files.(Territory)
	if !ok || s.cfg.Files == nil {
		return nil, kit.Status(derrors.Rejected("partners.no_files", "", "this instance does not run the parcours service: the coverage needs people's files"))
	}
	if err := kit.Ready(s.runner, "the directory"); err != nil {
		return nil, err
	}
	radius := cmp.Or(req.GetRadiusKm(), defaultRadiusKm) * 1000
	c := newCoverage(s.directory, radius)
	prefixes := req.GetCommunesInsee()
	if d := req.GetDepartement(); d != "" {
		prefixes = []string{d}
	}
	s.cfg.Logger.InfoContext(ctx, "territorial coverage queried", "organisation", caller.Organisation, "subject", caller.Subject,
		"departement", req.GetDepartement(), "communes", len(req.GetCommunesInsee()), "radius_km", radius/1000)
	for _, prefix := range prefixes {
		if err := people.PeopleIn(prefix, func(p *parcoursv1.CoordinatedView) bool {
			c.add(p)
			return ctx.Err() == nil
		}); err != nil {
			return nil, kit.Status(err)
		}
		c.communeDone()
	}
	if ctx.Err() != nil {
		return nil, kit.Status(ctx.Err())
	}
	lines, withheld := c.lines()
	out := &partnersv1.GetTerritorialCoverageResponse{People: int32(c.people), Lines: lines,
		CommunesWithheld: int32(c.communesWithheld), NeedsWithheld: int32(withheld)}
	q := Query{Departement: req.GetDepartement()}
	if q.Departement == "" {
		q.Commune = prefixes[0]
	}
	if found, err := s.directory.Search(q); err == nil {
		out.Partners = int32(len(found))
	}
	return out, nil
}

// coverage adds up a territory's needs.
type coverage struct {
	dir    *Directory
	radius float64
	people int
	// commune and its people, counted once it is known that at least
	// minCount are followed there (communeDone).
	commune          string
	inCommune        []*parcoursv1.CoordinatedView
	communesWithheld int
	byNeed           map[string]*partnersv1.CoverageLine
	nearby           map[string]bool // prestation and geohash cell of a domicile → an offer within the radius
}

func newCoverage(dir *Directory, radius float64) *coverage {
	return &coverage{dir: dir, radius: radius, byNeed: map[string]*partnersv1.CoverageLine{}, nearby: map[string]bool{}}
}

// branch is the need's code at coverageLevel.
func branch(code string) string {
	parts := strings.Split(code, ".")
	return strings.Join(parts[:min(len(parts), coverageLevel)], ".")
}

func (c *coverage) person(p *parcoursv1.CoordinatedView) {
	c.people++
	d := p.GetEnrolled().GetDomicile()
	var at *geo.Point
	if d.Latitude != nil && d.Longitude != nil {
		at = &geo.Point{Lat: d.GetLatitude(), Lon: d.GetLongitude()}
	}
	counted := map[string]bool{} // a person counts once per line
	for _, n := range p.GetNeeds() {
		b := branch(n.GetCode().GetCode())
		if counted[b] {
			continue
		}
		counted[b] = true
		line := c.line(b)
		line.PeopleWithNeed++
		switch {
		case len(n.GetCoveredBy().GetEngagementIds()) > 0:
			line.PeopleCovered++
		case at == nil:
			line.PeopleWithoutLocation++
			line.PeopleWithoutAnswer++
		case c.offerNear(*at, b):
			line.PeopleWithOfferNearby++
		default:
			line.PeopleWithoutAnswer++
		}
	}
}

func (c *coverage) line(b string) *partnersv1.CoverageLine {
	if l, ok := c.byNeed[b]; ok {
		return l
	}
	l := &partnersv1.CoverageLine{Need: &parcoursv1.SerafinCode{System: serafin.System, Version: serafin.Version, Code: b}}
	if e, ok := serafin.Default().Lookup(b); ok {
		l.Need.Label = e.Label
	}
	for _, p := range serafin.Answering(b) {
		code := &parcoursv1.SerafinCode{System: serafin.System, Version: serafin.Version, Code: p}
		if e, ok := serafin.Default().Lookup(p); ok {
			code.Label = e.Label
		}
		l.AnsweringPrestations = append(l.AnsweringPrestations, code)
	}
	c.byNeed[b] = l
	return l
}

// offerNear reports whether a partner offers an answering prestation
// within the radius of at; answers are shared by the domiciles of a
// geohash cell of ~150 m.
func (c *coverage) offerNear(at geo.Point, need string) bool {
	key := need + "/" + geo.Geohash(at, 7)
	if v, ok := c.nearby[key]; ok {
		return v
	}
	found := false
	for _, p := range serafin.Answering(need) {
		if hits, err := c.dir.Search(Query{Prestation: p, Near: &at, Radius: c.radius}); err == nil && len(hits) > 0 {
			found = true
			break
		}
	}
	c.nearby[key] = found
	return found
}

// lines are the territory's lines, most people without an answer first,
// under statistical secrecy; withheld counts the needs left out.
func (c *coverage) lines() (out []*partnersv1.CoverageLine, withheld int) {
	for _, l := range c.byNeed {
		if !keepLine(l) {
			withheld++
			continue
		}
		out = append(out, l)
	}
	slices.SortFunc(out, func(a, b *partnersv1.CoverageLine) int {
		return cmp.Or(cmp.Compare(b.GetPeopleWithoutAnswer(), a.GetPeopleWithoutAnswer()),
			serafin.CompareCodes(a.GetNeed().GetCode(), b.GetNeed().GetCode()))
	})
	return out, withheld
}
