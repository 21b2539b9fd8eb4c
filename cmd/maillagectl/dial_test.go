package main

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"

	"github.com/maillage/maillage/internal/server"
)

// startHealthServer serves grpc health on loopback, over TLS when tlsDir is
// not empty, and sends every call's "authorization" metadata to auth.
func startHealthServer(t *testing.T, tlsDir string) (addr, caFile string, authz <-chan []string) {
	t.Helper()
	seen := make(chan []string, 1)
	opts := []grpc.ServerOption{grpc.UnaryInterceptor(func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		seen <- metadata.ValueFromIncomingContext(ctx, "authorization")
		return h(ctx, req)
	})}
	if tlsDir != "" {
		certFile, keyFile, ca, err := server.EnsureDevCertificate(tlsDir)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := server.LoadTLS(certFile, keyFile)
		if err != nil {
			t.Fatal(err)
		}
		opts = append(opts, grpc.Creds(credentials.NewTLS(cfg)))
		caFile = ca
	}
	srv := grpc.NewServer(opts...)
	healthpb.RegisterHealthServer(srv, health.NewServer())
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(lis)
	t.Cleanup(srv.Stop)
	return lis.Addr().String(), caFile, seen
}

func TestDialSendsTheToken(t *testing.T) {
	t.Parallel()
	tlsAddr, caFile, tlsAuthz := startHealthServer(t, t.TempDir())
	plainAddr, _, plainAuthz := startHealthServer(t, "")
	tests := []struct {
		name  string
		g     globals
		authz <-chan []string
	}{
		{"TLS, --token", globals{addr: tlsAddr, tlsCA: caFile, token: "tok-1"}, tlsAuthz},
		{"TLS, MAILLAGE_TOKEN", globals{addr: tlsAddr, tlsCA: caFile}, tlsAuthz},
		// maillaged --tls=auto writes <data>/tls/ca.pem: trusted with no --tls-ca.
		{"TLS, CA from --data", globals{addr: tlsAddr, dataDir: filepath.Dir(filepath.Dir(caFile))}, tlsAuthz},
		{"plaintext to loopback", globals{addr: plainAddr, insecure: true, token: "tok-1"}, plainAuthz},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.g.getenv = func(k string) string { return map[string]string{"MAILLAGE_TOKEN": "tok-1"}[k] }
			ctx := context.Background()
			conn, err := tt.g.dial(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			if _, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{}); err != nil {
				t.Fatalf("Check = %v", err)
			}
			if got := <-tt.authz; len(got) != 1 || got[0] != "Bearer tok-1" {
				t.Errorf("authorization metadata = %q, want [Bearer tok-1]", got)
			}
		})
	}
}

func TestDialTLSNeedsTrustedCA(t *testing.T) {
	t.Parallel()
	addr, _, _ := startHealthServer(t, t.TempDir())
	// No --tls-ca and no CA in --data: the system roots do not know the dev CA.
	g := globals{addr: addr, dataDir: t.TempDir(), token: "tok", getenv: func(string) string { return "" }}
	conn, err := g.dial(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := healthpb.NewHealthClient(conn).Check(context.Background(), &healthpb.HealthCheckRequest{}); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("Check with an untrusted certificate = %v, want a certificate error", err)
	}
}

func TestDialRefusesPlaintextBeyondLoopback(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"192.0.2.10:7443", "[2001:db8::1]:7443", "dns:///203.0.113.5:7443"} {
		g := globals{addr: addr, insecure: true, token: "tok", getenv: func(string) string { return "" }}
		if conn, err := g.dial(context.Background()); err == nil || !strings.Contains(err.Error(), "loopback address only") {
			if conn != nil {
				conn.Close()
			}
			t.Errorf("dial(--insecure %s) = %v, want a refusal", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:7443", "[::1]:7443", "localhost:7443", "127.0.0.2:7443"} {
		if err := checkLoopback(context.Background(), addr); err != nil {
			t.Errorf("checkLoopback(%s) = %v, want nil", addr, err)
		}
	}
}
