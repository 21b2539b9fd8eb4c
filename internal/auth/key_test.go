package auth_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/maillage/maillage/internal/auth"
)

func TestLoadOrCreateSigningKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if _, err := auth.LoadSigningKey(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("LoadSigningKey(empty dir) = %v, want fs.ErrNotExist", err)
	}
	first, err := auth.LoadOrCreateSigningKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	path := auth.SigningKeyPath(dir)
	for p, want := range map[string]fs.FileMode{path: 0o600, filepath.Dir(path): 0o700 | fs.ModeDir} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("mode of %s = %v, want %v", p, fi.Mode(), want)
		}
	}
	again, err := auth.LoadOrCreateSigningKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := auth.LoadSigningKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !first.Equal(again) || !first.Equal(loaded) {
		t.Error("a second start returned another key, want the one created first")
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("keys directory holds %d entries, want only the key (no temporary file left)", len(entries))
	}
}

func TestLoadOrCreateSigningKeyConcurrentStarts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const n = 8
	keys := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			k, err := auth.LoadOrCreateSigningKey(dir)
			if err != nil {
				t.Error(err)
			}
			keys[i] = k
		})
	}
	wg.Wait()
	for i := 1; i < n; i++ {
		if string(keys[i]) != string(keys[0]) {
			t.Fatalf("concurrent starts got different keys, want every start to agree on one")
		}
	}
}

func TestLoadSigningKeyRejectsGarbage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := auth.SigningKeyPath(dir)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := auth.LoadOrCreateSigningKey(dir); err == nil {
		t.Error("LoadOrCreateSigningKey(garbage file) succeeded, want an error (never overwrite a key file)")
	}
}
