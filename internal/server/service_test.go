package server_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/derrors"
)

// A tiny service with a handwritten descriptor, so that the server is tested
// as services will use it without depending on their generated code.
const (
	testService    = "maillage.test.v1.TestService"
	echoMethod     = "/" + testService + "/Echo"
	validateMethod = "/" + testService + "/Validate"
	watchMethod    = "/" + testService + "/Watch"
)

// echoRequest is a request with a request id, as Maillage's commands have:
// its value is both what Echo acts on and its request id.
type echoRequest struct{ *wrapperspb.StringValue }

func (r echoRequest) GetRequestId() string { return r.GetValue() }

// testServer's Echo answers "subject organisation role" of the caller
// ("anonymous" on a public call), and
// misbehaves on request: "panic", "rule", "secret", "slow" (waits for
// release), "hang" (waits for cancellation).
type testServer struct {
	slowStarted chan struct{} // receives when a "slow" call starts
	release     chan struct{} // closed to let "slow" calls finish
	releaseOnce sync.Once
}

func newTestServer() *testServer {
	return &testServer{slowStarted: make(chan struct{}, 16), release: make(chan struct{})}
}

// releaseSlow lets every "slow" call finish; it may be called again.
func (s *testServer) releaseSlow() { s.releaseOnce.Do(func() { close(s.release) }) }

func (s *testServer) echo(ctx context.Context, in echoRequest) (*wrapperspb.StringValue, error) {
	switch in.GetValue() {
	case "panic":
		panic("boom")
	case "rule":
		return nil, fmt.Errorf("complete: %w", derrors.Rejected("transition.already_completed", "transition/01J", "transition 01J was completed on 2026-11-02"))
	case "secret":
		return nil, errors.New("open /var/lib/maillage/secret: no such file")
	case "slow":
		s.slowStarted <- struct{}{}
		select {
		case <-s.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	case "hang":
		s.slowStarted <- struct{}{}
		<-ctx.Done()
		return nil, ctx.Err()
	}
	p, ok := auth.PrincipalFrom(ctx)
	if !ok {
		return wrapperspb.String("anonymous"), nil
	}
	return wrapperspb.String(fmt.Sprintf("%s %s %s", p.Subject, p.Organisation, p.Role)), nil
}

func (s *testServer) watch(in *wrapperspb.StringValue, stream grpc.ServerStream) error {
	p, ok := auth.PrincipalFrom(stream.Context())
	if !ok {
		return errors.New("no principal in context")
	}
	for range 2 {
		if err := stream.SendMsg(wrapperspb.String(p.Subject + " " + in.GetValue())); err != nil {
			return err
		}
	}
	if in.GetValue() == "follow" { // a subscription: on until the end
		<-stream.Context().Done()
		return nil
	}
	return nil
}

func registerTestService(t *testing.T, reg grpc.ServiceRegistrar, srv *testServer, validated protoreflect.MessageType) {
	t.Helper()
	reg.RegisterService(&grpc.ServiceDesc{
		ServiceName: testService,
		HandlerType: (*any)(nil),
		Methods: []grpc.MethodDesc{
			{MethodName: "Echo", Handler: func(_ any, ctx context.Context, dec func(any) error, ic grpc.UnaryServerInterceptor) (any, error) {
				in := echoRequest{&wrapperspb.StringValue{}}
				if err := dec(in); err != nil {
					return nil, err
				}
				return ic(ctx, in, &grpc.UnaryServerInfo{Server: srv, FullMethod: echoMethod}, func(ctx context.Context, req any) (any, error) {
					return srv.echo(ctx, req.(echoRequest))
				})
			}},
			{MethodName: "Validate", Handler: func(_ any, ctx context.Context, dec func(any) error, ic grpc.UnaryServerInterceptor) (any, error) {
				in := validated.New().Interface()
				if err := dec(in); err != nil {
					return nil, err
				}
				return ic(ctx, in, &grpc.UnaryServerInfo{Server: srv, FullMethod: validateMethod}, func(context.Context, any) (any, error) {
					return &emptypb.Empty{}, nil
				})
			}},
		},
		Streams: []grpc.StreamDesc{{
			StreamName:    "Watch",
			ServerStreams: true,
			Handler: func(_ any, stream grpc.ServerStream) error {
				in := &wrapperspb.StringValue{}
				if err := stream.RecvMsg(in); err != nil {
					return err
				}
				return srv.watch(in, stream)
			},
		}},
	}, srv)
}

// validatedRequestType builds, at run time, the message
//
//	message ValidatedRequest {
//	  string name = 1 [(buf.validate.field).string.min_len = 1];
//	  int32 count = 2 [(buf.validate.field).int32.gt = 0];
//	}
//
// so that validation is tested on real protovalidate rules without
// generated code.
func validatedRequestType(t *testing.T) protoreflect.MessageType {
	t.Helper()
	field := func(name string, number int32, typ descriptorpb.FieldDescriptorProto_Type, rules *validate.FieldRules) *descriptorpb.FieldDescriptorProto {
		opts := &descriptorpb.FieldOptions{}
		proto.SetExtension(opts, validate.E_Field, rules)
		return &descriptorpb.FieldDescriptorProto{
			Name:     proto.String(name),
			JsonName: proto.String(name),
			Number:   proto.Int32(number),
			Type:     typ.Enum(),
			Label:    descriptorpb.FieldDescriptorProto_LABEL_OPTIONAL.Enum(),
			Options:  opts,
		}
	}
	fdp := &descriptorpb.FileDescriptorProto{
		Name:       proto.String("maillage/test/v1/validated.proto"),
		Package:    proto.String("maillage.test.v1"),
		Syntax:     proto.String("proto3"),
		Dependency: []string{"buf/validate/validate.proto"},
		MessageType: []*descriptorpb.DescriptorProto{{
			Name: proto.String("ValidatedRequest"),
			Field: []*descriptorpb.FieldDescriptorProto{
				field("name", 1, descriptorpb.FieldDescriptorProto_TYPE_STRING,
					validate.FieldRules_builder{String: validate.StringRules_builder{MinLen: proto.Uint64(1)}.Build()}.Build()),
				field("count", 2, descriptorpb.FieldDescriptorProto_TYPE_INT32,
					validate.FieldRules_builder{Int32: validate.Int32Rules_builder{Gt: proto.Int32(0)}.Build()}.Build()),
			},
		}},
	}
	fd, err := protodesc.NewFile(fdp, protoregistry.GlobalFiles)
	if err != nil {
		t.Fatal(err)
	}
	return dynamicpb.NewMessageType(fd.Messages().ByName("ValidatedRequest"))
}
