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
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	"github.com/maillage/maillage/internal/auth"
)

// The principal of a minted token: a coordinator of one organisation.
var loadPrincipal = auth.Principal{
	Subject: "maillage-load", Organisation: "750000001", Role: auth.RoleCoordinateur, Name: "maillage-load",
}

// checkLoopback accepts host:port where host is a loopback IP literal
// (127.0.0.0/8, ::1) or "localhost", and refuses everything else, names
// included: a load generator must never be pointed at someone else's
// machine, and a name could resolve elsewhere between a check and a dial.
func checkLoopback(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port: %v", addr, err)
	}
	if port == "" {
		return fmt.Errorf("%q has no port", addr)
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%q is not a loopback address: maillage-load only targets 127.0.0.0/8, ::1 or localhost on this machine", addr)
	}
	return nil
}

// dialAddr is what grpc dials: "localhost" becomes 127.0.0.1, so that no
// resolver ever decides where the load goes.
func dialAddr(addr string) string {
	host, port, _ := net.SplitHostPort(addr)
	if strings.EqualFold(host, "localhost") {
		return net.JoinHostPort("127.0.0.1", port)
	}
	return addr
}

// dial connects over TLS, trusting cfg.CAFile, with a bearer token on every
// call: cfg.Token, or one minted with the signing key under cfg.DataDir.
func dial(cfg config) (*grpc.ClientConn, error) {
	if err := checkLoopback(cfg.Addr); err != nil { // again: load may be called without main's checks
		return nil, err
	}
	pem, err := os.ReadFile(cfg.CAFile)
	if err != nil {
		return nil, fmt.Errorf("CA certificate: %w (is --data maillaged's data directory?)", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA certificate: no PEM certificate in %s", cfg.CAFile)
	}
	// maillaged's development certificate names localhost, 127.0.0.1 and
	// ::1; naming localhost also covers the rest of 127.0.0.0/8.
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: pool, ServerName: "localhost"}
	token := cfg.Token
	if token == "" {
		if token, err = mintToken(cfg.DataDir); err != nil {
			return nil, err
		}
	}
	cc, err := grpc.NewClient(dialAddr(cfg.Addr),
		grpc.WithTransportCredentials(credentials.NewTLS(tlsCfg)),
		grpc.WithPerRPCCredentials(bearer(token)))
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", cfg.Addr, err)
	}
	return cc, nil
}

func mintToken(dataDir string) (string, error) {
	key, err := auth.LoadSigningKey(dataDir)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("no signing key at %s: point --data at maillaged's data directory, or pass --token", auth.SigningKeyPath(dataDir))
	}
	if err != nil {
		return "", err
	}
	iss, err := auth.NewIssuer(auth.IssuerConfig{Key: key})
	if err != nil {
		return "", err
	}
	return iss.Issue(loadPrincipal)
}

type bearer string

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + string(b)}, nil
}
func (bearer) RequireTransportSecurity() bool { return true }
