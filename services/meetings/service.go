package meetings

import (
	"context"

	"google.golang.org/grpc"

	meetingsv1 "github.com/maillage/maillage/proto/maillage/meetings/v1"
)

// Service is the meetings gRPC service.
type Service struct {
	meetingsv1.UnimplementedMeetingsServiceServer
}

// New returns the service.
func New() *Service { return &Service{} }

// Name is the service's full gRPC name, as health checks know it.
func (s *Service) Name() string { return meetingsv1.MeetingsService_ServiceDesc.ServiceName }

// Register adds the service's handlers to g.
func (s *Service) Register(g *grpc.Server) { meetingsv1.RegisterMeetingsServiceServer(g, s) }

// Run has no background work yet; it returns when ctx is done.
func (s *Service) Run(ctx context.Context) error {
	<-ctx.Done()
	return nil
}

// Ready is closed: nothing to catch up.
func (s *Service) Ready() <-chan struct{} { return closed }

var closed = func() chan struct{} { c := make(chan struct{}); close(c); return c }()
