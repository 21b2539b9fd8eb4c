package app_test

import (
	"path/filepath"
	"testing"

	"github.com/nats-io/nats-server/v2/server"
)

// The NATS configurations shipped in deploy/ parse with the nats-server
// maillaged embeds, and let no client in without an account.
func TestDeployNATSConfigurationsRequireAnAccount(t *testing.T) {
	t.Setenv("MAILLAGE_NATS_PASSWORD", "a-password-for-the-test-only")
	files, err := filepath.Glob("../../../deploy/nats-cluster/*.conf")
	if err != nil || len(files) != 3 {
		t.Fatalf("deploy/nats-cluster: %v, %v", files, err)
	}
	for _, f := range files {
		opts, err := server.ProcessConfigFile(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if len(opts.Users) == 0 || opts.Users[0].Password != "a-password-for-the-test-only" {
			t.Errorf("%s: users %v; want the maillage account with the password from the environment", f, opts.Users)
		}
	}
}
