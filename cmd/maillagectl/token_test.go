package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/maillage/maillage/internal/auth"
)

// run runs maillagectl with args and env, and returns its stdout and error.
func run(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	cmd := newRootCmd(func(k string) string { return env[k] })
	var stdout, stderr bytes.Buffer
	cmd.SetOut(&stdout)
	cmd.SetErr(&stderr)
	cmd.SetArgs(args)
	err := cmd.ExecuteContext(context.Background())
	return stdout.String(), err
}

func TestToken(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	key, err := auth.LoadOrCreateSigningKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	verifier, err := auth.NewVerifier(auth.VerifierConfig{Keys: auth.NewStaticKeys(key.Public().(ed25519.PublicKey))})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		env  map[string]string
		args []string
		want auth.Principal
	}{
		{
			name: "every flag",
			args: []string{"--data", dir, "token", "--org", "73282932000074", "--role", "referent", "--subject", "prof-42", "--name", "Camille Martin", "--ttl", "1h"},
			want: auth.Principal{Subject: "prof-42", Organisation: "73282932000074", Role: auth.RoleReferent, Name: "Camille Martin"},
		},
		{
			name: "data directory from MAILLAGE_DATA",
			env:  map[string]string{"MAILLAGE_DATA": dir},
			args: []string{"token", "--org", "750000001", "--role", "coordinateur", "--subject", "prof-7"},
			want: auth.Principal{Subject: "prof-7", Organisation: "750000001", Role: auth.RoleCoordinateur},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := run(t, tt.env, tt.args...)
			if err != nil {
				t.Fatalf("maillagectl %s = %v", strings.Join(tt.args, " "), err)
			}
			got, err := verifier.Verify(strings.TrimSuffix(out, "\n"))
			if err != nil {
				t.Fatalf("Verify(printed token) = %v", err)
			}
			if diff := cmp.Diff(tt.want, got.Who()); diff != "" {
				t.Errorf("principal of the printed token (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTokenLifetime(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	key, err := auth.LoadOrCreateSigningKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	out, err := run(t, nil, "--data", dir, "token", "--org", "750000001", "--role", "dpo", "--ttl", "2h")
	if err != nil {
		t.Fatal(err)
	}
	tok := strings.TrimSpace(out)
	for _, tc := range []struct {
		after time.Duration
		valid bool
	}{{time.Hour + 59*time.Minute, true}, {2*time.Hour + time.Minute, false}} {
		at := time.Now().Add(tc.after)
		v, err := auth.NewVerifier(auth.VerifierConfig{Keys: auth.NewStaticKeys(key.Public().(ed25519.PublicKey)), Now: func() time.Time { return at }})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := v.Verify(tok); (err == nil) != tc.valid {
			t.Errorf("Verify(--ttl 2h token) %v later = %v, want valid %v", tc.after, err, tc.valid)
		}
	}
}

func TestTokenErrors(t *testing.T) {
	t.Parallel()
	withKey := t.TempDir()
	if _, err := auth.LoadOrCreateSigningKey(withKey); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no key", []string{"--data", t.TempDir(), "token", "--org", "750000001", "--role", "dpo"}, "start maillaged once: it creates the key"},
		{"bad SIRET", []string{"--data", withKey, "token", "--org", "73282932000075", "--role", "dpo"}, `--org: "73282932000075" is not a SIRET number`},
		{"unknown role", []string{"--data", withKey, "token", "--org", "750000001", "--role", "chef"}, `--role: "chef" is not one of`},
		{"no org", []string{"--data", withKey, "token", "--role", "dpo"}, `required flag(s) "org" not set`},
		{"zero ttl", []string{"--data", withKey, "token", "--org", "750000001", "--role", "dpo", "--ttl", "0s"}, "--ttl 0s: want a positive duration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := run(t, nil, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("maillagectl %s = %v, want an error containing %q", strings.Join(tt.args, " "), err, tt.want)
			}
			if out != "" {
				t.Errorf("maillagectl %s printed %q on failure, want nothing on stdout", strings.Join(tt.args, " "), out)
			}
		})
	}
}
