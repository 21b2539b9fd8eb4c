package server

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// LoadTLS returns a server TLS configuration (TLS 1.2 or later) for the PEM
// certificate chain and private key in certFile and keyFile.
func LoadTLS(certFile, keyFile string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("load TLS certificate: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// Lifetimes of the development certificates.
const (
	devCALifetime     = 10 * 365 * 24 * time.Hour
	devServerLifetime = 397 * 24 * time.Hour // the longest browsers accept
	devRenewBefore    = 30 * 24 * time.Hour
)

// EnsureDevCertificate returns a development CA and a server certificate it
// signed for localhost, 127.0.0.1 and ::1, under <dataDir>/tls/ (ca.pem,
// ca-key.pem, server.pem, server-key.pem; keys mode 0600, directory 0700). They are created
// at first call and reused after; the server certificate is issued again,
// by the same CA, within 30 days of its expiry. Clients trust caFile.
// This is for maillaged --tls-auto on a workstation, not for production.
func EnsureDevCertificate(dataDir string) (certFile, keyFile, caFile string, err error) {
	return ensureDevCertificate(dataDir, time.Now)
}

func ensureDevCertificate(dataDir string, now func() time.Time) (certFile, keyFile, caFile string, err error) {
	dir := filepath.Join(dataDir, "tls")
	caFile, caKeyFile := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "ca-key.pem")
	certFile, keyFile = filepath.Join(dir, "server.pem"), filepath.Join(dir, "server-key.pem")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", "", fmt.Errorf("development certificate: %w", err)
	}

	ca, caKey, err := loadPair(caFile, caKeyFile)
	if err != nil || now().Add(devRenewBefore).After(ca.NotAfter) {
		if ca, caKey, err = createCA(caFile, caKeyFile, now()); err != nil {
			return "", "", "", fmt.Errorf("development CA: %w", err)
		}
	}
	if usableServerCert(certFile, keyFile, ca, now()) {
		return certFile, keyFile, caFile, nil
	}
	if err := createServerCert(certFile, keyFile, ca, caKey, now()); err != nil {
		return "", "", "", fmt.Errorf("development server certificate: %w", err)
	}
	return certFile, keyFile, caFile, nil
}

func loadPair(certFile, keyFile string) (*x509.Certificate, crypto.Signer, error) {
	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, nil, err
	}
	signer, ok := pair.PrivateKey.(crypto.Signer)
	if !ok {
		return nil, nil, fmt.Errorf("%s: not a signing key", keyFile)
	}
	return pair.Leaf, signer, nil
}

func usableServerCert(certFile, keyFile string, ca *x509.Certificate, now time.Time) bool {
	leaf, _, err := loadPair(certFile, keyFile)
	if err != nil {
		return false
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	_, err = leaf.Verify(x509.VerifyOptions{
		Roots:       roots,
		DNSName:     "localhost",
		CurrentTime: now.Add(devRenewBefore),
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	return err == nil
}

func createCA(certFile, keyFile string, now time.Time) (*x509.Certificate, crypto.Signer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "Maillage development CA", Organization: []string{"Maillage (development)"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(devCALifetime),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, nil, err
	}
	if err := writePair(certFile, keyFile, der, key); err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

func createServerCert(certFile, keyFile string, ca *x509.Certificate, caKey crypto.Signer, now time.Time) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	serial, err := randomSerial()
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "localhost", Organization: []string{"Maillage (development)"}},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(devServerLifetime),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		return err
	}
	return writePair(certFile, keyFile, der, key)
}

func randomSerial() (*big.Int, error) {
	return rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
}

// writePair writes the key (mode 0600), then the certificate (mode 0644),
// each atomically. A crash between the two leaves a pair that does not match,
// which the next start detects and replaces.
func writePair(certFile, keyFile string, certDER []byte, key crypto.Signer) error {
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return err
	}
	return writeFileAtomic(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: certDER}), 0o644)
}

// writeFileAtomic replaces path with data through a temporary file and a
// rename.
func writeFileAtomic(path string, data []byte, mode os.FileMode) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return errors.Join(err, os.Remove(tmp.Name()))
	}
	return nil
}
