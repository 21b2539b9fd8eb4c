package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// SigningKeyPath is where the local token-signing key lives under a data
// directory.
func SigningKeyPath(dataDir string) string {
	return filepath.Join(dataDir, "keys", "token-signing-key.pem")
}

// LoadOrCreateSigningKey returns the local token-signing key of dataDir,
// creating it at first start: an Ed25519 key, PKCS #8 in PEM, at
// SigningKeyPath, mode 0600 in a directory of mode 0700. The file appears
// atomically and is never replaced: when two processes start together, both
// end up with the key that was written first.
func LoadOrCreateSigningKey(dataDir string) (ed25519.PrivateKey, error) {
	return LoadOrCreateKey(SigningKeyPath(dataDir))
}

// AuditKeyPath is where the key that seals audit trails lives under a data
// directory: apart from the token key, so that either can be rotated or
// kept in another vault.
func AuditKeyPath(dataDir string) string {
	return filepath.Join(dataDir, "keys", "audit-signing-key.pem")
}

// LoadOrCreateKey returns the Ed25519 key at path, creating it as
// LoadOrCreateSigningKey does.
func LoadOrCreateKey(path string) (ed25519.PrivateKey, error) {
	key, err := LoadKey(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create signing key: %w", err)
	}
	_, key, err = ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("create signing key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("create signing key: %w", err)
	}
	data := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	created, err := createFileOnce(path, data)
	if err != nil {
		return nil, fmt.Errorf("create signing key: %w", err)
	}
	if !created {
		return LoadKey(path) // another process won the race
	}
	return key, nil
}

// LoadSigningKey reads the local token-signing key of dataDir and never
// creates it; the error wraps fs.ErrNotExist when there is none.
func LoadSigningKey(dataDir string) (ed25519.PrivateKey, error) {
	return LoadKey(SigningKeyPath(dataDir))
}

// LoadKey reads the Ed25519 key (PKCS #8 in PEM) at path and never creates
// it; the error wraps fs.ErrNotExist when there is none.
func LoadKey(path string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load signing key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("load signing key %s: no PEM \"PRIVATE KEY\" block", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("load signing key %s: %w", path, err)
	}
	key, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("load signing key %s: a %T, want an Ed25519 key", path, k)
	}
	return key, nil
}

// KeyID names an Ed25519 public key by its JWK thumbprint (RFC 7638), the
// "kid" a JWKS would publish for it, so local and OIDC keys share one scheme.
func KeyID(pub ed25519.PublicKey) string {
	// The members of an OKP key's canonical JWK, in lexicographic order.
	jwk := `{"crv":"Ed25519","kty":"OKP","x":"` + base64.RawURLEncoding.EncodeToString(pub) + `"}`
	sum := sha256.Sum256([]byte(jwk))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// createFileOnce writes data to path with mode 0600 unless path exists,
// through a temporary file in the same directory so that no reader ever sees
// a partial file. It reports whether it created path.
func createFileOnce(path string, data []byte) (created bool, err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*") // mode 0600
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp.Name()) // a no-op once linked or renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return false, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return false, err
	}
	if err := tmp.Close(); err != nil {
		return false, err
	}
	// A hard link fails when path exists, where a rename would replace it.
	switch err := os.Link(tmp.Name(), path); {
	case errors.Is(err, fs.ErrExist):
		return false, nil
	case err != nil:
		// Some file systems have no hard links: fall back on a rename,
		// which is still atomic for readers.
		if _, statErr := os.Stat(path); statErr == nil {
			return false, nil
		}
		if err := os.Rename(tmp.Name(), path); err != nil {
			return false, err
		}
	}
	if d, err := os.Open(dir); err == nil {
		// Make the new directory entry durable; best effort.
		_ = d.Sync()
		d.Close()
	}
	return true, nil
}
