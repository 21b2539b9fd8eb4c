package kv_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/projection/kv"
)

func TestBatchWritesValuesAndPositionTogether(t *testing.T) {
	dir := t.TempDir()
	db, err := kv.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := db.Position(); err != nil || !p.IsZero() {
		t.Fatalf("a new store at %v, %v", p, err)
	}
	b := db.NewBatch()
	for i := range 10 {
		_ = b.Set([]byte(fmt.Sprintf("c/750000001/prof-1/%02d", i)), []byte{byte(i)})
	}
	_ = b.Set([]byte("v/p1"), []byte("view"))
	if err := b.Commit(es.PositionAt(42)); err != nil {
		t.Fatal(err)
	}
	// An uncommitted batch changes nothing.
	lost := db.NewBatch()
	_ = lost.Set([]byte("v/p2"), []byte("never"))
	lost.Discard()
	mustClose(t, db)

	db, err = kv.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if p, _ := db.Position(); p != es.PositionAt(42) {
		t.Errorf("position after reopen %v, want 42", p)
	}
	if v, ok, _ := db.Get([]byte("v/p1")); !ok || string(v) != "view" {
		t.Errorf("v/p1 = %q, %v", v, ok)
	}
	if _, ok, _ := db.Get([]byte("v/p2")); ok {
		t.Error("a discarded batch was written")
	}
	var keys []string
	err = db.Scan([]byte("c/750000001/prof-1/"), []byte("c/750000001/prof-1/03"), func(k, _ []byte) bool {
		keys = append(keys, string(k))
		return len(keys) < 4
	})
	if err != nil || len(keys) != 4 || keys[0] != "c/750000001/prof-1/04" || keys[3] != "c/750000001/prof-1/07" {
		t.Errorf("scan after 03, 4 keys = %v, %v", keys, err)
	}
}

func mustClose(t *testing.T, db *kv.DB) {
	t.Helper()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestCacheDropsTheLeastRecentlyUsed(t *testing.T) {
	c := kv.NewCache[int](2)
	c.Put("a", 1)
	c.Put("b", 2)
	c.Get("a")
	c.Put("c", 3)
	if _, ok := c.Get("b"); ok {
		t.Error("b, least recently used, kept")
	}
	if v, ok := c.Get("a"); !ok || v != 1 || c.Len() != 2 {
		t.Errorf("a = %d, %v; len %d", v, ok, c.Len())
	}
}

func TestScanPrefixes(t *testing.T) {
	db := kv.OpenMem()
	defer db.Close()
	b := db.NewBatch()
	for _, k := range []string{"a/1", "a/2", "b/1", "c/1", "c/2", "ca"} {
		b.Set([]byte(k), []byte(k))
	}
	if err := b.Write(); err != nil {
		t.Fatal(err)
	}
	var got []string
	err := db.ScanPrefixes([][]byte{[]byte("c/"), []byte("a/"), []byte("z/")}, func(k, _ []byte) bool {
		got = append(got, string(k))
		return true
	})
	if err != nil || strings.Join(got, " ") != "c/1 c/2 a/1 a/2" {
		t.Fatalf("ScanPrefixes = %v, %v; want c/1 c/2 a/1 a/2", got, err)
	}
	got = nil
	db.ScanPrefixes([][]byte{[]byte("a/"), []byte("c/")}, func(k, _ []byte) bool { got = append(got, string(k)); return len(got) < 3 })
	if len(got) != 3 {
		t.Fatalf("ScanPrefixes went on after fn said stop: %v", got)
	}
}

func TestScanBackward(t *testing.T) {
	db := kv.OpenMem()
	defer db.Close()
	b := db.NewBatch()
	for _, k := range []string{"a/1", "c/1", "c/2", "c/3", "ca"} {
		b.Set([]byte(k), []byte(k))
	}
	if err := b.Write(); err != nil {
		t.Fatal(err)
	}
	scan := func(before string, limit int) string {
		var got []string
		err := db.ScanBackward([]byte("c/"), []byte(before), func(k, _ []byte) bool { got = append(got, string(k)); return len(got) < limit })
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(got, " ")
	}
	if got := scan("", 10); got != "c/3 c/2 c/1" {
		t.Fatalf("ScanBackward = %q, want c/3 c/2 c/1", got)
	}
	if got := scan("c/3", 1); got != "c/2" {
		t.Fatalf("ScanBackward below c/3, one = %q, want c/2", got)
	}
}

func TestSuffixes(t *testing.T) {
	db := kv.OpenMem()
	defer db.Close()
	b := db.NewBatch()
	for _, k := range []string{"o/A/m2", "o/A/m1", "o/AB/m3", "o/B/m4"} {
		b.Set([]byte(k), nil)
	}
	if err := b.Write(); err != nil {
		t.Fatal(err)
	}
	got, err := db.Suffixes([]byte("o/A/"))
	if err != nil || strings.Join(got, " ") != "m1 m2" {
		t.Fatalf("Suffixes(o/A/) = %v, %v; want m1 m2", got, err)
	}
}
