package notifications

import (
	"context"
	"errors"
	"net"
	"net/url"
	"slices"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/kit"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	notificationsv1 "github.com/maillage/maillage/proto/maillage/notifications/v1"
)

// administrateur checks that the caller configures its organisation.
func administrateur(c access.Caller, what string) error {
	if c.Role != auth.RoleAdministrateur {
		return kit.Status(derrors.Denied("access.administrateur_only", "only an administrateur of the organisation %s", what))
	}
	return nil
}

// checkWebhookURL: https, or http to this machine (a relay, or a test).
func checkWebhookURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return kit.Status(derrors.Invalid("url", "%q is no absolute URL", raw))
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	loopback := host == "localhost" || (ip != nil && ip.IsLoopback())
	if u.Scheme != "https" && (u.Scheme != "http" || !loopback) {
		return kit.Status(derrors.Invalid("url", "notifications about people travel over https only (http to a loopback address for a local relay)"))
	}
	if u.User != nil {
		return kit.Status(derrors.Invalid("url", "no credentials in the URL: the signature authenticates Maillage"))
	}
	return nil
}

// RegisterWebhook sends the caller's organisation's notifications to its
// system from now on.
func (s *Service) RegisterWebhook(ctx context.Context, req *notificationsv1.RegisterWebhookRequest) (*notificationsv1.RegisterWebhookResponse, error) {
	c, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := administrateur(c, "registers its webhooks"); err != nil {
		return nil, err
	}
	if err := checkWebhookURL(req.GetUrl()); err != nil {
		return nil, err
	}
	id := s.kit.IDFor("maillage-webhook-id-v1", c.Organisation, req.GetRequestId()) // a retry reaches the same endpoint
	secret, err := NewSecret()
	if err != nil {
		return nil, kit.Status(err)
	}
	reg := &eventsv1.WebhookRegistered{EndpointId: id, OrganisationId: c.Organisation, Url: req.GetUrl(), Secret: secret, Description: req.GetDescription()}
	data, err := decider.Encode(reg)
	if err != nil {
		return nil, kit.Status(err)
	}
	stream := es.StreamName(WebhookCategory, id)
	res, err := s.cfg.Store.Append(ctx, stream, es.NoStream, es.AppendRequest{Events: []es.EventData{data},
		Metadata: es.Metadata{Actor: c.Subject, Organisation: c.Organisation, RequestID: req.GetRequestId(), OccurredAt: s.cfg.Now()}})
	if errors.Is(err, es.ErrConflict) || (err == nil && res.Duplicate) {
		return s.registeredAlready(ctx, stream, req) // a retry: the first secret
	}
	if err != nil {
		return nil, kit.Status(err)
	}
	return &notificationsv1.RegisterWebhookResponse{EndpointId: id, Secret: secret, Position: res.Position.String()}, nil
}

// registeredAlready answers a retried registration as the first time;
// FAILED_PRECONDITION once the endpoint was removed, or when the request
// id registered another.
func (s *Service) registeredAlready(ctx context.Context, stream string, req *notificationsv1.RegisterWebhookRequest) (*notificationsv1.RegisterWebhookResponse, error) {
	recs, err := s.cfg.Store.Read(ctx, stream, 1)
	if err != nil || len(recs) == 0 {
		return nil, kit.Status(errors.Join(errors.New("notifications: the endpoint registered cannot be read"), err))
	}
	payload, err := s.cfg.Codec.Decode(recs[0])
	reg, ok := payload.(*eventsv1.WebhookRegistered)
	if err != nil || !ok {
		return nil, kit.Status(errors.Join(errors.New("notifications: the endpoint registered cannot be read"), err))
	}
	for _, rec := range recs {
		if rec.Type == string(proto.MessageName(&eventsv1.WebhookRemoved{})) {
			return nil, kit.Status(derrors.Rejected("webhook.removed", "webhook/"+reg.GetEndpointId(),
				"the endpoint request id %s registered was removed; register again with a new request id", req.GetRequestId()))
		}
	}
	if reg.GetUrl() != req.GetUrl() || reg.GetDescription() != req.GetDescription() {
		return nil, kit.Status(derrors.Rejected("request.reused", "webhook/"+reg.GetEndpointId(),
			"request id %s registered another endpoint; use a new request id", req.GetRequestId()))
	}
	return &notificationsv1.RegisterWebhookResponse{EndpointId: reg.GetEndpointId(), Secret: reg.GetSecret(), Position: recs[0].Position.String()}, nil
}

// ownEndpoint returns an endpoint of the caller's organisation, as stored
// now; NOT_FOUND for another's.
func (s *Service) ownEndpoint(ctx context.Context, c access.Caller, id string) (endpoint, error) {
	if err := kit.WaitForStored(ctx, s.hooksRunner, s.cfg.ViewWait); err != nil {
		return endpoint{}, err
	}
	ep, ok, err := s.webhooks.endpoint(id)
	if err != nil {
		return endpoint{}, kit.Status(err)
	}
	if !ok || ep.Removed || ep.Org != c.Organisation {
		return endpoint{}, status.Errorf(codes.NotFound, "no webhook %s for %s", id, c.Organisation)
	}
	return ep, nil
}

// ListWebhooks lists the caller's organisation's endpoints.
func (s *Service) ListWebhooks(ctx context.Context, _ *notificationsv1.ListWebhooksRequest) (*notificationsv1.ListWebhooksResponse, error) {
	c, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := kit.WaitForStored(ctx, s.hooksRunner, s.cfg.ViewWait); err != nil {
		return nil, err
	}
	eps, err := s.webhooks.Endpoints(c.Organisation)
	if err != nil {
		return nil, kit.Status(err)
	}
	out := &notificationsv1.ListWebhooksResponse{}
	for _, ep := range eps {
		pending, dead, err := s.webhooks.counts(ep.ID)
		if err != nil {
			return nil, kit.Status(err)
		}
		out.Webhooks = append(out.Webhooks, &notificationsv1.Webhook{EndpointId: ep.ID, Url: ep.URL, Description: ep.Description,
			Pending: pending, DeadLetters: dead})
	}
	return out, nil
}

// RemoveWebhook stops an endpoint.
func (s *Service) RemoveWebhook(ctx context.Context, req *notificationsv1.RemoveWebhookRequest) (*notificationsv1.RemoveWebhookResponse, error) {
	c, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := administrateur(c, "removes its webhooks"); err != nil {
		return nil, err
	}
	ep, err := s.ownEndpoint(ctx, c, req.GetEndpointId())
	if err != nil {
		return nil, err
	}
	pos, err := s.appendTo(ctx, c, ep.ID, "remove-"+ep.ID, &eventsv1.WebhookRemoved{Reason: req.GetReason()})
	if err != nil {
		return nil, err
	}
	return &notificationsv1.RemoveWebhookResponse{Position: pos}, nil
}

// ListDeadLetters lists what an endpoint abandoned.
func (s *Service) ListDeadLetters(ctx context.Context, req *notificationsv1.ListDeadLettersRequest) (*notificationsv1.ListDeadLettersResponse, error) {
	c, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	ep, err := s.ownEndpoint(ctx, c, req.GetEndpointId())
	if err != nil {
		return nil, err
	}
	size := int(req.GetPageSize())
	if size == 0 {
		size = 100
	}
	dead, err := s.webhooks.deadLetters(ep.ID, req.GetPageToken(), size+1)
	if err != nil {
		return nil, kit.Status(err)
	}
	out := &notificationsv1.ListDeadLettersResponse{}
	if len(dead) > size {
		dead = dead[:size]
		out.NextPageToken = dead[size-1].Notification
	}
	var shown []kit.Disclosure
	for _, d := range dead {
		n, err := d.note()
		if err != nil {
			return nil, kit.Status(err)
		}
		p, disclosure := s.present(c, n)
		if disclosure != nil {
			shown = append(shown, *disclosure)
		}
		out.DeadLetters = append(out.DeadLetters, &notificationsv1.DeadLetter{Notification: p, Attempts: d.Attempts, LastError: d.LastError,
			AbandonedAt: timestamppb.New(d.AbandonedAt)})
	}
	if err := s.kit.DisclosedAll(ctx, shown); err != nil {
		return nil, kit.Status(err)
	}
	return out, nil
}

// ResendDeadLetters queues dead letters again, from now.
func (s *Service) ResendDeadLetters(ctx context.Context, req *notificationsv1.ResendDeadLettersRequest) (*notificationsv1.ResendDeadLettersResponse, error) {
	c, err := s.caller(ctx)
	if err != nil {
		return nil, err
	}
	if err := administrateur(c, "resends to its webhooks"); err != nil {
		return nil, err
	}
	ep, err := s.ownEndpoint(ctx, c, req.GetEndpointId())
	if err != nil {
		return nil, err
	}
	dead, err := s.webhooks.deadLetters(ep.ID, "", 0)
	if err != nil {
		return nil, kit.Status(err)
	}
	asked := map[string]bool{}
	for _, id := range req.GetNotificationIds() {
		asked[id] = true
	}
	var ids []string
	for _, d := range dead {
		if len(asked) == 0 || asked[d.Notification] {
			ids = append(ids, d.Notification)
		}
	}
	// A thousand ids an event: an event stays far below the store's limit.
	for chunk := range slices.Chunk(ids, 1000) {
		if _, err := s.appendTo(ctx, c, ep.ID, "", &eventsv1.DeliveriesResent{NotificationIds: chunk}); err != nil {
			return nil, err
		}
	}
	return &notificationsv1.ResendDeadLettersResponse{Resent: uint32(len(ids))}, nil
}

func (s *Service) appendTo(ctx context.Context, c access.Caller, endpointID, requestID string, ev proto.Message) (string, error) {
	data, err := decider.Encode(ev)
	if err != nil {
		return "", kit.Status(err)
	}
	res, err := s.cfg.Store.Append(ctx, es.StreamName(WebhookCategory, endpointID), es.Any, es.AppendRequest{Events: []es.EventData{data},
		Metadata: es.Metadata{Actor: c.Subject, Organisation: c.Organisation, RequestID: requestID, OccurredAt: s.cfg.Now()}})
	if err != nil {
		return "", kit.Status(err)
	}
	return res.Position.String(), nil
}
