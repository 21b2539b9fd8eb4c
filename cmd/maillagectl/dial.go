package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"os"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
)

// dial returns a connection to maillaged at --addr: over TLS, trusting
// --tls-ca or the system roots, or in plaintext with --insecure, which is
// refused unless the address is loopback (a token must not cross a network
// in clear). Every call carries the bearer token, if any, in its
// "authorization" metadata. ctx bounds the name lookup of that check; the
// connection itself is made on the first call. Close it when done.
func (g *globals) dial(ctx context.Context) (*grpc.ClientConn, error) {
	var transport credentials.TransportCredentials
	if g.insecure {
		if err := checkLoopback(ctx, g.addr); err != nil {
			return nil, fmt.Errorf("--insecure: %w", err)
		}
		transport = insecure.NewCredentials()
	} else {
		cfg := &tls.Config{MinVersion: tls.VersionTLS12}
		if g.tlsCA != "" {
			pem, err := os.ReadFile(g.tlsCA)
			if err != nil {
				return nil, fmt.Errorf("--tls-ca: %w", err)
			}
			cfg.RootCAs = x509.NewCertPool()
			if !cfg.RootCAs.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("--tls-ca: no PEM certificate in %s", g.tlsCA)
			}
		}
		transport = credentials.NewTLS(cfg)
	}
	opts := []grpc.DialOption{grpc.WithTransportCredentials(transport)}
	if tok := g.bearerToken(); tok != "" {
		opts = append(opts, grpc.WithPerRPCCredentials(bearer{token: tok, requireTLS: !g.insecure}))
	}
	conn, err := grpc.NewClient(g.addr, opts...)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", g.addr, err)
	}
	return conn, nil
}

// bearer sends a token with every call. grpc refuses per-RPC credentials on
// a plaintext connection unless they say they do not need transport
// security, which they say only for a loopback --insecure connection.
type bearer struct {
	token      string
	requireTLS bool
}

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + b.token}, nil
}

func (b bearer) RequireTransportSecurity() bool { return b.requireTLS }

// checkLoopback accepts a host:port (optionally "dns:///host:port") whose
// host is a loopback IP, "localhost", or a name that resolves to loopback
// addresses only.
func checkLoopback(ctx context.Context, addr string) error {
	host, _, err := net.SplitHostPort(strings.TrimPrefix(addr, "dns:///"))
	if err != nil {
		return fmt.Errorf("address %q: %w", addr, err)
	}
	notLoopback := fmt.Errorf("plaintext is allowed to a loopback address only (localhost, 127.0.0.1, ::1), not %q", addr)
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() {
			return nil
		}
		return notLoopback
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	ips, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil {
		return fmt.Errorf("address %q: %w", addr, err)
	}
	for _, ip := range ips {
		if !ip.IP.IsLoopback() {
			return notLoopback
		}
	}
	if len(ips) == 0 {
		return notLoopback
	}
	return nil
}
