package notifications

import (
	"context"
	"strconv"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/kit"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	notificationsv1 "github.com/maillage/maillage/proto/maillage/notifications/v1"
)

const defaultPageSize = 20

// caller returns who calls; its organisation's inbox is the one read.
func (s *Service) caller(ctx context.Context) (access.Caller, error) {
	c, err := s.kit.Caller(ctx)
	if err != nil {
		return access.Caller{}, kit.Status(err)
	}
	if err := kit.Ready(s.inboxRunner, "the inboxes"); err != nil {
		return access.Caller{}, err
	}
	return c, nil
}

func (s *Service) present(c access.Caller, n *notificationsv1.Notification) (*notificationsv1.Notification, *kit.Disclosure) {
	return present(s.cfg.Teams, s.kit.Today(), c, n)
}

// present returns what the caller may see of n now, and the disclosure
// to record when it shows a person's information: withheld when the
// caller's organisation no longer sees that category of the person.
func present(teams access.Teams, today string, c access.Caller, n *notificationsv1.Notification) (*notificationsv1.Notification, *kit.Disclosure) {
	if n.GetPersonId() == "" {
		return n, nil
	}
	team, ok := teams.TeamOf(n.GetPersonId())
	if ok {
		grant, err := team.ReadFile(c, today)
		if err == nil && grant.Categories.Has(n.GetCategory()) {
			return n, &kit.Disclosure{PersonID: n.GetPersonId(), Grant: grant, Categories: access.Of(n.GetCategory()),
				Kind: eventsv1.DisclosureKind_DISCLOSURE_KIND_NOTIFICATION, Detail: "notification " + n.GetNotificationId()}
		}
	}
	w := proto.Clone(n).(*notificationsv1.Notification)
	w.PersonId, w.Summary, w.SubjectId, w.Withheld = "", "", "", true
	return w, nil
}

// ListNotifications returns a page of the caller's organisation's
// notifications, newest first.
func (s *Service) ListNotifications(ctx context.Context, req *notificationsv1.ListNotificationsRequest) (*notificationsv1.ListNotificationsResponse, error) {
	c, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := kit.WaitForStored(ctx, s.inboxRunner, s.cfg.ViewWait); err != nil {
		return nil, err
	}
	var before uint64
	if tok := req.GetPageToken(); tok != "" {
		if before, err = strconv.ParseUint(tok, 10, 64); err != nil || before == 0 {
			return nil, kit.Status(derrors.Invalid("page_token", "%q is no page token of this list", tok))
		}
	}
	size := int(req.GetPageSize())
	if size == 0 {
		size = defaultPageSize
	}
	page, err := s.inboxes.Before(c.Organisation, before, size+1, req.GetOnlyUnread())
	if err != nil {
		return nil, kit.Status(err)
	}
	out := &notificationsv1.ListNotificationsResponse{}
	if len(page) > size {
		page = page[:size]
		out.NextPageToken = strconv.FormatUint(page[size-1].GetCursor(), 10)
	}
	var shown []kit.Disclosure
	for _, n := range page {
		p, d := s.present(c, n)
		out.Notifications = append(out.Notifications, p)
		if d != nil {
			shown = append(shown, *d)
		}
	}
	if err := s.kit.DisclosedAll(ctx, shown); err != nil {
		return nil, kit.Status(err)
	}
	return out, nil
}

// Subscribe sends the caller's organisation's notifications after the
// cursor, then each new one, until the caller hangs up.
func (s *Service) Subscribe(req *notificationsv1.SubscribeRequest, stream notificationsv1.NotificationsService_SubscribeServer) error {
	ctx := stream.Context()
	c, err := s.caller(ctx)
	if err != nil {
		return err
	}
	cursor := req.GetAfterCursor()
	for {
		changed := s.inboxes.Changed() // before reading: a batch applied meanwhile wakes us
		next, err := s.inboxes.After(c.Organisation, cursor, 256)
		if err != nil {
			return kit.Status(err)
		}
		for _, n := range next {
			p, d := s.present(c, n)
			if d != nil {
				if err := s.kit.Disclosed(ctx, *d); err != nil {
					return kit.Status(err)
				}
			}
			if err := stream.Send(&notificationsv1.SubscribeResponse{Notification: p}); err != nil {
				return err
			}
			cursor = n.GetCursor()
		}
		if len(next) == 256 {
			continue
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil
		}
	}
}

// AcknowledgeNotification marks a notification of the caller's
// organisation's inbox taken in charge.
func (s *Service) AcknowledgeNotification(ctx context.Context, req *notificationsv1.AcknowledgeNotificationRequest) (*notificationsv1.AcknowledgeNotificationResponse, error) {
	c, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := kit.WaitForStored(ctx, s.inboxRunner, s.cfg.ViewWait); err != nil {
		return nil, err
	}
	n, ok, err := s.inboxes.Find(c.Organisation, req.GetNotificationId())
	if err != nil {
		return nil, kit.Status(err)
	}
	if !ok {
		return nil, status.Errorf(codes.NotFound, "no notification %s in the inbox of %s", req.GetNotificationId(), c.Organisation)
	}
	if n.GetAcknowledged() {
		return &notificationsv1.AcknowledgeNotificationResponse{Position: s.inboxRunner.Position().String()}, nil
	}
	data, err := decider.Encode(&eventsv1.NotificationAcknowledged{NotificationId: n.GetNotificationId()})
	if err != nil {
		return nil, kit.Status(err)
	}
	res, err := s.cfg.Store.Append(ctx, es.StreamName(InboxCategory, c.Organisation), es.Any, es.AppendRequest{Events: []es.EventData{data},
		Metadata: es.Metadata{Actor: c.Subject, Organisation: c.Organisation, RequestID: "ack-" + n.GetNotificationId(), OccurredAt: s.cfg.Now()}})
	if err != nil {
		return nil, kit.Status(err)
	}
	return &notificationsv1.AcknowledgeNotificationResponse{Position: res.Position.String()}, nil
}

// GetUnreadCount counts the caller's organisation's notifications not
// acknowledged, as stored now.
func (s *Service) GetUnreadCount(ctx context.Context, _ *notificationsv1.GetUnreadCountRequest) (*notificationsv1.GetUnreadCountResponse, error) {
	c, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := kit.WaitForStored(ctx, s.inboxRunner, s.cfg.ViewWait); err != nil {
		return nil, err
	}
	n, err := s.inboxes.Unread(c.Organisation)
	if err != nil {
		return nil, kit.Status(err)
	}
	return &notificationsv1.GetUnreadCountResponse{UnreadCount: n}, nil
}
