package server_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/server"
)

// clientCert is a client certificate for an ESSMS system, signed by the
// test server's development CA, naming ou as its organizational unit.
func clientCert(t *testing.T, e *env, ou string) tls.Certificate {
	t.Helper()
	pair, err := tls.LoadX509KeyPair(filepath.Join(e.dir, "tls", "ca.pem"), filepath.Join(e.dir, "tls", "ca-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:   pkix.Name{CommonName: "SI du SAAD", OrganizationalUnit: []string{ou}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, pair.Leaf, key.Public(), pair.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func dialWith(t *testing.T, e *env, certs ...tls.Certificate) *grpc.ClientConn {
	t.Helper()
	cc, err := grpc.NewClient(e.addr, grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: e.roots, Certificates: certs})))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	return cc
}

func echoOn(cc *grpc.ClientConn, tok string) error {
	return cc.Invoke(withToken(tok), echoMethod, wrapperspb.String("hi"), &wrapperspb.StringValue{})
}

// A client certificate names the organisation of every token on its
// connection; required, a connection without one is refused.
func TestClientCertificateNamesTheOrganisation(t *testing.T) {
	t.Parallel()
	for _, policy := range []server.ClientCertPolicy{server.ClientCertOptional, server.ClientCertRequired} {
		t.Run(string(policy), func(t *testing.T) {
			e := start(t, options{clientCerts: policy})
			same := e.token(t, coordinator)
			other := e.token(t, auth.Principal{Subject: "x", Organisation: "750000009", Role: auth.RoleCoordinateur})
			withCert := dialWith(t, e, clientCert(t, e, coordinator.Organisation))
			if err := echoOn(withCert, same); err != nil {
				t.Errorf("the certificate's organisation: %v", err)
			}
			if err := echoOn(withCert, other); status.Code(err) != codes.Unauthenticated {
				t.Errorf("a token of another organisation on the connection: %v, want Unauthenticated", err)
			}
			if err := echoOn(dialWith(t, e, clientCert(t, e, "not an organisation")), same); status.Code(err) != codes.Unauthenticated {
				t.Errorf("a certificate naming no organisation: %v, want Unauthenticated", err)
			}
			err := echoOn(dialWith(t, e), same)
			if policy == server.ClientCertRequired && err == nil {
				t.Error("a connection without a certificate was served")
			}
			if policy == server.ClientCertOptional && err != nil {
				t.Errorf("optional, no certificate: %v", err)
			}
		})
	}
}
