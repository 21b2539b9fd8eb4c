package server

import (
	"crypto/tls"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestEnsureDevCertificate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }

	certFile, keyFile, caFile, err := ensureDevCertificate(dir, clock)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{
		filepath.Join(dir, "tls"):               0o700 | os.ModeDir,
		keyFile:                                 0o600,
		filepath.Join(dir, "tls", "ca-key.pem"): 0o600,
		certFile:                                0o644,
		caFile:                                  0o644,
	} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("mode of %s = %v, want %v", path, fi.Mode(), want)
		}
	}
	cfg, err := LoadTLS(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.MinVersion != tls.VersionTLS12 {
		t.Errorf("LoadTLS MinVersion = %s, want TLS 1.2", tls.VersionName(cfg.MinVersion))
	}
	leaf := cfg.Certificates[0].Leaf
	for _, host := range []string{"localhost", "127.0.0.1", "::1"} {
		if err := leaf.VerifyHostname(host); err != nil {
			t.Errorf("certificate does not cover %s: %v", host, err)
		}
	}
	read := func(name string) string {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	firstCA, firstCert := read(caFile), read(certFile)

	// A later start reuses both.
	if _, _, _, err := ensureDevCertificate(dir, clock); err != nil {
		t.Fatal(err)
	}
	if read(caFile) != firstCA || read(certFile) != firstCert {
		t.Error("a second start replaced the certificates, want them reused")
	}

	// Near its expiry, the server certificate is issued again by the same CA.
	now = leaf.NotAfter.Add(-24 * time.Hour)
	if _, _, _, err := ensureDevCertificate(dir, clock); err != nil {
		t.Fatal(err)
	}
	if read(caFile) != firstCA {
		t.Error("renewing the server certificate replaced the CA, want clients to keep trusting it")
	}
	if read(certFile) == firstCert {
		t.Error("a server certificate a day from expiry was kept, want it renewed")
	}
}

func TestLoadTLSMissingFiles(t *testing.T) {
	t.Parallel()
	if _, err := LoadTLS(filepath.Join(t.TempDir(), "nope.pem"), "nope-key.pem"); err == nil {
		t.Error("LoadTLS(missing files) succeeded, want an error")
	}
}
