package main

import (
	"crypto/ed25519"
	"strings"
	"testing"
	"time"

	"github.com/maillage/maillage/internal/auth"
)

func TestBearerToken(t *testing.T) {
	t.Parallel()
	withKey := t.TempDir()
	key, err := auth.LoadOrCreateSigningKey(withKey)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	env := func(token string) func(string) string {
		return func(k string) string { return map[string]string{"MAILLAGE_TOKEN": token}[k] }
	}
	as := auth.Principal{Organisation: "750000001", Role: auth.RoleCoordinateur, Subject: "prof-42"}

	t.Run("--token, then MAILLAGE_TOKEN", func(t *testing.T) {
		for _, g := range []globals{{token: "tok-1", getenv: env("tok-2")}, {getenv: env("tok-1")}} {
			if got, err := g.bearerToken(); got != "tok-1" || err != nil {
				t.Errorf("bearerToken() = %q, %v; want tok-1", got, err)
			}
		}
	})
	t.Run("minted for --as-… with the key in --data", func(t *testing.T) {
		g := globals{dataDir: withKey, as: as, getenv: env(""), now: func() time.Time { return now }}
		tok, err := g.bearerToken()
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			after time.Duration
			valid bool
		}{{4 * time.Minute, true}, {6 * time.Minute, false}} {
			at := now.Add(tc.after)
			v, err := auth.NewVerifier(auth.VerifierConfig{Keys: auth.NewStaticKeys(key.Public().(ed25519.PublicKey)), Now: func() time.Time { return at }})
			if err != nil {
				t.Fatal(err)
			}
			p, err := v.Verify(tok)
			if (err == nil) != tc.valid || (tc.valid && p.Who() != as) {
				t.Errorf("Verify(minted token) %v later = %+v, %v; want valid %v for %+v", tc.after, p, err, tc.valid, as)
			}
		}
	})
	for _, tt := range []struct {
		name string
		g    globals
		want string
	}{
		{"no token, no --as-…", globals{dataDir: withKey, getenv: env("")}, "set MAILLAGE_TOKEN (maillagectl token …) or pass --as-org and --as-role"},
		{"no --as-role", globals{dataDir: withKey, as: auth.Principal{Organisation: "750000001"}, getenv: env("")}, "or pass --as-org and --as-role"},
		{"no key", globals{dataDir: t.TempDir(), as: as, getenv: env("")}, "no signing key at"},
		{"bad --as-org", globals{dataDir: withKey, as: auth.Principal{Organisation: "12", Role: auth.RoleDPO}, getenv: env(""), now: time.Now}, "--as-org:"},
		{"token and --as-…", globals{dataDir: withKey, as: as, getenv: env("tok-1")}, "not with --token or MAILLAGE_TOKEN"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := tt.g.bearerToken(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("bearerToken() = %q, %v; want an error containing %q", got, err, tt.want)
			}
		})
	}
}
