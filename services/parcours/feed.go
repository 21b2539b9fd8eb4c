package parcours

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/kit"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	feedv1 "github.com/maillage/maillage/proto/maillage/feed/v1"
)

// feedBatch bounds the events audited together (one group commit) before
// they are sent: the catch-up of a long feed costs one audit round trip
// per batch, the live tail one per event.
const feedBatch = 128

// Feed is the gRPC FeedService over the parcours files: every event the
// caller may see now, audited before it is sent, resumable by position.
type Feed struct {
	feedv1.UnimplementedFeedServiceServer
	svc *Service
}

// Feed returns the integration feed of the service's files.
func (s *Service) Feed() *Feed { return &Feed{svc: s} }

// Name is the gRPC service name.
func (f *Feed) Name() string { return feedv1.FeedService_ServiceDesc.ServiceName }

// Register adds the handlers to g.
func (f *Feed) Register(g *grpc.Server) { feedv1.RegisterFeedServiceServer(g, f) }

// Run has no background work of its own: the views are the parcours
// service's.
func (f *Feed) Run(ctx context.Context) error { <-ctx.Done(); return nil }

// Ready is closed with the parcours views.
func (f *Feed) Ready() <-chan struct{} { return f.svc.Ready() }

// Subscribe streams the events after from_position that the caller may
// see.
func (f *Feed) Subscribe(req *feedv1.SubscribeRequest, stream feedv1.FeedService_SubscribeServer) error {
	ctx := stream.Context()
	caller, err := f.svc.kit.Caller(ctx)
	if err != nil {
		return kit.Status(err)
	}
	switch caller.Role {
	case auth.RoleCoordinateur, auth.RoleReferent, auth.RoleProfessionnel:
	default:
		return kit.Status(derrors.Denied("access.role_reads_no_file", "the role %q receives no file's events", caller.Role))
	}
	from := es.Start
	if tok := req.GetFromPosition(); tok != "" {
		if from, err = es.ParsePosition(tok); err != nil {
			return kit.Status(derrors.Invalid("from_position", "%q is not a position of the feed", tok))
		}
	}
	sub, err := f.svc.cfg.Store.Subscribe(ctx, from, es.Filter{Categories: []string{Category}})
	if err != nil {
		return kit.Status(err)
	}
	defer sub.Close()
	inbox := es.NewInbox(ctx, sub, feedBatch)
	var batch []es.RecordedEvent
	for {
		deliveries, err := inbox.Take(ctx, 1, 0)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return kit.Status(err)
		}
		batch = batch[:0]
		for _, d := range deliveries {
			if err := takeEvent(d, &batch); err != nil {
				return kit.Status(err)
			}
		}
		if len(batch) == 0 {
			continue
		}
		last, err := f.send(ctx, stream, batch, from)
		if err != nil {
			return err
		}
		from = last
	}
}

// takeEvent adds a delivered event to batch; an unreadable message is
// passed over, as the projections do.
func takeEvent(d es.Delivery, batch *[]es.RecordedEvent) error {
	if errors.Is(d.Err, es.ErrMalformed) {
		return nil
	}
	if d.Err != nil {
		return d.Err
	}
	*batch = append(*batch, d.Event)
	return nil
}

// send filters, audits and sends a batch; it returns the position reached.
func (f *Feed) send(ctx context.Context, stream feedv1.FeedService_SubscribeServer, batch []es.RecordedEvent, from es.Position) (es.Position, error) {
	caller, err := f.svc.kit.Caller(ctx)
	if err != nil {
		return from, kit.Status(err)
	}
	today := f.svc.kit.Today()
	// Rights as stored now: the views include everything stored before
	// the batch is decided (a consent withdrawn since an event counts).
	if err := f.svc.runner.WaitForStored(ctx); err != nil {
		return from, kit.Status(err)
	}
	var out []*feedv1.FeedEvent
	var disclosures []kit.Disclosure
	for _, ev := range batch {
		if !from.Before(ev.Position) {
			continue // at or before the resume position: delivered already
		}
		// The team that decides is the one of this event's time in the
		// views, or later: wait until the views include the event.
		if err := f.svc.runner.WaitFor(ctx, ev.Position); err != nil {
			return from, kit.Status(err)
		}
		person := strings.TrimPrefix(ev.Stream, Category+"-")
		view, ok := f.svc.views.Get(person)
		if !ok {
			continue
		}
		team := teamOf(view)
		g, err := team.ReadFile(caller, today)
		if err != nil {
			continue // not the caller's to see, now
		}
		payload, err := f.svc.cfg.Codec.Decode(ev)
		if err != nil {
			continue // another package's event, or one this version cannot read
		}
		shown, cat, disclosed, ok := feedRedact(view, payload, g)
		if !ok {
			continue
		}
		anyEv, err := anypb.New(shown)
		if err != nil {
			return from, kit.Status(err)
		}
		out = append(out, &feedv1.FeedEvent{Position: ev.Position.String(), PersonId: person, Version: uint64(ev.Version),
			EventType: ev.Type, Event: anyEv, OccurredAt: timestamppb.New(occurredAt(ev)), Category: cat})
		disclosures = append(disclosures, kit.Disclosure{PersonID: person, Grant: g, Categories: disclosed,
			Kind: eventsv1.DisclosureKind_DISCLOSURE_KIND_FEED_EVENT, Detail: fmt.Sprintf("%s at %s", ev.Type, ev.Position)})
	}
	// Audited before anything leaves.
	if err := f.svc.kit.DisclosedAll(ctx, disclosures); err != nil {
		return from, kit.Status(err)
	}
	for _, e := range out {
		if err := stream.Send(&feedv1.SubscribeResponse{Event: e}); err != nil {
			return from, err
		}
	}
	if n := len(batch); n > 0 && from.Before(batch[n-1].Position) {
		from = batch[n-1].Position
	}
	return from, nil
}
