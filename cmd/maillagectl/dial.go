package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
)

// dial returns a connection to maillaged at --addr: over TLS, trusting
// --tls-ca, else the CA maillaged --tls=auto wrote under --data, else the
// system roots; or in plaintext with --insecure, which is refused unless
// the address is loopback (a token must not cross a network in clear).
// Every call carries the bearer token of bearerToken in its
// "authorization" metadata. ctx bounds the name lookup of that check; the
// connection itself is made on the first call. Close it when done.
func (g *globals) dial(ctx context.Context) (*grpc.ClientConn, error) {
	tok, err := g.bearerToken()
	if err != nil {
		return nil, err
	}
	var transport credentials.TransportCredentials
	if g.insecure {
		if err := checkLoopback(ctx, g.addr); err != nil {
			return nil, fmt.Errorf("--insecure: %w", err)
		}
		transport = insecure.NewCredentials()
	} else {
		cfg := &tls.Config{MinVersion: tls.VersionTLS12}
		if cfg.RootCAs, err = g.rootCAs(); err != nil {
			return nil, err
		}
		transport = credentials.NewTLS(cfg)
	}
	conn, err := grpc.NewClient(g.addr,
		grpc.WithTransportCredentials(transport),
		grpc.WithPerRPCCredentials(bearer{token: tok, requireTLS: !g.insecure}))
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", g.addr, err)
	}
	return conn, nil
}

// rootCAs returns the CAs that may sign maillaged's certificate: --tls-ca;
// else <data>/tls/ca.pem when it exists, so that a maillaged started with
// its defaults (--tls=auto) is trusted with no flag; else nil, the system
// roots (a certificate from a public or company CA).
func (g *globals) rootCAs() (*x509.CertPool, error) {
	file, source := g.tlsCA, "--tls-ca"
	if file == "" {
		file, source = filepath.Join(g.dataDir, "tls", "ca.pem"), "maillaged's CA"
		if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
	}
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s: no PEM certificate in %s", source, file)
	}
	return pool, nil
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
