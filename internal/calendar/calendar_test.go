package calendar

import (
	"testing"
	"time"

	"github.com/maillage/maillage/internal/derrors"
)

func TestDaysAreParisDays(t *testing.T) {
	// 23:30 UTC on 31 December is already New Year's Day in Paris.
	late := time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)
	if got := Today(late); got != "2027-01-01" {
		t.Errorf("Today(%v) = %s, want 2027-01-01", late, got)
	}
	bad := &derrors.InvalidError{}
	CheckDone(bad, "done_on", "2027-01-01", late, "x")
	CheckAhead(bad, "planned", "2027-01-01", late, "x")
	CheckDate(bad, "day", "2027-01-01")
	if err := bad.OrNil(); err != nil {
		t.Errorf("New Year's Day is today in Paris: %v", err)
	}
	CheckDone(bad, "done_on", "2027-01-02", late, "x")
	CheckAhead(bad, "planned", "2026-12-31", late, "x")
	CheckDate(bad, "day", "2026-02-30")
	if bad.OrNil() == nil || len(bad.Violations) != 3 {
		t.Errorf("violations %v, want tomorrow done, yesterday planned, 30 February", bad.Violations)
	}
}
