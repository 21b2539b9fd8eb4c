package server_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/server"
)

var coordinator = auth.Principal{Subject: "prof-42", Organisation: "750000001", Role: auth.RoleCoordinateur, Name: "Camille Martin"}

// env is a real server on a loopback port, over TLS, with a client
// connection to it.
type env struct {
	srv       *server.Server
	svc       *testServer
	key       ed25519.PrivateKey
	issuer    *auth.Issuer
	conn      *grpc.ClientConn
	metrics   string // http://host:port/metrics
	logs      *logBuffer
	cancel    context.CancelFunc
	serveDone chan error
	dir       string         // the dev CA and certificate under <dir>/tls
	addr      string         // the gRPC address
	roots     *x509.CertPool // trusts the server's certificate
}

type options struct {
	shutdownTimeout time.Duration
	publicMethods   []string
	clientCerts     server.ClientCertPolicy
}

func start(t *testing.T, opts options) *env {
	t.Helper()
	dir := t.TempDir()
	certFile, keyFile, caFile, err := server.EnsureDevCertificate(dir)
	if err != nil {
		t.Fatal(err)
	}
	tlsCfg, err := server.LoadTLS(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	key, err := auth.LoadOrCreateSigningKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	issuer, err := auth.NewIssuer(auth.IssuerConfig{Key: key})
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := auth.NewVerifier(auth.VerifierConfig{Keys: auth.NewStaticKeys(issuer.PublicKey())})
	if err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	var clientCAs *x509.CertPool
	if opts.clientCerts != server.ClientCertOff {
		if clientCAs, err = server.LoadClientCAs(caFile); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := server.New(server.Config{
		ClientCerts:     opts.clientCerts,
		ClientCAs:       clientCAs,
		Addr:            "127.0.0.1:0",
		MetricsAddr:     "127.0.0.1:0",
		TLS:             tlsCfg,
		Verifier:        verifier,
		Logger:          slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		ShutdownTimeout: opts.shutdownTimeout,
		PublicMethods:   opts.publicMethods,
	})
	if err != nil {
		t.Fatal(err)
	}
	svc := newTestServer()
	registerTestService(t, srv.GRPC(), svc, validatedRequestType(t))
	addr, err := srv.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	serveDone := make(chan error, 1)
	go func() { serveDone <- srv.Serve(ctx) }()

	caPEM, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(caPEM) {
		t.Fatal("no certificate in CA file")
	}
	conn, err := grpc.NewClient(addr.String(), grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: roots})))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{
		srv: srv, svc: svc, key: key, issuer: issuer, conn: conn, logs: logs, dir: dir, addr: addr.String(), roots: roots,
		metrics: "http://" + srv.MetricsAddr().String() + "/metrics",
		cancel:  cancel, serveDone: serveDone,
	}
	t.Cleanup(func() {
		conn.Close()
		svc.releaseSlow()
		if err := e.stop(t); err != nil {
			t.Errorf("Serve = %v, want nil after cancel", err)
		}
	})
	return e
}

// stop cancels Serve and waits for it to return, at most 10 s.
func (e *env) stop(t *testing.T) error {
	t.Helper()
	e.cancel()
	select {
	case err := <-e.serveDone:
		e.serveDone <- err // for a second stop
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return within 10s of cancel")
		return nil
	}
}

func (e *env) token(t *testing.T, p auth.Principal) string {
	t.Helper()
	tok, err := e.issuer.Issue(p)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func withToken(tok string) context.Context {
	return metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+tok)
}

func (e *env) echo(ctx context.Context, value string) (string, error) {
	out := &wrapperspb.StringValue{}
	err := e.conn.Invoke(ctx, echoMethod, wrapperspb.String(value), out)
	return out.GetValue(), err
}

// logBuffer collects JSON log lines from several goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// records returns the log records whose message is msg.
func (b *logBuffer) records(t *testing.T, msg string) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(b.buf.Bytes()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r map[string]any
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if r["msg"] == msg {
			out = append(out, r)
		}
	}
	return out
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	e := start(t, options{})

	otherKey := func() ed25519.PrivateKey {
		_, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}()
	forger, err := auth.NewIssuer(auth.IssuerConfig{Key: otherKey})
	if err != nil {
		t.Fatal(err)
	}
	forged, err := forger.Issue(coordinator)
	if err != nil {
		t.Fatal(err)
	}
	past, err := auth.NewIssuer(auth.IssuerConfig{Key: e.key, TTL: time.Hour, Now: func() time.Time { return time.Now().Add(-2 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	expired, err := past.Issue(coordinator)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name        string
		ctx         context.Context
		wantCode    codes.Code
		wantMessage string
	}{
		{"no token", context.Background(), codes.Unauthenticated, `missing "authorization: Bearer <token>" metadata`},
		{"not a bearer token", metadata.AppendToOutgoingContext(context.Background(), "authorization", "Basic cHJvZjpzZWNyZXQ="), codes.Unauthenticated, `must be "Bearer <token>"`},
		{"two tokens", metadata.AppendToOutgoingContext(withToken(e.token(t, coordinator)), "authorization", "Bearer x"), codes.Unauthenticated, `2 "authorization" metadata values`},
		{"expired", withToken(expired), codes.Unauthenticated, "token expired at"},
		{"forged", withToken(forged), codes.Unauthenticated, "no trusted key"},
		{"garbage", withToken("abc.def.ghi"), codes.Unauthenticated, "malformed token"},
		{"good", withToken(e.token(t, coordinator)), codes.OK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := e.echo(tt.ctx, "hello")
			st := status.Convert(err)
			if st.Code() != tt.wantCode || !strings.Contains(st.Message(), tt.wantMessage) {
				t.Fatalf("Echo = %v, want code %v and a message containing %q", err, tt.wantCode, tt.wantMessage)
			}
			if tt.wantCode == codes.OK {
				if want := "prof-42 750000001 coordinateur"; got != want {
					t.Errorf("Echo = %q, want the principal %q to reach the handler", got, want)
				}
			}

			// The same holds for streams.
			stream, err := e.conn.NewStream(tt.ctx, &grpc.StreamDesc{ServerStreams: true}, watchMethod)
			if err != nil {
				t.Fatal(err)
			}
			if err := stream.SendMsg(wrapperspb.String("watching")); err != nil {
				t.Fatal(err)
			}
			if err := stream.CloseSend(); err != nil {
				t.Fatal(err)
			}
			var msgs []string
			for {
				out := &wrapperspb.StringValue{}
				err = stream.RecvMsg(out)
				if err != nil {
					break
				}
				msgs = append(msgs, out.GetValue())
			}
			if st := status.Convert(err); err != io.EOF && (st.Code() != tt.wantCode || !strings.Contains(st.Message(), tt.wantMessage)) {
				t.Fatalf("Watch = %v, want code %v and a message containing %q", err, tt.wantCode, tt.wantMessage)
			}
			if tt.wantCode == codes.OK {
				if diff := cmp.Diff([]string{"prof-42 watching", "prof-42 watching"}, msgs); diff != "" {
					t.Errorf("Watch messages (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestPublicMethodsNeedNoToken(t *testing.T) {
	t.Parallel()
	e := start(t, options{publicMethods: []string{echoMethod}})
	if got, err := e.echo(context.Background(), "hello"); err != nil || got != "anonymous" {
		t.Errorf("Echo(no token) on a public method = %q, %v; want anonymous, nil", got, err)
	}
	stream, err := e.conn.NewStream(context.Background(), &grpc.StreamDesc{ServerStreams: true}, watchMethod)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.SendMsg(wrapperspb.String("x")); err != nil {
		t.Fatal(err)
	}
	if err := stream.RecvMsg(&wrapperspb.StringValue{}); status.Code(err) != codes.Unauthenticated {
		t.Errorf("Watch(no token), not public = %v, want Unauthenticated", err)
	}
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	if _, err := e.echo(withToken(e.token(t, coordinator)), "req-01J"); err != nil {
		t.Fatal(err)
	}
	var found map[string]any
	for _, r := range e.logs.records(t, "rpc") {
		if r["request_id"] == "req-01J" {
			found = r
		}
	}
	if found == nil {
		t.Fatal(`no "rpc" log record with request_id req-01J`)
	}
	for k, want := range map[string]any{"method": echoMethod, "code": "OK", "organisation": "750000001", "subject": "prof-42", "level": "INFO"} {
		if found[k] != want {
			t.Errorf("log record %s = %v, want %v", k, found[k], want)
		}
	}
	if p, _ := found["peer"].(string); !strings.HasPrefix(p, "127.0.0.1:") {
		t.Errorf("log record peer = %q, want the client's loopback address", p)
	}
	if _, ok := found["duration"]; !ok {
		t.Error("log record has no duration")
	}
}

func TestPanicBecomesInternal(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	ctx := withToken(e.token(t, coordinator))
	_, err := e.echo(ctx, "panic")
	if st := status.Convert(err); st.Code() != codes.Internal || st.Message() != "internal error" {
		t.Fatalf(`Echo("panic") = %v, want Internal "internal error"`, err)
	}
	if _, err := e.echo(ctx, "after the panic"); err != nil {
		t.Fatalf("Echo after a panic = %v, want the server still serving", err)
	}
	recs := e.logs.records(t, "panic in gRPC handler")
	if len(recs) != 1 || recs[0]["panic"] != "boom" || !strings.Contains(recs[0]["stack"].(string), "testServer).echo") {
		t.Errorf("panic log records = %v, want one with the panic value and the handler's stack", recs)
	}
	if m := scrape(t, e.metrics); !strings.Contains(m, "grpc_req_panics_recovered_total 1") {
		t.Errorf("metrics lack grpc_req_panics_recovered_total 1:\n%s", m)
	}
}

func TestDomainErrors(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	ctx := withToken(e.token(t, coordinator))

	_, err := e.echo(ctx, "rule")
	st := status.Convert(err)
	if st.Code() != codes.FailedPrecondition || st.Message() != "transition 01J was completed on 2026-11-02" {
		t.Fatalf(`Echo("rule") = %v, want FailedPrecondition with the rule's reason`, err)
	}
	want := []any{&errdetails.PreconditionFailure{Violations: []*errdetails.PreconditionFailure_Violation{{
		Type: "transition.already_completed", Subject: "transition/01J", Description: "transition 01J was completed on 2026-11-02",
	}}}}
	if diff := cmp.Diff(want, st.Details(), protocmp.Transform()); diff != "" {
		t.Errorf(`Echo("rule") details (-want +got):\n%s`, diff)
	}

	_, err = e.echo(ctx, "secret")
	if st := status.Convert(err); st.Code() != codes.Internal || st.Message() != "internal error" {
		t.Fatalf(`Echo("secret") = %v, want Internal "internal error" and no cause`, err)
	}
	var logged bool
	for _, r := range e.logs.records(t, "rpc") {
		if r["code"] == "Internal" && strings.Contains(r["error"].(string), "/var/lib/maillage/secret") && r["level"] == "ERROR" {
			logged = true
		}
	}
	if !logged {
		t.Error("the cause of the Internal error was not logged at level ERROR")
	}
}

func TestValidation(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	ctx := withToken(e.token(t, coordinator))
	typ := validatedRequestType(t)

	err := e.conn.Invoke(ctx, validateMethod, typ.New().Interface(), &emptypb.Empty{})
	st := status.Convert(err)
	if st.Code() != codes.InvalidArgument {
		t.Fatalf("Validate(empty) = %v, want InvalidArgument", err)
	}
	if len(st.Details()) != 1 {
		t.Fatalf("Validate(empty) details = %v, want one BadRequest", st.Details())
	}
	br, ok := st.Details()[0].(*errdetails.BadRequest)
	if !ok {
		t.Fatalf("Validate(empty) detail = %T, want *errdetails.BadRequest", st.Details()[0])
	}
	var got []string
	for _, v := range br.GetFieldViolations() {
		got = append(got, v.GetField()+": "+v.GetDescription())
	}
	want := []string{"name: must be at least 1 characters", "count: must be greater than 0"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Validate(empty) field violations (-want +got):\n%s", diff)
	}

	valid := typ.New()
	valid.Set(typ.Descriptor().Fields().ByName("name"), protoreflect.ValueOfString("Camille"))
	valid.Set(typ.Descriptor().Fields().ByName("count"), protoreflect.ValueOfInt32(2))
	if err := e.conn.Invoke(ctx, validateMethod, valid.Interface(), &emptypb.Empty{}); err != nil {
		t.Errorf("Validate(valid) = %v, want nil", err)
	}
}

func TestHealthAndReflectionArePublic(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	ctx := context.Background() // no token
	for _, svc := range []string{"", testService} {
		resp, err := healthpb.NewHealthClient(e.conn).Check(ctx, &healthpb.HealthCheckRequest{Service: svc})
		if err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			t.Errorf("Check(%q) = %v, %v; want SERVING", svc, resp, err)
		}
	}

	stream, err := reflectionpb.NewServerReflectionClient(e.conn).ServerReflectionInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}); err != nil {
		t.Fatal(err)
	}
	resp, err := stream.Recv()
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.CloseSend(); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range resp.GetListServicesResponse().GetService() {
		names = append(names, s.GetName())
	}
	for _, want := range []string{testService, "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection"} {
		if !slices.Contains(names, want) {
			t.Errorf("reflection lists %v, want %s among them", names, want)
		}
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	if _, err := e.echo(withToken(e.token(t, coordinator)), "count me"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.echo(context.Background(), "no token"); status.Code(err) != codes.Unauthenticated {
		t.Fatal(err)
	}
	m := scrape(t, e.metrics)
	for _, want := range []string{
		`grpc_server_handled_total{grpc_code="OK",grpc_method="Echo",grpc_service="maillage.test.v1.TestService",grpc_type="unary"} 1`,
		// Refused before its body is read: the call never starts.
		`maillage_grpc_unauthenticated_total{grpc_method="Echo",grpc_service="maillage.test.v1.TestService"} 1`,
		`grpc_server_handling_seconds_bucket{grpc_method="Echo",grpc_service="maillage.test.v1.TestService",grpc_type="unary",le="0.0005"}`,
		`grpc_server_started_total{grpc_method="Watch",grpc_service="maillage.test.v1.TestService",grpc_type="server_stream"} 0`,
		"go_goroutines ",
		"process_resident_memory_bytes ",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func scrape(t *testing.T, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d, %v", url, resp.StatusCode, err)
	}
	return string(b)
}

func TestGracefulShutdownLetsInFlightCallsFinish(t *testing.T) {
	t.Parallel()
	e := start(t, options{shutdownTimeout: time.Minute})
	ctx := withToken(e.token(t, coordinator))

	// Watch health to see the moment shutdown starts.
	watchCtx, stopWatch := context.WithCancel(context.Background())
	defer stopWatch()
	watch, err := healthpb.NewHealthClient(e.conn).Watch(watchCtx, &healthpb.HealthCheckRequest{Service: testService})
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := watch.Recv(); err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("Watch = %v, %v; want SERVING first", resp, err)
	}

	slow := make(chan error, 1)
	go func() {
		_, err := e.echo(ctx, "slow")
		slow <- err
	}()
	<-e.svc.slowStarted

	e.cancel()
	if resp, err := watch.Recv(); err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Fatalf("Watch after cancel = %v, %v; want NOT_SERVING", resp, err)
	}
	stopWatch() // a long-lived stream would hold the graceful stop too

	select {
	case err := <-e.serveDone:
		t.Fatalf("Serve returned %v while a call was in flight", err)
	case err := <-slow:
		t.Fatalf("the slow call ended (%v) before it was released", err)
	default:
	}
	e.svc.releaseSlow()
	if err := <-slow; err != nil {
		t.Errorf("slow call = %v, want it to finish normally during shutdown", err)
	}
	if err := e.stop(t); err != nil {
		t.Errorf("Serve = %v, want nil", err)
	}
}

func TestShutdownTimeoutCancelsCalls(t *testing.T) {
	t.Parallel()
	e := start(t, options{shutdownTimeout: 50 * time.Millisecond})
	ctx := withToken(e.token(t, coordinator))
	hung := make(chan error, 1)
	go func() {
		_, err := e.echo(ctx, "hang")
		hung <- err
	}()
	<-e.svc.slowStarted
	if err := e.stop(t); err != nil {
		t.Errorf("Serve = %v, want nil", err)
	}
	if err := <-hung; status.Code(err) == codes.OK {
		t.Error("a call that outlived the shutdown timeout succeeded, want it cancelled")
	}
}

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	_, err := server.New(server.Config{
		Addr:            "no port",
		PublicMethods:   []string{"/maillage.partners.v1.Directory/", "/maillage.partners.v1.Directory/Search", "Directory", "/a/b/c"},
		ShutdownTimeout: -time.Second,
		TLS:             &tls.Config{MinVersion: tls.VersionTLS10},
	})
	if err == nil {
		t.Fatal("New(bad config) succeeded")
	}
	for _, want := range []string{"missing Verifier", `bad Addr "no port"`, `"Directory" is neither`, `"/a/b/c" is neither`, "negative ShutdownTimeout", "TLS 1.0", "no certificate in TLS"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("New(bad config) = %v, want it to mention %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "Directory/Search") {
		t.Errorf("New(bad config) = %v, want valid PublicMethods accepted", err)
	}
}

// A call without a valid token is refused from its headers: a body larger
// than the server takes is never read. With a token, the size bound
// answers RESOURCE_EXHAUSTED.
func TestAuthenticationComesBeforeTheBody(t *testing.T) {
	t.Parallel()
	e := start(t, options{})
	big := strings.Repeat("x", 4<<20)
	if _, err := e.echo(context.Background(), big); status.Code(err) != codes.Unauthenticated {
		t.Fatalf("4 MiB without a token = %v, want Unauthenticated", err)
	}
	if _, err := e.echo(withToken("forged.token.value"), big); status.Code(err) != codes.Unauthenticated {
		t.Fatalf("4 MiB with a forged token = %v, want Unauthenticated", err)
	}
	if _, err := e.echo(withToken(e.token(t, coordinator)), big); status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("4 MiB with a token = %v, want ResourceExhausted", err)
	}
	if _, err := e.echo(withToken(e.token(t, coordinator)), "small"); err != nil {
		t.Fatalf("a small call after them: %v", err)
	}
}

// A subscription (a server stream that runs until its client leaves) does
// not hold the graceful stop: it ends at once with UNAVAILABLE, for the
// client to subscribe again.
func TestStopEndsSubscriptions(t *testing.T) {
	t.Parallel()
	e := start(t, options{shutdownTimeout: time.Minute})
	ctx := withToken(e.token(t, coordinator))
	stream, err := e.conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true}, watchMethod)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.SendMsg(wrapperspb.String("follow")); err != nil {
		t.Fatal(err)
	}
	if err := stream.CloseSend(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := stream.RecvMsg(&wrapperspb.StringValue{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.stop(t); err != nil { // fails past 10 s: the stop would wait a minute for the stream
		t.Errorf("Serve = %v, want nil", err)
	}
	if err := stream.RecvMsg(&wrapperspb.StringValue{}); status.Code(err) != codes.Unavailable {
		t.Errorf("the subscription ended with %v, want UNAVAILABLE (subscribe again)", err)
	}
}
