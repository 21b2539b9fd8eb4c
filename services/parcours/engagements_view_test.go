package parcours

import (
	"slices"
	"testing"
	"time"

	"github.com/maillage/maillage/internal/access"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// A solicitation stays pending while a partner asked may still answer;
// once every one declined it is declined in the view, since nothing more
// comes in its stream.
func TestDeclinesCloseASolicitationInTheView(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	view := &parcoursv1.CoordinatedView{PersonId: "p"}
	foldSolicitation(view, "s1", &eventsv1.SolicitationSent{OrganisationIds: []string{"A", "B"},
		Prestation: &eventsv1.SerafinCode{Code: "2.3.1.1"}}, at)

	foldSolicitation(view, "s1", &eventsv1.SolicitationDeclined{OrganisationId: "A"}, at)
	foldSolicitation(view, "s1", &eventsv1.SolicitationDeclined{OrganisationId: "A"}, at) // redelivered
	if len(view.PendingSolicitations) != 1 || !slices.Equal(view.PendingSolicitations[0].GetDeclinedBy(), []string{"A"}) {
		t.Fatalf("after A declined: pending %v; want s1 pending, declined by A", view.PendingSolicitations)
	}

	foldSolicitation(view, "s1", &eventsv1.SolicitationDeclined{OrganisationId: "B"}, at)
	if len(view.PendingSolicitations) != 0 || len(view.DeclinedSolicitations) != 1 ||
		!slices.Equal(view.DeclinedSolicitations[0].GetDeclinedBy(), []string{"A", "B"}) {
		t.Fatalf("after both declined: pending %v, declined %v; want s1 declined by A and B",
			view.PendingSolicitations, view.DeclinedSolicitations)
	}
}

// A solicitation or an engagement for soins (2.1) is santé: a partner the
// person shares the projet with, but not santé, does not see it, unless
// it is its own engagement.
func TestSoinsSolicitationsAreSante(t *testing.T) {
	soins := &parcoursv1.SerafinCode{Code: "2.1.1.1"}
	view := func() *parcoursv1.CoordinatedView {
		return &parcoursv1.CoordinatedView{
			PendingSolicitations:  []*parcoursv1.PendingSolicitation{{SolicitationId: "s1", Prestation: soins}},
			DeclinedSolicitations: []*parcoursv1.PendingSolicitation{{SolicitationId: "s2", Prestation: soins}},
			Engagements: []*parcoursv1.PartnerEngagement{
				{EngagementId: "e1", OrganisationId: "SSIAD", Prestation: soins},
				{EngagementId: "e2", OrganisationId: "SAVS", Prestation: &parcoursv1.SerafinCode{Code: "2.3.1.1"}},
			},
		}
	}
	projetOnly := access.Of(access.Projet)

	v := view()
	redact(v, access.Grant{Part: access.PartPartner, Via: "SAVS", Categories: projetOnly})
	if len(v.PendingSolicitations) != 0 || len(v.DeclinedSolicitations) != 0 || len(v.Engagements) != 1 || v.Engagements[0].GetEngagementId() != "e2" {
		t.Errorf("a partner without santé sees pending %v, declined %v, engagements %v; want only e2",
			v.PendingSolicitations, v.DeclinedSolicitations, v.Engagements)
	}

	v = view()
	redact(v, access.Grant{Part: access.PartPartner, Via: "SSIAD", Categories: projetOnly})
	if len(v.Engagements) != 2 {
		t.Errorf("the SSIAD without santé sees engagements %v; want its own soins engagement too", v.Engagements)
	}

	v = view()
	redact(v, access.Grant{Part: access.PartPartner, Via: "SAVS", Categories: projetOnly | access.Of(access.Sante)})
	if len(v.PendingSolicitations) != 1 || len(v.DeclinedSolicitations) != 1 || len(v.Engagements) != 2 {
		t.Errorf("a partner with santé sees pending %v, declined %v, engagements %v; want all",
			v.PendingSolicitations, v.DeclinedSolicitations, v.Engagements)
	}
}
