package parcours

import (
	"fmt"
	"time"

	// Embedded so that Europe/Paris resolves on hosts and images without a
	// zoneinfo database (distroless, scratch).
	_ "time/tzdata"

	"github.com/maillage/maillage/internal/derrors"
)

// dateLayout is how the API and the events write a calendar day.
const dateLayout = "2006-01-02"

// paris is the time zone of the users' calendar: a transition planned for
// "today" is today in France, whatever the server's zone.
var paris = mustLoadLocation("Europe/Paris")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// Cannot happen with time/tzdata linked in.
		panic(fmt.Sprintf("parcours: load time zone %s: %v", name, err))
	}
	return loc
}

// parseDate reads a "YYYY-MM-DD" calendar day, refusing days that do not
// exist (2026-02-30), as midnight UTC so that days compare as instants.
func parseDate(s string) (time.Time, error) {
	return time.Parse(dateLayout, s)
}

// today returns the calendar day of now in Europe/Paris, as midnight UTC
// like parseDate.
func today(now time.Time) time.Time {
	y, m, d := now.In(paris).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// checkDayDone adds a violation on field unless date is a calendar day
// today or earlier (Europe/Paris): the day something happened. why ends
// the description of a later day.
func checkDayDone(bad *derrors.InvalidError, field, date string, now time.Time, why string) {
	if d, err := parseDate(date); err != nil {
		bad.Add(field, "%q is not a calendar date YYYY-MM-DD", date)
	} else if t := today(now); d.After(t) {
		bad.Add(field, "%s is after today (%s, Europe/Paris): %s", date, t.Format(dateLayout), why)
	}
}

// checkDayAhead adds a violation on field unless date is a calendar day
// today or later (Europe/Paris): the day something is planned for.
func checkDayAhead(bad *derrors.InvalidError, field, date string, now time.Time, why string) {
	if d, err := parseDate(date); err != nil {
		bad.Add(field, "%q is not a calendar date YYYY-MM-DD", date)
	} else if t := today(now); d.Before(t) {
		bad.Add(field, "%s is before today (%s, Europe/Paris): %s", date, t.Format(dateLayout), why)
	}
}
