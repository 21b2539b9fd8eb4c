package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/auth"
	auditv1 "github.com/maillage/maillage/proto/maillage/audit/v1"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	notificationsv1 "github.com/maillage/maillage/proto/maillage/notifications/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// inboxOf lists an organisation's notifications once there are want.
func inboxOf(t *testing.T, api notificationsv1.NotificationsServiceClient, want int) []*notificationsv1.Notification {
	t.Helper()
	var got []*notificationsv1.Notification
	eventually(t, "the inbox", codes.OK, func() error {
		res, err := api.ListNotifications(ctxT(t), &notificationsv1.ListNotificationsRequest{})
		if err != nil {
			return err
		}
		if got = res.GetNotifications(); len(got) < want {
			return errors.New("not yet")
		}
		return nil
	})
	if len(got) != want {
		t.Fatalf("inbox: %v; want %d notifications", got, want)
	}
	return got
}

// A risk raised in a file is told to the organisations of its
// coordination that see its category: the coordination, a partner
// associated for a mission that covers it; each inbox counts what is not
// acknowledged, acknowledging twice changes nothing, nobody acknowledges
// another's; a partner that left the coordination finds it withheld; and
// each showing is in the person's audit trail.
func TestNotificationsInbox(t *testing.T) {
	tr := newTerritory(t)
	ctx := ctxT(t)
	_, err := tr.coord.AssociatePartner(ctx, &parcoursv1.AssociatePartnerRequest{RequestId: "savs", PersonId: tr.person,
		OrganisationId: savsFINESS, DisplayName: "SAVS Émeraude", Mission: eventsv1.PartnerMission_PARTNER_MISSION_VIE_SOCIALE})
	mustNil(t, err)
	// The foyer takes part too, but the person opposed its seeing her
	// project: it is not told of risks.
	_, err = tr.coord.AssociatePartner(ctx, &parcoursv1.AssociatePartnerRequest{RequestId: "foyer", PersonId: tr.person,
		OrganisationId: foyerFINESS, DisplayName: "Foyer Les Ajoncs", Mission: eventsv1.PartnerMission_PARTNER_MISSION_VIE_SOCIALE})
	mustNil(t, err)
	_, err = tr.coord.RecordSharingOpposition(ctx, &parcoursv1.RecordSharingOppositionRequest{RequestId: "no-foyer", PersonId: tr.person,
		Categories: []eventsv1.InformationCategory{access.Projet}, OrganisationId: foyerFINESS, Reason: "pas le foyer",
		Choice: &parcoursv1.SharingChoice{DecidedBy: eventsv1.SharingDecidedBy_SHARING_DECIDED_BY_PERSON, On: time.Now().Format(time.DateOnly)}})
	mustNil(t, err)
	_, err = tr.coord.RaiseRuptureRisk(ctx, &parcoursv1.RaiseRuptureRiskRequest{RequestId: "risk", PersonId: tr.person,
		Kind: eventsv1.RuptureKind_RUPTURE_KIND_LOSS_OF_SUPPORT, Description: "L'aide à domicile s'arrête fin du mois.",
		RaisedOn: time.Now().Format(time.DateOnly)})
	mustNil(t, err)

	coord := notificationsv1.NewNotificationsServiceClient(tr.m.client(t, coordinatrice))
	savsPrincipal := auth.Principal{Subject: "cds-savs", Organisation: savsFINESS, Role: auth.RoleProfessionnel}
	savs := notificationsv1.NewNotificationsServiceClient(tr.m.client(t, savsPrincipal))
	foyer := notificationsv1.NewNotificationsServiceClient(tr.m.client(t, auth.Principal{Subject: "cds-foyer", Organisation: foyerFINESS, Role: auth.RoleProfessionnel}))

	mine := inboxOf(t, coord, 1)[0]
	if mine.GetPersonId() != tr.person || mine.GetKind() != eventsv1.NotificationKind_NOTIFICATION_KIND_RUPTURE_RISK_RAISED ||
		mine.GetSummary() != "Risque de rupture : L'aide à domicile s'arrête fin du mois." || mine.GetWithheld() {
		t.Fatalf("the coordination is told %v", mine)
	}
	theirs := inboxOf(t, savs, 1)[0]
	if theirs.GetPersonId() != tr.person || theirs.GetNotificationId() == mine.GetNotificationId() {
		t.Fatalf("the associated SAVS is told %v; want its own notification of the risk", theirs)
	}
	if res, err := foyer.ListNotifications(ctx, &notificationsv1.ListNotificationsRequest{}); err != nil || len(res.GetNotifications()) != 0 {
		t.Fatalf("a partner that does not see the project is told %v, %v", res.GetNotifications(), err)
	}

	count := func(api notificationsv1.NotificationsServiceClient) uint64 {
		res, err := api.GetUnreadCount(ctx, &notificationsv1.GetUnreadCountRequest{})
		mustNil(t, err)
		return res.GetUnreadCount()
	}
	if n := count(coord); n != 1 {
		t.Fatalf("unread %d, want 1", n)
	}
	_, err = savs.AcknowledgeNotification(ctx, &notificationsv1.AcknowledgeNotificationRequest{NotificationId: mine.GetNotificationId()})
	wantCode(t, err, codes.NotFound)
	_, err = coord.AcknowledgeNotification(ctx, &notificationsv1.AcknowledgeNotificationRequest{NotificationId: "01JD0000000000000000000000"})
	wantCode(t, err, codes.NotFound)
	_, err = coord.AcknowledgeNotification(ctx, &notificationsv1.AcknowledgeNotificationRequest{NotificationId: "not-an-id"})
	wantCode(t, err, codes.InvalidArgument)
	for range 2 {
		_, err = coord.AcknowledgeNotification(ctx, &notificationsv1.AcknowledgeNotificationRequest{NotificationId: mine.GetNotificationId()})
		mustNil(t, err)
	}
	if n, m := count(coord), count(savs); n != 0 || m != 1 {
		t.Fatalf("after acknowledging twice: unread %d (SAVS %d), want 0 (1)", n, m)
	}
	unread, err := coord.ListNotifications(ctx, &notificationsv1.ListNotificationsRequest{OnlyUnread: true})
	mustNil(t, err)
	if len(unread.GetNotifications()) != 0 || !inboxOf(t, coord, 1)[0].GetAcknowledged() {
		t.Fatalf("acknowledged, yet listed unread: %v", unread.GetNotifications())
	}
	_, err = coord.ListNotifications(ctx, &notificationsv1.ListNotificationsRequest{PageToken: "x"})
	wantCode(t, err, codes.InvalidArgument)

	_, err = tr.coord.DissociatePartner(ctx, &parcoursv1.DissociatePartnerRequest{RequestId: "bye", PersonId: tr.person, OrganisationId: savsFINESS,
		Reason: "fin de l'accompagnement"})
	mustNil(t, err)
	var gone *notificationsv1.Notification
	eventually(t, "the SAVS's notification withheld", codes.OK, func() error {
		res, err := savs.ListNotifications(ctx, &notificationsv1.ListNotificationsRequest{})
		if err != nil {
			return err
		}
		if gone = res.GetNotifications()[0]; !gone.GetWithheld() {
			return errors.New("still shown")
		}
		return nil
	})
	if gone.GetPersonId() != "" || gone.GetSummary() != "" || gone.GetNotificationId() != theirs.GetNotificationId() {
		t.Fatalf("withheld, yet it shows %v", gone)
	}
	// A subscription withholds it the same way.
	sctx, stop := context.WithTimeout(ctx, 5*time.Second)
	defer stop()
	stream, err := savs.Subscribe(sctx, &notificationsv1.SubscribeRequest{})
	mustNil(t, err)
	first, err := stream.Recv()
	mustNil(t, err)
	if n := first.GetNotification(); !n.GetWithheld() || n.GetPersonId() != "" || n.GetSummary() != "" {
		t.Fatalf("the SAVS's subscription shows %v; want it withheld", n)
	}

	trail, err := auditv1.NewAuditServiceClient(tr.m.client(t, coordinatrice)).ListDisclosures(ctx, &auditv1.ListDisclosuresRequest{PersonId: tr.person})
	mustNil(t, err)
	shown := map[string]int{}
	for _, r := range trail.GetRecords() {
		if d := r.GetDisclosed(); d.GetKind() == eventsv1.DisclosureKind_DISCLOSURE_KIND_NOTIFICATION {
			shown[d.GetActor().GetOrganisationId()]++
		}
	}
	if shown[coordinatrice.Organisation] == 0 || shown[savsFINESS] == 0 || shown[foyerFINESS] != 0 {
		t.Fatalf("notifications shown, by organisation, in the audit trail: %v", shown)
	}
}
