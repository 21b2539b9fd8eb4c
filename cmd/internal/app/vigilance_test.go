package app_test

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/maillage/maillage/cmd/internal/app"
	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/calendar"
	"github.com/maillage/maillage/internal/natsembed"
	auditv1 "github.com/maillage/maillage/proto/maillage/audit/v1"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	notificationsv1 "github.com/maillage/maillage/proto/maillage/notifications/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
)

// clockedTerritory is a territory served by a maillaged whose clock the
// test moves, and which it stops and starts again on the same data.
type clockedTerritory struct {
	territory
	clk *clock
	cfg app.Config
}

func newClockedTerritory(t *testing.T) *clockedTerritory {
	clk := &clock{t: time.Now().UTC().Truncate(time.Second)}
	ct := &clockedTerritory{clk: clk, cfg: app.Config{DataDir: t.TempDir(), Now: clk.Now, Sync: natsembed.SyncInterval,
		VigilanceEvery: 20 * time.Millisecond, ExpiryEvery: 20 * time.Millisecond}}
	ct.start(t)
	ct.populate(t)
	return ct
}

// start serves the territory's data with the clock where it is.
func (ct *clockedTerritory) start(t *testing.T) {
	t.Helper()
	ct.m = startConfig(t, ct.cfg)
	cc := ct.as(t, coordinatrice)
	waitServing(t, cc, partnersv1.PartnersService_ServiceDesc.ServiceName)
	ct.coord, ct.partners = parcoursv1.NewParcoursServiceClient(cc), partnersv1.NewPartnersServiceClient(cc)
}

func (ct *clockedTerritory) restart(t *testing.T, advance time.Duration) {
	t.Helper()
	mustNil(t, ct.m.stop())
	ct.clk.Advance(advance)
	ct.start(t)
}

func (ct *clockedTerritory) as(t *testing.T, p auth.Principal) *grpc.ClientConn {
	return ct.m.dial(t, ct.m.token(t, p, auth.IssuerConfig{Now: ct.clk.Now}))
}

// risks returns the person's risks of rupture as the coordinatrice reads
// them now.
func (ct *clockedTerritory) risks(t *testing.T) []*parcoursv1.RuptureRisk {
	t.Helper()
	var view *parcoursv1.GetCoordinatedViewResponse
	eventually(t, "the coordinated view", codes.OK, func() error {
		var err error
		view, err = ct.coord.GetCoordinatedView(ctxT(t), &parcoursv1.GetCoordinatedViewRequest{PersonId: ct.person})
		return err
	})
	return view.GetView().GetRisks()
}

// settle lets the vigilance run a few rounds (every 20 ms).
func settle() { time.Sleep(300 * time.Millisecond) }

// subscription is a live Subscribe of one organisation's notifications.
type subscription struct {
	got    chan *notificationsv1.Notification
	ended  chan error // the stream's end
	cancel context.CancelFunc
}

func (ct *clockedTerritory) subscribe(t *testing.T, p auth.Principal, after uint64) *subscription {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	stream, err := notificationsv1.NewNotificationsServiceClient(ct.as(t, p)).Subscribe(ctx, &notificationsv1.SubscribeRequest{AfterCursor: after})
	mustNil(t, err)
	s := &subscription{got: make(chan *notificationsv1.Notification, 64), ended: make(chan error, 1), cancel: cancel}
	go func() {
		for {
			r, err := stream.Recv()
			if err != nil {
				s.ended <- err
				return
			}
			s.got <- r.GetNotification()
		}
	}()
	return s
}

// next waits for the next notification; nil when none comes in wait. The
// stream must stay open meanwhile.
func (s *subscription) next(t *testing.T, wait time.Duration) *notificationsv1.Notification {
	t.Helper()
	select {
	case n := <-s.got:
		return n
	case err := <-s.ended:
		t.Fatalf("the subscription ended: %v", err)
	case <-time.After(wait):
	}
	return nil
}

// A transition 90 days ahead with no receiving partner: nothing until 60
// days before it, one risk then — even when the server was stopped across
// the threshold, and however often it starts again — told to the
// coordination's subscription, which reconnects across restarts with no
// gap and no repeat; the risk resolved, and that told too, when the foyer
// accepts a solicitation for that transition.
func TestTransitionNotSecuredRaisesOneRiskAcrossRestarts(t *testing.T) {
	ct := newClockedTerritory(t)
	date := calendar.Today(ct.clk.Now().AddDate(0, 0, 90))
	moved, err := ct.coord.AnticipateTransition(ctxT(t), &parcoursv1.AnticipateTransitionRequest{RequestId: "foyer", PersonId: ct.person,
		Kind: eventsv1.TransitionKind_TRANSITION_KIND_ENTREE_ETABLISSEMENT, FromSetting: "domicile familial", ToSetting: "foyer de vie",
		PlannedDate: date})
	mustNil(t, err)
	sub := ct.subscribe(t, coordinatrice, 0)
	settle()
	if r := ct.risks(t); len(r) != 0 {
		t.Fatalf("90 days ahead: risks %v, want none", r)
	}
	if n := sub.next(t, 300*time.Millisecond); n != nil {
		t.Fatalf("90 days ahead: notified %v", n)
	}

	ct.restart(t, 29*24*time.Hour) // 61 days ahead
	settle()
	if r := ct.risks(t); len(r) != 0 {
		t.Fatalf("61 days ahead: risks %v, want none", r)
	}

	ct.restart(t, 24*time.Hour) // 60 days ahead, reached while stopped
	sub = ct.subscribe(t, coordinatrice, 0)
	raised := sub.next(t, 10*time.Second)
	if raised.GetKind() != eventsv1.NotificationKind_NOTIFICATION_KIND_RUPTURE_RISK_RAISED || raised.GetPersonId() != ct.person ||
		raised.GetRule() != "transition.not_secured" || raised.GetCursor() == 0 || raised.GetWithheld() {
		t.Fatalf("60 days ahead, the coordination is told %v; want the risk raised", raised)
	}
	trail, err := auditv1.NewAuditServiceClient(ct.as(t, coordinatrice)).ListDisclosures(ctxT(t), &auditv1.ListDisclosuresRequest{PersonId: ct.person})
	mustNil(t, err)
	audited := false
	for _, r := range trail.GetRecords() {
		d := r.GetDisclosed()
		audited = audited || (d.GetKind() == eventsv1.DisclosureKind_DISCLOSURE_KIND_NOTIFICATION && d.GetDetail() == "notification "+raised.GetNotificationId())
	}
	if !audited {
		t.Fatal("the notification received on the subscription is not in the person's audit trail")
	}
	ct.restart(t, time.Hour) // a restart on the same day repeats nothing,
	_, err = ct.coord.IdentifyNeed(ctxT(t), &parcoursv1.IdentifyNeedRequest{RequestId: "need-2", PersonId: ct.person, NeedCode: "1.3.4.2",
		Description: "Gérer son budget"}) // nor a check of the file after it
	mustNil(t, err)
	settle()
	risks := ct.risks(t)
	if len(risks) != 1 || risks[0].GetRule() != "transition.not_secured" || risks[0].GetTransitionId() != moved.GetTransitionId() ||
		risks[0].GetState() != parcoursv1.RuptureState_RUPTURE_STATE_OPEN || risks[0].GetRiskId() != raised.GetSubjectId() {
		t.Fatalf("60 days ahead, across two restarts: risks %v; want one open transition.not_secured on the transition", risks)
	}
	sub = ct.subscribe(t, coordinatrice, raised.GetCursor()) // reconnects after what it received

	sent, err := ct.partners.SendSolicitation(ctxT(t), &partnersv1.SendSolicitationRequest{RequestId: "foyer", PersonId: ct.person,
		OrganisationIds: []string{foyerFINESS}, PrestationCode: "2.3.4", TransitionId: moved.GetTransitionId(),
		Message:          "Entrée en foyer de vie prévue, accueil à préparer.",
		SharedCategories: []eventsv1.InformationCategory{access.Identite, access.Projet},
		LegalBasis:       eventsv1.SolicitationLegalBasis_SOLICITATION_LEGAL_BASIS_CONSENT, ConsentId: ct.consent,
		ExpiresIn: durationpb.New(7 * 24 * time.Hour)})
	mustNil(t, err)
	foyer := partnersv1.NewPartnersServiceClient(ct.as(t, auth.Principal{Subject: "cds-foyer", Organisation: foyerFINESS, Role: auth.RoleProfessionnel}))
	_, err = foyer.AcceptSolicitation(ctxT(t), &partnersv1.AcceptSolicitationRequest{RequestId: "accept", SolicitationId: sent.GetSolicitationId(),
		StartOn: date, Frequency: "accueil permanent"})
	mustNil(t, err)
	resolved := sub.next(t, 10*time.Second)
	if resolved.GetKind() != eventsv1.NotificationKind_NOTIFICATION_KIND_RUPTURE_RESOLVED || resolved.GetSubjectId() != raised.GetSubjectId() ||
		resolved.GetCursor() <= raised.GetCursor() || resolved.GetRule() != "transition.not_secured" {
		t.Fatalf("the foyer engaged: the coordination is told %v; want the risk %s resolved, after cursor %d", resolved, raised.GetSubjectId(), raised.GetCursor())
	}
	if more := sub.next(t, 300*time.Millisecond); more != nil {
		t.Fatalf("told more than the resolution: %v", more)
	}
	risks = ct.risks(t)
	if len(risks) != 1 || risks[0].GetState() != parcoursv1.RuptureState_RUPTURE_STATE_RESOLVED {
		t.Fatalf("the foyer engaged for the transition: risks %v; want the one risk resolved", risks)
	}
}

// An organisation sets its own thresholds (administrateur): the files it
// holds are checked again at once with them — a transition 90 days ahead
// is at risk when it wants partners engaged 100 days before.
func TestVigilanceThresholdsPerOrganisation(t *testing.T) {
	ct := newClockedTerritory(t)
	ctx := ctxT(t)
	_, err := ct.coord.AnticipateTransition(ctx, &parcoursv1.AnticipateTransitionRequest{RequestId: "foyer", PersonId: ct.person,
		Kind: eventsv1.TransitionKind_TRANSITION_KIND_ENTREE_ETABLISSEMENT, FromSetting: "domicile familial", ToSetting: "foyer de vie",
		PlannedDate: calendar.Today(ct.clk.Now().AddDate(0, 0, 90))})
	mustNil(t, err)
	settle()
	if r := ct.risks(t); len(r) != 0 {
		t.Fatalf("90 days ahead with the defaults: risks %v", r)
	}
	hundred := uint32(100)
	set := &parcoursv1.SetVigilanceThresholdsRequest{RequestId: "t1", Thresholds: &parcoursv1.VigilanceThresholds{TransitionSecuredDays: &hundred}}
	_, err = ct.coord.SetVigilanceThresholds(ctx, set)
	wantCode(t, err, codes.PermissionDenied) // a coordinatrice does not configure her organisation
	admin := parcoursv1.NewParcoursServiceClient(ct.as(t, auth.Principal{Subject: "admin", Organisation: coordinatrice.Organisation,
		Role: auth.RoleAdministrateur}))
	zero := uint32(0)
	_, err = admin.SetVigilanceThresholds(ctx, &parcoursv1.SetVigilanceThresholdsRequest{RequestId: "t0",
		Thresholds: &parcoursv1.VigilanceThresholds{RightsExpiringMonths: &zero}})
	wantCode(t, err, codes.InvalidArgument)
	_, err = admin.SetVigilanceThresholds(ctx, set)
	mustNil(t, err)
	got, err := admin.GetVigilanceThresholds(ctx, &parcoursv1.GetVigilanceThresholdsRequest{})
	mustNil(t, err)
	if got.GetEffective().GetTransitionSecuredDays() != 100 || got.GetEffective().GetNoCoordinatorDays() != 15 ||
		got.GetThresholds().NoCoordinatorDays != nil || got.GetDefaults().GetTransitionSecuredDays() != 60 {
		t.Fatalf("thresholds %v", got)
	}
	waitFor(t, "the transition at risk with the organisation's threshold", func() bool {
		r := ct.risks(t)
		return len(r) == 1 && r[0].GetRule() == "transition.not_secured"
	})
}
