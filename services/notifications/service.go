package notifications

import (
	"context"

	"google.golang.org/grpc"

	notificationsv1 "github.com/maillage/maillage/proto/maillage/notifications/v1"
)

// Service is the notifications gRPC service.
type Service struct {
	notificationsv1.UnimplementedNotificationsServiceServer
}

// New returns the service.
func New() *Service { return &Service{} }

// Name is the service's full gRPC name, as health checks know it.
func (s *Service) Name() string { return notificationsv1.NotificationsService_ServiceDesc.ServiceName }

// Register adds the service's handlers to g.
func (s *Service) Register(g *grpc.Server) { notificationsv1.RegisterNotificationsServiceServer(g, s) }

// Run has no background work yet; it returns when ctx is done.
func (s *Service) Run(ctx context.Context) error {
	<-ctx.Done()
	return nil
}

// Ready is closed: nothing to catch up.
func (s *Service) Ready() <-chan struct{} { return closed }

var closed = func() chan struct{} { c := make(chan struct{}); close(c); return c }()
