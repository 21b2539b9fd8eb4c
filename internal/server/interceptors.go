package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"buf.build/go/protovalidate"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/tap"
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/derrors"
)

// The chain, outermost first. Recovery is outermost so that a panic anywhere,
// interceptors included, becomes an Internal status; metrics then see every
// call's final code; the log sees who called, once authentication has run
// inside it (see callInfo).
func (s *Server) unaryInterceptors() []grpc.UnaryServerInterceptor {
	return []grpc.UnaryServerInterceptor{
		s.recoverUnary,
		s.metrics.UnaryServerInterceptor(),
		s.logUnary,
		s.authenticateUnary,
		s.validateUnary,
	}
}

func (s *Server) streamInterceptors() []grpc.StreamServerInterceptor {
	return []grpc.StreamServerInterceptor{
		s.recoverStream,
		s.endOnDrain,
		s.metrics.StreamServerInterceptor(),
		s.logStream,
		s.authenticateStream,
		s.validateStream,
	}
}

// Recovery.

func (s *Server) recoverUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
	defer func() {
		if r := recover(); r != nil {
			resp, err = nil, s.recovered(ctx, info.FullMethod, r)
		}
	}()
	return handler(ctx, req)
}

func (s *Server) recoverStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = s.recovered(ss.Context(), info.FullMethod, r)
		}
	}()
	return handler(srv, ss)
}

func (s *Server) recovered(ctx context.Context, method string, r any) error {
	s.panics.Inc()
	s.log.LogAttrs(ctx, slog.LevelError, "panic in gRPC handler",
		slog.String("method", method),
		slog.String("panic", fmt.Sprint(r)),
		slog.String("stack", string(debug.Stack())))
	return status.Error(codes.Internal, "internal error")
}

// Logging, and the one place where handler errors become statuses.

// callInfo carries what inner interceptors learn about a call up to the
// log line written by the outer one. It is used on the call's goroutine only.
type callInfo struct {
	principal auth.Principal
}

type callInfoKey struct{}

func (s *Server) logUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	start := time.Now()
	ci := &callInfo{}
	resp, err := handler(context.WithValue(ctx, callInfoKey{}, ci), req)
	var requestID string
	if r, ok := req.(interface{ GetRequestId() string }); ok {
		requestID = r.GetRequestId()
	}
	return resp, s.logCall(ctx, info.FullMethod, start, ci, requestID, err)
}

func (s *Server) logStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	start := time.Now()
	ci := &callInfo{}
	err := handler(srv, &serverStream{ServerStream: ss, ctx: context.WithValue(ss.Context(), callInfoKey{}, ci)})
	return s.logCall(ss.Context(), info.FullMethod, start, ci, "", err)
}

// logCall writes the call's log line and returns err as a status
// (derrors.ToStatus). The log keeps the cause that the status hides.
func (s *Server) logCall(ctx context.Context, method string, start time.Time, ci *callInfo, requestID string, err error) error {
	st := derrors.ToStatus(err)
	code := status.Code(st)
	level := slog.LevelInfo
	switch code {
	case codes.Unknown, codes.Internal, codes.DataLoss:
		level = slog.LevelError
	case codes.Unauthenticated, codes.PermissionDenied:
		level = slog.LevelWarn
	}
	if !s.log.Enabled(ctx, level) {
		return st
	}
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs,
		slog.String("method", method),
		slog.String("code", code.String()),
		slog.Duration("duration", time.Since(start)))
	if ci.principal.Subject != "" {
		attrs = append(attrs,
			slog.String("organisation", ci.principal.Organisation),
			slog.String("subject", ci.principal.Subject))
	}
	if requestID != "" {
		attrs = append(attrs, slog.String("request_id", requestID))
	}
	if p, ok := peer.FromContext(ctx); ok && p.Addr != nil {
		attrs = append(attrs, slog.String("peer", p.Addr.String()))
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	s.log.LogAttrs(ctx, level, "rpc", attrs...)
	return st
}

// Authentication.

func (s *Server) authenticateUnary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	ctx, err := s.authenticate(ctx, info.FullMethod)
	if err != nil {
		return nil, err
	}
	return handler(ctx, req)
}

func (s *Server) authenticateStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	ctx, err := s.authenticate(ss.Context(), info.FullMethod)
	if err != nil {
		return err
	}
	return handler(srv, &serverStream{ServerStream: ss, ctx: ctx})
}

// tapTimeout bounds authentication in the tap, which runs on the
// connection's reading goroutine: a key source refreshing (OIDC) must not
// stall the connection's other calls for long.
const tapTimeout = 2 * time.Second

// authenticateTap authenticates a call from its headers, before the
// stream is created and its body read; the principal travels in the
// stream's context.
func (s *Server) authenticateTap(ctx context.Context, info *tap.Info) (context.Context, error) {
	if s.public.contains(info.FullMethodName) {
		return ctx, nil
	}
	vctx, cancel := context.WithTimeout(ctx, tapTimeout)
	defer cancel()
	p, err := s.verify(vctx, info.Header.Get("authorization"))
	if err != nil {
		service, method, _ := strings.Cut(strings.TrimPrefix(info.FullMethodName, "/"), "/")
		s.unauthenticated.WithLabelValues(service, method).Inc()
		s.log.LogAttrs(ctx, slog.LevelWarn, "rpc", slog.String("method", info.FullMethodName),
			slog.String("code", codes.Unauthenticated.String()), slog.String("error", err.Error()))
		return nil, err
	}
	return auth.WithPrincipal(ctx, p), nil
}

// authenticate takes the principal the tap verified, or verifies the
// call's bearer token (a server without the tap, in tests), unless the
// method is public; it returns ctx with the principal.
func (s *Server) authenticate(ctx context.Context, method string) (context.Context, error) {
	if s.public.contains(method) {
		return ctx, nil
	}
	if p, ok := auth.PrincipalFrom(ctx); ok {
		if ci, ok := ctx.Value(callInfoKey{}).(*callInfo); ok {
			ci.principal = p
		}
		return ctx, nil
	}
	p, err := s.verify(ctx, metadata.ValueFromIncomingContext(ctx, "authorization"))
	if err != nil {
		return nil, err
	}
	if ci, ok := ctx.Value(callInfoKey{}).(*callInfo); ok {
		ci.principal = p
	}
	return auth.WithPrincipal(ctx, p), nil
}

// verify checks the "authorization" metadata values of a call.
func (s *Server) verify(ctx context.Context, values []string) (auth.Principal, error) {
	switch len(values) {
	case 0:
		return auth.Principal{}, status.Error(codes.Unauthenticated, `missing "authorization: Bearer <token>" metadata; maillagectl token issues development tokens`)
	case 1:
	default:
		return auth.Principal{}, status.Errorf(codes.Unauthenticated, `%d "authorization" metadata values, want one`, len(values))
	}
	scheme, token, _ := strings.Cut(values[0], " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return auth.Principal{}, status.Error(codes.Unauthenticated, `"authorization" metadata must be "Bearer <token>"`)
	}
	p, err := s.cfg.Verifier.VerifyContext(ctx, token)
	if err != nil {
		return auth.Principal{}, derrors.ToStatus(err)
	}
	if err := s.checkConnectionOrganisation(ctx, p); err != nil {
		return auth.Principal{}, err
	}
	return p, nil
}

// Validation.

func (s *Server) validateUnary(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if err := s.validate(req); err != nil {
		return nil, err
	}
	return handler(ctx, req)
}

func (s *Server) validateStream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	return handler(srv, &validatingStream{ServerStream: ss, validate: s.validate})
}

// validate checks a request against the rules its .proto declares. Broken
// rules are an InvalidArgument status with one field violation each; a rule
// that cannot be evaluated is our bug, an error that becomes Internal.
func (s *Server) validate(req any) error {
	m, ok := req.(proto.Message)
	if !ok {
		return nil
	}
	err := s.validator.Validate(m)
	if err == nil {
		return nil
	}
	var ve *protovalidate.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("validate %s: %w", m.ProtoReflect().Descriptor().FullName(), err)
	}
	inv := &derrors.InvalidError{}
	for _, v := range ve.Violations {
		desc := v.Proto.GetMessage()
		if desc == "" {
			desc = "breaks rule " + v.Proto.GetRuleId()
		}
		inv.Add(protovalidate.FieldPathString(v.Proto.GetField()), "%s", desc)
	}
	return derrors.ToStatus(inv)
}

// Stream wrappers.

// serverStream replaces a stream's context.
type serverStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *serverStream) Context() context.Context { return s.ctx }

// validatingStream validates every message the client sends.
type validatingStream struct {
	grpc.ServerStream
	validate func(any) error
}

func (s *validatingStream) RecvMsg(m any) error {
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	return s.validate(m)
}

// Subscriptions.

// drainingStream is a server stream whose context ends when the server
// stops.
type drainingStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (d drainingStream) Context() context.Context { return d.ctx }

// endOnDrain ends the subscriptions (server streams named Subscribe or
// Watch, which would run forever) when the server stops, with
// UNAVAILABLE: the client subscribes again, to this server once
// restarted or another, from the last cursor it received. A finite
// stream (an export) runs to its end; an error of the handler's own
// stays what it is.
func (s *Server) endOnDrain(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	method := info.FullMethod[strings.LastIndex(info.FullMethod, "/")+1:]
	subscription := method == "Subscribe" || method == "Watch"
	if info.IsClientStream || !info.IsServerStream || !subscription || strings.HasPrefix(info.FullMethod, "/grpc.health.v1.Health/") {
		return handler(srv, ss)
	}
	ctx, cancel := context.WithCancel(ss.Context())
	defer cancel()
	go func() {
		select {
		case <-s.draining:
			cancel()
		case <-ctx.Done():
		}
	}()
	err := handler(srv, drainingStream{ServerStream: ss, ctx: ctx})
	select {
	case <-s.draining:
		if err == nil || errors.Is(err, context.Canceled) || status.Code(err) == codes.Canceled {
			return status.Error(codes.Unavailable, "the server is stopping: subscribe again from the last cursor or position received")
		}
	default:
	}
	return err
}
