package app_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"google.golang.org/grpc"

	"github.com/maillage/maillage/cmd/internal/app"
	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/natsembed"
	auditv1 "github.com/maillage/maillage/proto/maillage/audit/v1"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
)

// A territory: a person followed in Rennes with a need of social
// participation, and two partners near her in the directory.
type territory struct {
	m                    *running
	coord                parcoursv1.ParcoursServiceClient
	partners             partnersv1.PartnersServiceClient
	person, need, latest string
	consent              string // the person's consent to share identité and projet with partners asked
}

func newTerritory(t *testing.T) *territory {
	m := start(t, t.TempDir(), time.Now)
	cc := m.client(t, coordinatrice)
	waitServing(t, cc, partnersv1.PartnersService_ServiceDesc.ServiceName)
	tr := &territory{m: m, coord: parcoursv1.NewParcoursServiceClient(cc), partners: partnersv1.NewPartnersServiceClient(cc)}
	tr.populate(t)
	return tr
}

// populate enrols the person and registers the two partners.
func (tr *territory) populate(t *testing.T) {
	ctx := ctxT(t)
	lat, lon := 48.1113, -1.6800
	enrolled, err := tr.coord.EnrollPerson(ctx, &parcoursv1.EnrollPersonRequest{RequestId: "enrol", BirthDate: "2004-05-01",
		Domicile:        &parcoursv1.Domicile{CommuneInsee: "35238", Latitude: &lat, Longitude: &lon},
		PublicConcerned: eventsv1.PublicConcerned_PUBLIC_CONCERNED_DISABILITY, LegalProtection: eventsv1.LegalProtection_LEGAL_PROTECTION_CURATELLE})
	mustNil(t, err)
	tr.person = enrolled.GetPersonId()
	_, err = tr.coord.AssignCoordinator(ctx, &parcoursv1.AssignCoordinatorRequest{RequestId: "coord", PersonId: tr.person,
		ProfessionalId: coordinatrice.Subject, OrganisationId: coordinatrice.Organisation, DisplayName: "Claire Martin"})
	mustNil(t, err)
	need, err := tr.coord.IdentifyNeed(ctx, &parcoursv1.IdentifyNeedRequest{RequestId: "need", PersonId: tr.person, NeedCode: "1.3.2.1",
		Description: "Retrouver une vie sociale hors du domicile"})
	mustNil(t, err)
	tr.need = need.GetNeedId()
	_, err = tr.coord.NotifyRights(ctx, &parcoursv1.NotifyRightsRequest{RequestId: "rights", PersonId: tr.person,
		Decision: eventsv1.MdphDecision_MDPH_DECISION_AAH, StartDate: "2026-01-01", EndDate: "2030-12-31"})
	mustNil(t, err)
	// Outside her coordination, partners are told of her only with her
	// consent (CSP L.1110-4 III).
	consent, err := tr.coord.RecordSharingConsent(ctx, &parcoursv1.RecordSharingConsentRequest{RequestId: "consent", PersonId: tr.person,
		Categories: []eventsv1.InformationCategory{access.Identite, access.Projet},
		Choice:     &parcoursv1.SharingChoice{DecidedBy: eventsv1.SharingDecidedBy_SHARING_DECIDED_BY_PERSON, On: time.Now().Format(time.DateOnly)}})
	mustNil(t, err)
	tr.consent = consent.GetConsentId()
	for org, d := range map[string]*partnersv1.PartnerDetails{foyerFINESS: savsDetails("SAVS Les Ajoncs", 48.1120, -1.6750),
		savsFINESS: savsDetails("SAVS Émeraude", 48.1200, -1.7000)} {
		res, err := tr.partners.RegisterPartner(ctx, &partnersv1.RegisterPartnerRequest{RequestId: "reg-" + org, OrganisationId: org, Details: d,
			Capacity: &eventsv1.PartnerCapacity{Places: 20, AvailablePlaces: 2}})
		mustNil(t, err)
		tr.latest = res.GetPosition()
	}
}

// savsDetails: a service d'accompagnement à la vie sociale near the
// person, whose mission when engaged is vie sociale.
func savsDetails(name string, lat, lon float64) *partnersv1.PartnerDetails {
	return &partnersv1.PartnerDetails{Name: name, Kind: eventsv1.PartnerKind_PARTNER_KIND_ESSMS,
		Address:  &eventsv1.PartnerAddress{CommuneInsee: "35238", City: "Rennes"},
		Location: &eventsv1.GeoPoint{Latitude: lat, Longitude: lon},
		Offers:   []*partnersv1.OfferInput{{PrestationCode: "2.3.4"}, {PrestationCode: "2.3.1"}},
		Mission:  eventsv1.PartnerMission_PARTNER_MISSION_VIE_SOCIALE}
}

func (tr *territory) solicit(t *testing.T, id string) *partnersv1.SendSolicitationResponse {
	t.Helper()
	sent, err := tr.partners.SendSolicitation(ctxT(t), &partnersv1.SendSolicitationRequest{RequestId: id, PersonId: tr.person,
		OrganisationIds: []string{foyerFINESS, savsFINESS}, PrestationCode: "2.3.4", NeedId: tr.need,
		Message:          "Jeune femme de 22 ans, souhaite des activités de loisirs en groupe, deux après-midi par semaine.",
		SharedCategories: []eventsv1.InformationCategory{access.Identite, access.Projet},
		LegalBasis:       eventsv1.SolicitationLegalBasis_SOLICITATION_LEGAL_BASIS_CONSENT, ConsentId: tr.consent,
		ExpiresIn: durationpb.New(7 * 24 * time.Hour)})
	mustNil(t, err)
	return sent
}

func partnerClient(t *testing.T, tr *territory, org string) (partnersv1.PartnersServiceClient, parcoursv1.ParcoursServiceClient) {
	cc := tr.m.client(t, auth.Principal{Subject: "cds-" + org, Organisation: org, Role: auth.RoleProfessionnel})
	return partnersv1.NewPartnersServiceClient(cc), parcoursv1.NewParcoursServiceClient(cc)
}

// The scenario: a coordinator finds a partner for a need near
// the person, solicits it, the partner accepts with its own token, the
// engagement shows in the view and covers the need, and the partner sees
// the file only as its mission needs; every read of the solicitation is
// in the person's audit trail.
func TestSolicitationToEngagementOverGRPC(t *testing.T) {
	tr := newTerritory(t)
	ctx := ctxT(t)
	found, err := tr.partners.SearchPartners(ctx, &partnersv1.SearchPartnersRequest{PrestationCode: "2.3", NearPersonId: tr.person,
		RadiusKm: 10, MinPosition: tr.latest})
	mustNil(t, err)
	if len(found.GetResults()) != 2 || found.GetResults()[0].GetPartner().GetOrganisationId() != foyerFINESS {
		t.Fatalf("search near the person = %v; want both SAVS, the nearer first", found.GetResults())
	}
	// Near her domicile: only for who sees her identité, and audited.
	outsider := partnersv1.NewPartnersServiceClient(tr.m.client(t, auth.Principal{Subject: "x", Organisation: "750000009", Role: auth.RoleCoordinateur}))
	_, err = outsider.SearchPartners(ctx, &partnersv1.SearchPartnersRequest{PrestationCode: "2.3", NearPersonId: tr.person})
	wantCode(t, err, codes.PermissionDenied)
	sent := tr.solicit(t, "sol-1")

	ajoncs, ajoncsFiles := partnerClient(t, tr, foyerFINESS)
	received, err := ajoncs.ListSolicitations(ctx, &partnersv1.ListSolicitationsRequest{OnlyPending: true, MinPosition: sent.GetPosition()})
	mustNil(t, err)
	if len(received.GetSolicitations()) != 1 || received.GetSolicitations()[0].GetMessage() == "" ||
		received.GetSolicitations()[0].GetAnswers()[0].GetDisplayName() == "" {
		t.Fatalf("the partner's pending solicitations = %v; want the one sent, with its message and the partners' names", received)
	}
	// Before it is engaged, the partner does not read the file.
	_, err = ajoncsFiles.GetCoordinatedView(ctx, &parcoursv1.GetCoordinatedViewRequest{PersonId: tr.person})
	wantCode(t, err, codes.PermissionDenied)

	ok, err := ajoncs.AcceptSolicitation(ctx, &partnersv1.AcceptSolicitationRequest{RequestId: "acc-1", SolicitationId: sent.GetSolicitationId(),
		StartOn: time.Now().Format(time.DateOnly), Frequency: "deux après-midi par semaine"})
	mustNil(t, err)
	if ok.GetEngagementId() == "" {
		t.Fatalf("accept = %v, want an engagement", ok)
	}

	view, err := tr.coord.GetCoordinatedView(ctx, &parcoursv1.GetCoordinatedViewRequest{PersonId: tr.person, MinPosition: ok.GetPosition()})
	mustNil(t, err)
	v := view.GetView()
	if len(v.GetEngagements()) != 1 || v.GetEngagements()[0].GetOrganisationId() != foyerFINESS || len(v.GetPendingSolicitations()) != 0 ||
		v.GetEngagements()[0].GetPrestation().GetLabel() == "" {
		t.Fatalf("the view's engagements %v, pending %v; want the SAVS engaged, nothing pending", v.GetEngagements(), v.GetPendingSolicitations())
	}
	if n := v.GetNeeds()[0]; len(n.GetCoveredBy().GetEngagementIds()) != 1 || n.GetCoveredBy().GetEngagementIds()[0] != ok.GetEngagementId() {
		t.Fatalf("need %v: want it covered by the engagement %s", n, ok.GetEngagementId())
	}

	// Engaged for vie sociale: identité, vie sociale, projet; not the
	// rights (administratif), nor the legal protection.
	theirs, err := ajoncsFiles.GetCoordinatedView(ctx, &parcoursv1.GetCoordinatedViewRequest{PersonId: tr.person, MinPosition: ok.GetPosition()})
	mustNil(t, err)
	got := access.Of(theirs.GetView().GetDisclosedCategories()...)
	if got.Without(access.MissionCategories(eventsv1.PartnerMission_PARTNER_MISSION_VIE_SOCIALE)) != 0 ||
		len(theirs.GetView().GetRights()) != 0 || theirs.GetView().GetEnrolled().GetLegalProtection() != 0 || len(theirs.GetView().GetEngagements()) != 1 {
		t.Fatalf("the engaged partner sees %v (rights %v, protection %v); want its mission's categories only",
			got, theirs.GetView().GetRights(), theirs.GetView().GetEnrolled().GetLegalProtection())
	}
	// The engagement is in the file too: the partner reports a risk on it
	// (the process manager records the engagement a moment after).
	eventually(t, "a risk raised by the engaged partner", codes.OK, func() error {
		_, err := ajoncsFiles.RaiseRuptureRisk(ctx, &parcoursv1.RaiseRuptureRiskRequest{RequestId: "risk-1", PersonId: tr.person,
			Kind: eventsv1.RuptureKind_RUPTURE_KIND_OTHER, Description: "Isolement pendant les vacances du SAVS", RaisedOn: time.Now().Format(time.DateOnly)})
		return err
	})
	// The other partner asked lost the race for nothing: closed to it.
	emeraude, emeraudeFiles := partnerClient(t, tr, savsFINESS)
	_, err = emeraude.AcceptSolicitation(ctx, &partnersv1.AcceptSolicitationRequest{RequestId: "acc-2", SolicitationId: sent.GetSolicitationId(),
		StartOn: time.Now().Format(time.DateOnly), Frequency: "x"})
	wantCode(t, err, codes.FailedPrecondition)
	_, err = emeraudeFiles.GetCoordinatedView(ctx, &parcoursv1.GetCoordinatedViewRequest{PersonId: tr.person})
	wantCode(t, err, codes.PermissionDenied)
	_, err = emeraude.GetSolicitation(ctx, &partnersv1.GetSolicitationRequest{SolicitationId: sent.GetSolicitationId()})
	wantCode(t, err, codes.PermissionDenied)

	// Who saw what: the partner's read of the solicitation, and of the file.
	trail, err := auditv1.NewAuditServiceClient(tr.m.client(t, coordinatrice)).ListDisclosures(ctx, &auditv1.ListDisclosuresRequest{PersonId: tr.person})
	mustNil(t, err)
	kinds := map[string]bool{}
	for _, r := range trail.GetRecords() {
		if d := r.GetDisclosed(); d.GetActor().GetOrganisationId() == foyerFINESS {
			kinds[d.GetKind().String()+"/"+d.GetLegalBasis().String()] = true
		}
	}
	if !kinds["DISCLOSURE_KIND_SOLICITATION/LEGAL_BASIS_CONSENT"] || !kinds["DISCLOSURE_KIND_VIEW/LEGAL_BASIS_MISSION"] {
		t.Errorf("the partner's disclosures in the trail: %v; want its read of the solicitation and of the file", kinds)
	}

	// The engagement ends: it leaves the view, and the partner the file.
	ended, err := ajoncs.EndEngagement(ctx, &partnersv1.EndEngagementRequest{RequestId: "end-1", SolicitationId: sent.GetSolicitationId(),
		Outcome: eventsv1.EngagementOutcome_ENGAGEMENT_OUTCOME_DONE, Reason: eventsv1.EngagementEndReason_ENGAGEMENT_END_REASON_OBJECTIVE_REACHED,
		EndedOn: time.Now().Format(time.DateOnly)})
	mustNil(t, err)
	view, err = tr.coord.GetCoordinatedView(ctx, &parcoursv1.GetCoordinatedViewRequest{PersonId: tr.person, MinPosition: ended.GetPosition()})
	mustNil(t, err)
	if len(view.GetView().GetEngagements()) != 0 || len(view.GetView().GetNeeds()[0].GetCoveredBy().GetEngagementIds()) != 0 {
		t.Fatalf("after the end: engagements %v, need %v", view.GetView().GetEngagements(), view.GetView().GetNeeds()[0])
	}
	_, err = ajoncsFiles.GetCoordinatedView(ctx, &parcoursv1.GetCoordinatedViewRequest{PersonId: tr.person})
	wantCode(t, err, codes.PermissionDenied)
	_, err = ajoncs.GetSolicitation(ctx, &partnersv1.GetSolicitationRequest{SolicitationId: sent.GetSolicitationId(), MinPosition: ended.GetPosition()})
	wantCode(t, err, codes.PermissionDenied)
	eventually(t, "a command of the partner whose engagement ended", codes.PermissionDenied, func() error {
		_, err := ajoncsFiles.RaiseRuptureRisk(ctx, &parcoursv1.RaiseRuptureRiskRequest{RequestId: "risk-2", PersonId: tr.person,
			Kind: eventsv1.RuptureKind_RUPTURE_KIND_OTHER, Description: "Sortie du SAVS", RaisedOn: time.Now().Format(time.DateOnly)})
		return err
	})
}

// Two partners answering one solicitation at once: exactly one wins, the
// other is told it was answered; over many rounds.
func TestSolicitationRaceHasOneWinner(t *testing.T) {
	tr := newTerritory(t)
	ajoncs, _ := partnerClient(t, tr, foyerFINESS)
	emeraude, _ := partnerClient(t, tr, savsFINESS)
	for round := range 10 {
		sent := tr.solicit(t, fmt.Sprintf("race-%d", round))
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, api := range []partnersv1.PartnersServiceClient{ajoncs, emeraude} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = api.AcceptSolicitation(ctxT(t), &partnersv1.AcceptSolicitationRequest{RequestId: fmt.Sprintf("race-%d-%d", round, i),
					SolicitationId: sent.GetSolicitationId(), StartOn: time.Now().Format(time.DateOnly), Frequency: "hebdomadaire"})
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch status.Code(err) {
			case codes.OK:
				won++
			case codes.FailedPrecondition:
			default:
				t.Fatalf("round %d: an answer failed with %v", round, err)
			}
		}
		if won != 1 {
			t.Fatalf("round %d: %d partners won (%v), want exactly one", round, won, errs)
		}
		got, err := tr.partners.GetSolicitation(ctxT(t), &partnersv1.GetSolicitationRequest{SolicitationId: sent.GetSolicitationId()})
		for err != nil || got.GetSolicitation().GetEngagement() == nil {
			if err != nil && status.Code(err) != codes.Unavailable {
				t.Fatal(err)
			}
			time.Sleep(time.Millisecond) // the projection takes the accepted one in
			got, err = tr.partners.GetSolicitation(ctxT(t), &partnersv1.GetSolicitationRequest{SolicitationId: sent.GetSolicitationId()})
		}
		accepted := 0
		for _, a := range got.GetSolicitation().GetAnswers() {
			if a.GetAccepted() {
				accepted++
			}
		}
		if accepted != 1 || got.GetSolicitation().GetState() != partnersv1.SolicitationState_SOLICITATION_STATE_ACCEPTED {
			t.Fatalf("round %d: the solicitation reads %v; want one answer accepted", round, got.GetSolicitation())
		}
	}
}

// A solicitation nobody answers expires when its time comes, by the
// server's clock, even when the server was stopped across it: the pending
// ones are kept by expiry on disk, and a restart closes those past due.
func TestUnansweredSolicitationExpiresAcrossARestart(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: time.Now().UTC().Truncate(time.Second)}
	cfg := app.Config{DataDir: dir, Now: clk.Now, Sync: natsembed.SyncInterval, ExpiryEvery: 20 * time.Millisecond}
	m := startConfig(t, cfg)
	tr := &territory{m: m}
	as := func(p auth.Principal) *grpc.ClientConn {
		return m.dial(t, m.token(t, p, auth.IssuerConfig{Now: clk.Now}))
	}
	cc := as(coordinatrice)
	waitServing(t, cc, partnersv1.PartnersService_ServiceDesc.ServiceName)
	tr.coord, tr.partners = parcoursv1.NewParcoursServiceClient(cc), partnersv1.NewPartnersServiceClient(cc)
	tr.populate(t)
	sent := tr.solicit(t, "expiring") // seven days to answer
	mustNil(t, m.stop())

	clk.Advance(8 * 24 * time.Hour)
	m = startConfig(t, cfg)
	api := partnersv1.NewPartnersServiceClient(m.dial(t, m.token(t, coordinatrice, auth.IssuerConfig{Now: clk.Now})))
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := api.GetSolicitation(ctxT(t), &partnersv1.GetSolicitationRequest{SolicitationId: sent.GetSolicitationId()})
		if err == nil && got.GetSolicitation().GetState() == partnersv1.SolicitationState_SOLICITATION_STATE_EXPIRED {
			break
		}
		if err != nil && status.Code(err) != codes.Unavailable {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("a solicitation a day past its expiry reads %v, %v; want EXPIRED", got.GetSolicitation().GetState(), err)
		}
		time.Sleep(10 * time.Millisecond) // the scheduler runs every 20 ms
	}
	view, err := parcoursv1.NewParcoursServiceClient(m.dial(t, m.token(t, coordinatrice, auth.IssuerConfig{Now: clk.Now}))).
		GetCoordinatedView(ctxT(t), &parcoursv1.GetCoordinatedViewRequest{PersonId: tr.person})
	mustNil(t, err)
	if len(view.GetView().GetPendingSolicitations()) != 0 {
		t.Errorf("the expired solicitation is still pending in the view: %v", view.GetView().GetPendingSolicitations())
	}
	// Accepting it now is refused: it is closed.
	foyer := partnersv1.NewPartnersServiceClient(m.dial(t, m.token(t, auth.Principal{Subject: "x", Organisation: foyerFINESS, Role: auth.RoleProfessionnel},
		auth.IssuerConfig{Now: clk.Now})))
	_, err = foyer.AcceptSolicitation(ctxT(t), &partnersv1.AcceptSolicitationRequest{RequestId: "late", SolicitationId: sent.GetSolicitationId(),
		StartOn: clk.Now().Format(time.DateOnly), Frequency: "x"})
	wantCode(t, err, codes.FailedPrecondition)
}

// The territorial coverage counts the needs of the people followed in a
// territory against what answers them: an engagement, an offer nearby,
// or nothing (the gap).
func TestTerritorialCoverage(t *testing.T) {
	tr := newTerritory(t)
	ctx := ctxT(t)
	social, err := tr.coord.IdentifyNeed(ctx, &parcoursv1.IdentifyNeedRequest{RequestId: "need-2", PersonId: tr.person, NeedCode: "1.3.4.2",
		Description: "Participer à des activités de loisirs"})
	mustNil(t, err)
	// Eleven more people need housing in Rennes (35238): twelve in all;
	// three in Acigné (35001), too few to count.
	lat, lon := 48.1113, -1.6800
	last := social.GetPosition()
	for i, commune := range append(slices.Repeat([]string{"35238"}, 11), "35001", "35001", "35001") {
		p, err := tr.coord.EnrollPerson(ctx, &parcoursv1.EnrollPersonRequest{RequestId: fmt.Sprint("enrol-", i), BirthDate: "1990-01-01",
			Domicile: &parcoursv1.Domicile{CommuneInsee: commune, Latitude: &lat, Longitude: &lon}, PublicConcerned: eventsv1.PublicConcerned_PUBLIC_CONCERNED_DISABILITY,
			LegalProtection: eventsv1.LegalProtection_LEGAL_PROTECTION_NONE})
		mustNil(t, err)
		n, err := tr.coord.IdentifyNeed(ctx, &parcoursv1.IdentifyNeedRequest{RequestId: fmt.Sprint("need-", i), PersonId: p.GetPersonId(), NeedCode: "1.3.2.1",
			Description: "Trouver un logement adapté"})
		mustNil(t, err)
		last = n.GetPosition()
	}
	coverage := func(min string) (*partnersv1.GetTerritorialCoverageResponse, map[string]*partnersv1.CoverageLine) {
		t.Helper()
		// The coverage reads the views as they are: wait for them first.
		_, err := tr.coord.GetCoordinatedView(ctx, &parcoursv1.GetCoordinatedViewRequest{PersonId: tr.person, MinPosition: min})
		mustNil(t, err)
		res, err := tr.partners.GetTerritorialCoverage(ctx, &partnersv1.GetTerritorialCoverageRequest{Departement: "35", RadiusKm: 10})
		mustNil(t, err)
		out := map[string]*partnersv1.CoverageLine{}
		for _, l := range res.GetLines() {
			out[l.GetNeed().GetCode()] = l
		}
		return res, out
	}
	res, lines := coverage(last)
	// Counted: Rennes' twelve; Acigné is withheld, and so is social life
	// (1.3.4), a need of one person.
	if res.GetPeople() != 12 || res.GetPartners() != 2 || res.GetCommunesWithheld() != 1 || res.GetNeedsWithheld() != 1 || len(lines) != 1 {
		t.Fatalf("coverage of 35: %d people, %d partners, %d communes and %d needs withheld, lines %v; want 12, 2, 1, 1 and housing only",
			res.GetPeople(), res.GetPartners(), res.GetCommunesWithheld(), res.GetNeedsWithheld(), res.GetLines())
	}
	// Housing (1.3.2): nobody near offers 2.3.2 — the gap.
	if l := lines["1.3.2"]; l.GetPeopleWithNeed() != 12 || l.GetPeopleWithoutAnswer() != 12 || l.GetAnsweringPrestations()[0].GetCode() != "2.3.2" {
		t.Errorf("line 1.3.2 = %v; want twelve people without an answer", l)
	}
	// An engagement covers the person's housing need: one person covered
	// is withheld, and the zero that would give it away too.
	sent := tr.solicit(t, "sol-cov")
	ajoncs, _ := partnerClient(t, tr, foyerFINESS)
	ok, err := ajoncs.AcceptSolicitation(ctx, &partnersv1.AcceptSolicitationRequest{RequestId: "acc", SolicitationId: sent.GetSolicitationId(),
		StartOn: time.Now().Format(time.DateOnly), Frequency: "hebdomadaire"})
	mustNil(t, err)
	if _, lines := coverage(ok.GetPosition()); lines["1.3.2"].GetPeopleCovered() != -1 || lines["1.3.2"].GetPeopleWithOfferNearby() != -1 ||
		lines["1.3.2"].GetPeopleWithoutAnswer() != 11 {
		t.Errorf("line 1.3.2 after the engagement = %v; want covered and nearby withheld (-1), 11 without an answer", lines["1.3.2"])
	}
	// Counts, for the coordination: not for a partner; a territory named;
	// the distance in fixed steps.
	_, err = ajoncs.GetTerritorialCoverage(ctx, &partnersv1.GetTerritorialCoverageRequest{Departement: "35"})
	wantCode(t, err, codes.PermissionDenied)
	_, err = tr.partners.GetTerritorialCoverage(ctx, &partnersv1.GetTerritorialCoverageRequest{})
	wantCode(t, err, codes.InvalidArgument)
	_, err = tr.partners.GetTerritorialCoverage(ctx, &partnersv1.GetTerritorialCoverageRequest{Departement: "35", RadiusKm: 7})
	wantCode(t, err, codes.InvalidArgument)
}
