package access_test

import (
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/auth"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// FuzzGrantRules folds any sequence of sharing events into a team and
// checks the rules that must hold whatever happened: nobody outside the
// coordination sees anything, an opposition naming the reader always
// hides its categories, santé reaches no one who is neither a health
// professional nor covered by a consent, and no role but the three of
// the field reads a file.
func FuzzGrantRules(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7}, uint8(0), false)
	f.Add([]byte{3, 3, 5, 7, 1, 0, 2}, uint8(2), true)
	orgs := []string{pcpe, sessad, ssiad, saad, other}
	f.Fuzz(func(t *testing.T, script []byte, who uint8, health bool) {
		team := &access.Team{}
		team.Evolve(&eventsv1.PersonEnrolled{PersonId: "p"}, pcpe)
		for i := 0; i+1 < len(script); i += 2 {
			op, arg := script[i]%8, script[i+1]
			org := orgs[int(arg)%len(orgs)]
			cats := access.Categories(uint16(arg)<<1) & access.All
			var ev proto.Message
			switch op {
			case 0:
				ev = &eventsv1.PartnerJoinedCoordination{OrganisationId: org, Mission: eventsv1.PartnerMission(arg % 9), Categories: cats.List()}
			case 1:
				ev = &eventsv1.PartnerLeftCoordination{OrganisationId: org}
			case 2:
				ev = &eventsv1.SharingConsentRecorded{ConsentId: string(rune('a' + arg%4)), Categories: cats.List(), OrganisationId: org}
			case 3:
				ev = &eventsv1.SharingConsentWithdrawn{ConsentId: string(rune('a' + arg%4))}
			case 4:
				ev = &eventsv1.SharingOpposed{OppositionId: string(rune('a' + arg%4)), Categories: cats.List(), OrganisationId: org}
			case 5:
				ev = &eventsv1.SharingOppositionLifted{OppositionId: string(rune('a' + arg%4))}
			case 6:
				ev = &eventsv1.CoordinatorAssigned{ProfessionalId: "c", OrganisationId: org}
			case 7:
				ev = &eventsv1.ReferentAssigned{ProfessionalId: "r", OrganisationId: org}
			}
			team.Evolve(ev, pcpe)
		}
		roles := auth.Roles()
		c := access.Caller{Subject: "x", Organisation: orgs[int(who)%len(orgs)], Role: roles[int(who/8)%len(roles)], HealthProfessional: health}
		if who%2 == 1 {
			// A plateforme acting for another member.
			c.ActingFor = []string{orgs[int(who/2+1)%len(orgs)]}
		}
		g, err := team.ReadFile(c, "2026-12-03")
		if err != nil {
			return
		}
		if team.PartOf(c.Organisation) == access.PartNone && (len(c.ActingFor) == 0 || team.PartOf(c.ActingFor[0]) == access.PartNone) {
			t.Fatalf("outsider %s granted %s", c.Organisation, g.Categories)
		}
		if c.Role == auth.RoleDPO || c.Role == auth.RoleAdministrateur {
			t.Fatalf("role %s reads a file", c.Role)
		}
		for _, op := range team.Oppositions {
			if op.Organisation == c.Organisation && g.Categories&op.Categories != 0 {
				t.Fatalf("opposition %v ignored: granted %s", op, g.Categories)
			}
		}
		if g.Categories.Has(access.Sante) && !health && !g.ByConsent.Has(access.Sante) {
			t.Fatalf("santé granted to a non health professional without consent: %+v", g)
		}
		if !g.Categories.Covers(g.ByConsent) {
			t.Fatalf("by consent %s beyond the grant %s", g.ByConsent, g.Categories)
		}
	})
}
