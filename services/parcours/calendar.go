package parcours

import (
	"time"

	"github.com/maillage/maillage/internal/calendar"
	"github.com/maillage/maillage/internal/derrors"
)

// The users' calendar is internal/calendar's: days in Europe/Paris.

// dateLayout is how the API and the events write a calendar day.
const dateLayout = calendar.Layout

// parseDate reads a "YYYY-MM-DD" calendar day as midnight UTC.
func parseDate(s string) (time.Time, error) { return calendar.Parse(s) }

// today returns the calendar day of now in Europe/Paris, as midnight UTC.
func today(now time.Time) time.Time { return calendar.Day(now) }

// checkDayDone: date is a calendar day today or earlier (calendar.CheckDone).
func checkDayDone(bad *derrors.InvalidError, field, date string, now time.Time, why string) {
	calendar.CheckDone(bad, field, date, now, why)
}

// checkDayAhead: date is a calendar day today or later (calendar.CheckAhead).
func checkDayAhead(bad *derrors.InvalidError, field, date string, now time.Time, why string) {
	calendar.CheckAhead(bad, field, date, now, why)
}
