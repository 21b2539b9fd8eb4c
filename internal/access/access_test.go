package access_test

import (
	"errors"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

const (
	pcpe   = "750000001" // holds the coordination
	sessad = "750000002" // référent
	ssiad  = "750000003" // partner, soins
	saad   = "750000004" // partner, aide à domicile
	other  = "750000009" // takes no part
	plat   = "750000010" // plateforme de services
	today  = "2026-12-03"
)

// given folds events (each recorded by pcpe) into a team.
func given(events ...proto.Message) *access.Team {
	t := &access.Team{}
	for _, e := range events {
		t.Evolve(e, pcpe)
	}
	return t
}

func file(extra ...proto.Message) *access.Team {
	base := []proto.Message{
		&eventsv1.PersonEnrolled{PersonId: "p"},
		&eventsv1.CoordinatorAssigned{ProfessionalId: "claire", OrganisationId: pcpe},
		&eventsv1.ReferentAssigned{ProfessionalId: "marc", OrganisationId: sessad},
		&eventsv1.PartnerJoinedCoordination{OrganisationId: ssiad, Mission: eventsv1.PartnerMission_PARTNER_MISSION_SOINS,
			Categories: access.MissionCategories(eventsv1.PartnerMission_PARTNER_MISSION_SOINS).List()},
		&eventsv1.PartnerJoinedCoordination{OrganisationId: saad, Mission: eventsv1.PartnerMission_PARTNER_MISSION_AIDE_DOMICILE,
			// the coordinator narrowed it to identité only; a category
			// beyond the mission is never granted
			Categories: []access.Category{access.Identite, access.Sante}},
	}
	return given(append(base, extra...)...)
}

func caller(org string, role auth.Role) access.Caller {
	return access.Caller{Subject: "someone", Organisation: org, Role: role}
}

func TestReadFileGrants(t *testing.T) {
	hp := caller(ssiad, auth.RoleProfessionnel)
	hp.HealthProfessional = true
	cases := []struct {
		name  string
		team  *access.Team
		who   access.Caller
		want  access.Categories
		part  access.Part
		rule  string
		byCon access.Categories
	}{
		{name: "outsider sees nothing", team: file(), who: caller(other, auth.RoleCoordinateur), rule: "access.not_in_coordination"},
		{name: "dpo reads no file", team: file(), who: caller(pcpe, auth.RoleDPO), rule: "access.role_reads_no_file"},
		{name: "administrateur reads no file", team: file(), who: caller(pcpe, auth.RoleAdministrateur), rule: "access.role_reads_no_file"},
		{name: "coordination sees all but santé", team: file(), who: caller(pcpe, auth.RoleCoordinateur),
			want: access.All.Without(access.Of(access.Sante)), part: access.PartCoordination},
		{name: "référent sees all but santé", team: file(), who: caller(sessad, auth.RoleReferent),
			want: access.All.Without(access.Of(access.Sante)), part: access.PartReferent},
		{name: "soins partner, not a health professional", team: file(), who: caller(ssiad, auth.RoleProfessionnel),
			want: access.Of(access.Identite, access.Projet, access.Evaluations), part: access.PartPartner},
		{name: "soins partner, health professional", team: file(), who: hp,
			want: access.Of(access.Identite, access.Sante, access.Projet, access.Evaluations), part: access.PartPartner},
		{name: "narrowed partner: the subset within its mission", team: file(), who: caller(saad, auth.RoleProfessionnel),
			want: access.Of(access.Identite), part: access.PartPartner},
		{name: "consent for one organisation adds santé to it", team: file(&eventsv1.SharingConsentRecorded{ConsentId: "c1",
			Categories: []access.Category{access.Sante}, OrganisationId: saad}), who: caller(saad, auth.RoleProfessionnel),
			want: access.Of(access.Identite, access.Sante), part: access.PartPartner, byCon: access.Of(access.Sante)},
		{name: "consent for another organisation adds nothing", team: file(&eventsv1.SharingConsentRecorded{ConsentId: "c1",
			Categories: []access.Category{access.Sante}, OrganisationId: ssiad}), who: caller(saad, auth.RoleProfessionnel),
			want: access.Of(access.Identite), part: access.PartPartner},
		{name: "expired consent adds nothing", team: file(&eventsv1.SharingConsentRecorded{ConsentId: "c1",
			Categories: []access.Category{access.Sante}, ExpiresOn: "2026-12-02"}), who: caller(pcpe, auth.RoleCoordinateur),
			want: access.All.Without(access.Of(access.Sante)), part: access.PartCoordination},
		{name: "withdrawn consent adds nothing", team: file(
			&eventsv1.SharingConsentRecorded{ConsentId: "c1", Categories: []access.Category{access.Sante}},
			&eventsv1.SharingConsentWithdrawn{ConsentId: "c1"}), who: caller(pcpe, auth.RoleCoordinateur),
			want: access.All.Without(access.Of(access.Sante)), part: access.PartCoordination},
		{name: "opposition to all but the holder hides from the référent", team: file(&eventsv1.SharingOpposed{OppositionId: "o1",
			Categories: []access.Category{access.VieSociale}}), who: caller(sessad, auth.RoleReferent),
			want: access.All.Without(access.Of(access.Sante, access.VieSociale)), part: access.PartReferent},
		{name: "opposition to all but the holder leaves the holder", team: file(&eventsv1.SharingOpposed{OppositionId: "o1",
			Categories: []access.Category{access.VieSociale}}), who: caller(pcpe, auth.RoleCoordinateur),
			want: access.All.Without(access.Of(access.Sante)), part: access.PartCoordination},
		{name: "opposition wins over consent and mission", team: file(
			&eventsv1.SharingConsentRecorded{ConsentId: "c1", Categories: []access.Category{access.Sante}},
			&eventsv1.SharingOpposed{OppositionId: "o1", Categories: []access.Category{access.Sante, access.Projet}, OrganisationId: ssiad}),
			who: hp, want: access.Of(access.Identite, access.Evaluations), part: access.PartPartner},
		{name: "lifted opposition hides nothing", team: file(
			&eventsv1.SharingOpposed{OppositionId: "o1", Categories: []access.Category{access.Projet}, OrganisationId: saad},
			&eventsv1.SharingOppositionLifted{OppositionId: "o1"}), who: caller(saad, auth.RoleProfessionnel),
			want: access.Of(access.Identite), part: access.PartPartner},
		{name: "partner gone sees nothing", team: file(&eventsv1.PartnerLeftCoordination{OrganisationId: ssiad}),
			who: caller(ssiad, auth.RoleProfessionnel), rule: "access.not_in_coordination"},
		{name: "plateforme without delegation sees nothing", team: file(), who: caller(plat, auth.RoleCoordinateur), rule: "access.not_in_coordination"},
		{name: "plateforme sees what the delegating member sees", team: file(),
			who:  access.Caller{Subject: "p", Organisation: plat, Role: auth.RoleProfessionnel, ActingFor: []string{other, saad}},
			want: access.Of(access.Identite), part: access.PartPartner},
		{name: "an opposition naming a plateforme holds over its delegations", team: file(&eventsv1.SharingOpposed{OppositionId: "o1",
			Categories: []access.Category{access.VieSociale}, OrganisationId: saad}),
			who:  access.Caller{Subject: "p", Organisation: saad, Role: auth.RoleProfessionnel, ActingFor: []string{sessad}},
			want: access.All.Without(access.Of(access.Sante, access.VieSociale)), part: access.PartReferent},
		{name: "new coordinator's organisation holds the file", team: file(&eventsv1.CoordinatorAssigned{ProfessionalId: "lea", OrganisationId: other}),
			who: caller(other, auth.RoleProfessionnel), want: access.All.Without(access.Of(access.Sante)), part: access.PartCoordination},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g, err := tc.team.ReadFile(tc.who, today)
			if tc.rule != "" {
				var de *derrors.DeniedError
				if !errors.As(err, &de) || de.Rule != tc.rule {
					t.Fatalf("ReadFile = %+v, %v; want denied by %s", g, err, tc.rule)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadFile: %v", err)
			}
			if len(tc.who.ActingFor) > 0 && g.Categories.Without(access.Of(access.Identite)) != 0 && !g.Delegated {
				t.Errorf("a grant through a member is not marked delegated: %+v", g)
			}
			if g.Categories != tc.want || g.Part != tc.part || g.ByConsent != tc.byCon {
				t.Errorf("grant = part %d, %s (by consent: %s); want part %d, %s (by consent: %s)",
					g.Part, g.Categories, g.ByConsent, tc.part, tc.want, tc.byCon)
			}
		})
	}
}

func TestAuthorizeCommands(t *testing.T) {
	discharge := access.Need{Action: "discharge the person", Coordination: true}
	resolve := access.Need{Action: "resolve a rupture", Coordination: true, Referent: true}
	entourage := access.Need{Action: "add an entourage member", Categories: access.Of(access.VieSociale)}
	healthNeed := access.Need{Action: "identify a need", Categories: access.Of(access.Sante)}
	claire := access.Caller{Subject: "claire", Organisation: pcpe, Role: auth.RoleProfessionnel}
	marc := access.Caller{Subject: "marc", Organisation: sessad, Role: auth.RoleReferent}
	cases := []struct {
		name string
		who  access.Caller
		need access.Need
		rule string
	}{
		{"named coordinator discharges", claire, discharge, ""},
		{"coordinateur of the holder discharges", caller(pcpe, auth.RoleCoordinateur), discharge, ""},
		{"professionnel of the holder may not discharge", caller(pcpe, auth.RoleProfessionnel), discharge, "access.coordination_only"},
		{"référent may not discharge", marc, discharge, "access.coordination_only"},
		{"référent resolves a rupture", marc, resolve, ""},
		{"coordinateur of a partner may not discharge", caller(ssiad, auth.RoleCoordinateur), discharge, "access.coordination_only"},
		{"outsider may not", caller(other, auth.RoleCoordinateur), entourage, "access.not_in_coordination"},
		{"dpo writes nothing", caller(pcpe, auth.RoleDPO), entourage, "access.role_writes_no_file"},
		{"partner without vie sociale may not add entourage", caller(ssiad, auth.RoleProfessionnel), entourage, "access.category_not_granted"},
		{"holder writes entourage", caller(pcpe, auth.RoleProfessionnel), entourage, ""},
		{"santé needs a health professional or consent", claire, healthNeed, "access.category_not_granted"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := file().Authorize(tc.who, tc.need, today)
			var de *derrors.DeniedError
			switch {
			case tc.rule == "" && err != nil:
				t.Fatalf("Authorize: %v; want allowed", err)
			case tc.rule != "" && (!errors.As(err, &de) || de.Rule != tc.rule):
				t.Fatalf("Authorize = %v; want denied by %s", err, tc.rule)
			}
		})
	}
}

func TestReadAudit(t *testing.T) {
	team := file()
	if err := team.ReadAudit(caller(ssiad, auth.RoleDPO)); err != nil {
		t.Errorf("dpo of a partner: %v", err)
	}
	if err := team.ReadAudit(caller(pcpe, auth.RoleCoordinateur)); err != nil {
		t.Errorf("coordinateur of the holder: %v", err)
	}
	if err := team.ReadAudit(caller(other, auth.RoleDPO)); !errors.Is(err, derrors.ErrPermission) {
		t.Errorf("dpo of an outsider: %v; want denied", err)
	}
	if err := team.ReadAudit(caller(ssiad, auth.RoleProfessionnel)); !errors.Is(err, derrors.ErrPermission) {
		t.Errorf("professionnel of a partner: %v; want denied", err)
	}
}

func TestEnrolmentRoles(t *testing.T) {
	for _, r := range auth.Roles() {
		err := access.AuthorizeEnrolment(caller(pcpe, r))
		want := r == auth.RoleCoordinateur || r == auth.RoleReferent
		if (err == nil) != want {
			t.Errorf("role %s: %v", r, err)
		}
	}
}
