package server

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"slices"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	"github.com/maillage/maillage/internal/auth"
)

// Client certificates (mTLS) identify organisations: an ESSMS system
// connects with a certificate naming its FINESS or SIRET number, and every
// token on that connection must act for that organisation. Bearer tokens
// still identify the professionals.

// ClientCertPolicy says whether clients present certificates.
type ClientCertPolicy string

// The policies.
const (
	// ClientCertOff: no client certificate is asked for.
	ClientCertOff ClientCertPolicy = ""
	// ClientCertOptional: a certificate is verified when presented, and
	// then names the organisation of every token on the connection.
	ClientCertOptional ClientCertPolicy = "optional"
	// ClientCertRequired: every connection presents one.
	ClientCertRequired ClientCertPolicy = "required"
)

// LoadClientCAs reads the PEM bundle of the CAs that sign client
// certificates.
func LoadClientCAs(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("client CAs: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("client CAs: no certificate in %s", file)
	}
	return pool, nil
}

// withClientCerts returns tlsCfg asking for client certificates by policy.
func withClientCerts(tlsCfg *tls.Config, pool *x509.CertPool, policy ClientCertPolicy) *tls.Config {
	if tlsCfg == nil || policy == ClientCertOff {
		return tlsCfg
	}
	c := tlsCfg.Clone()
	c.ClientCAs = pool
	c.ClientAuth = tls.VerifyClientCertIfGiven
	if policy == ClientCertRequired {
		c.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return c
}

// CertificateOrganisations returns the organisations a client certificate
// names: the FINESS or SIRET numbers among its subject's serial number,
// organizational units and organizations.
func CertificateOrganisations(cert *x509.Certificate) []string {
	var out []string
	for _, v := range append(append([]string{cert.Subject.SerialNumber}, cert.Subject.OrganizationalUnit...), cert.Subject.Organization...) {
		if auth.ValidateOrganisation(v) == nil && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// checkConnectionOrganisation refuses a principal whose organisation is
// not the one the connection's client certificate names.
func (s *Server) checkConnectionOrganisation(ctx context.Context, p auth.Principal) error {
	if s.cfg.ClientCerts == ClientCertOff {
		return nil
	}
	pr, ok := peer.FromContext(ctx)
	var leaf *x509.Certificate
	if ok {
		if ti, ok := pr.AuthInfo.(credentials.TLSInfo); ok && len(ti.State.VerifiedChains) > 0 && len(ti.State.VerifiedChains[0]) > 0 {
			leaf = ti.State.VerifiedChains[0][0]
		}
	}
	if leaf == nil {
		if s.cfg.ClientCerts == ClientCertRequired {
			return status.Error(codes.Unauthenticated, "a client certificate naming the organisation is required")
		}
		return nil
	}
	orgs := CertificateOrganisations(leaf)
	if len(orgs) == 0 {
		return status.Errorf(codes.Unauthenticated, "the client certificate %q names no FINESS or SIRET number (subject serialNumber, OU or O)", leaf.Subject.CommonName)
	}
	if !slices.Contains(orgs, p.Organisation) {
		return status.Errorf(codes.Unauthenticated, "the token acts for %s, the client certificate names %v", p.Organisation, orgs)
	}
	return nil
}
