package main

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// The demo runs a territory of its own: risks appear as the clock moves,
// the coordination is told, and the foyers that accept resolve them.
func TestDemoTellsRisksRaisedToldAndResolved(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	code := execute(ctx, []string{"demo", "--people", "30", "--days", "90", "--step", "15",
		"--finess", "../../services/partners/finess/testdata/etalab-cs1100507-stock-sample.csv"}, func(string) string { return "" }, &out, &errOut)
	if code != 0 {
		t.Fatalf("demo: exit %d, stderr %s", code, errOut.String())
	}
	last := func(re string) int {
		m := regexp.MustCompile(re).FindAllStringSubmatch(out.String(), -1)
		if len(m) == 0 {
			t.Fatalf("no %q in:\n%s", re, out.String())
		}
		n, _ := strconv.Atoi(m[len(m)-1][1])
		return n
	}
	raised, resolved, told, accepted := last(`levés :\s+(\d+)`), last(`résolus :\s+(\d+)`), last(`notifications reçues :\s+(\d+)`), last(`; (\d+) acceptent`)
	if raised == 0 || accepted == 0 || resolved < accepted || told != raised+resolved {
		t.Fatalf("raised %d, accepted %d, resolved %d, told %d; want risks raised, each acceptance resolving one, each told:\n%s",
			raised, accepted, resolved, told, out.String())
	}
}
