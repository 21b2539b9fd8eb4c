package app_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	"github.com/maillage/maillage/cmd/internal/app"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/natsembed"
)

// running is a maillaged started in-process on loopback, as `make run`
// starts it: embedded NATS, TLS auto, real tokens.
type running struct {
	app  *app.App
	dir  string
	stop func() error
}

func start(t *testing.T, dataDir string, now func() time.Time) *running {
	t.Helper()
	return startWith(t, dataDir, now, natsembed.SyncInterval)
}

func startWith(t testing.TB, dataDir string, now func() time.Time, sync natsembed.SyncPolicy) *running {
	t.Helper()
	return startConfig(t, app.Config{DataDir: dataDir, Sync: sync, Now: now})
}

// startConfig runs maillaged with cfg, on loopback, its logs discarded,
// until the test ends.
func startConfig(t testing.TB, cfg app.Config) *running {
	t.Helper()
	cfg.Addr, cfg.MetricsAddr = "127.0.0.1:0", "off"
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	r := &running{app: a, dir: cfg.DataDir}
	stopped := false
	var runErr error
	r.stop = func() error {
		if !stopped {
			stopped = true
			cancel()
			runErr = <-done
		}
		return runErr
	}
	t.Cleanup(func() { r.stop() })
	return r
}

// client dials like an ESSMS information system: TLS with maillaged's CA,
// a bearer token for one professional of one organisation (none for the
// zero Principal).
func (r *running) client(t testing.TB, p auth.Principal) *grpc.ClientConn {
	t.Helper()
	var token string
	if p.Subject != "" {
		token = r.token(t, p, auth.IssuerConfig{})
	}
	return r.dial(t, token)
}

// token is a token of maillaged's local key for p; cfg may set its
// lifetime and clock.
func (r *running) token(t testing.TB, p auth.Principal, cfg auth.IssuerConfig) string {
	t.Helper()
	key, err := auth.LoadSigningKey(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Key = key
	iss, err := auth.NewIssuer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	token, err := iss.Issue(p)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// dial connects as an ESSMS system would, with token as bearer ("" for
// none).
func (r *running) dial(t testing.TB, token string) *grpc.ClientConn {
	t.Helper()
	pem, err := os.ReadFile(r.app.CAFile())
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	opts := []grpc.DialOption{grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: pool, ServerName: "localhost"}))}
	if token != "" {
		opts = append(opts, grpc.WithPerRPCCredentials(bearer(token)))
	}
	cc, err := grpc.NewClient(r.app.Addr().String(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	return cc
}

type bearer string

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + string(b)}, nil
}
func (bearer) RequireTransportSecurity() bool { return true }

var coordinatrice = auth.Principal{Subject: "prof-42", Organisation: "750000001", Role: auth.RoleCoordinateur, Name: "Claire Martin"}

func waitServing(t testing.TB, cc *grpc.ClientConn, service string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	w, err := healthpb.NewHealthClient(cc).Watch(ctx, &healthpb.HealthCheckRequest{Service: service})
	if err != nil {
		t.Fatal(err)
	}
	for {
		resp, err := w.Recv()
		if err != nil {
			t.Fatalf("%s never SERVING: %v", service, err)
		}
		if resp.Status == healthpb.HealthCheckResponse_SERVING {
			return
		}
	}
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func wantCode(t *testing.T, err error, code codes.Code) *status.Status {
	t.Helper()
	st, _ := status.FromError(err)
	if st.Code() != code {
		t.Fatalf("error = %v, want %s", err, code)
	}
	return st
}

func fieldViolations(st *status.Status) []string {
	var fields []string
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				fields = append(fields, v.GetField())
			}
		}
	}
	return fields
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

func mustNil(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
