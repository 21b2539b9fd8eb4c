// Package calendar is the users' calendar: days in Europe/Paris, written
// "YYYY-MM-DD", whatever the server's time zone. A transition planned
// for "today" is today in France.
package calendar

import (
	"fmt"
	"time"

	// Embedded so that Europe/Paris resolves on hosts and images without a
	// zoneinfo database (distroless, scratch).
	_ "time/tzdata"

	"github.com/maillage/maillage/internal/derrors"
)

// Layout is how the API and the events write a calendar day.
const Layout = "2006-01-02"

// Paris is the time zone of the users' calendar.
var Paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		// Cannot happen with time/tzdata linked in.
		panic(fmt.Sprintf("calendar: load time zone Europe/Paris: %v", err))
	}
	return loc
}()

// Parse reads a "YYYY-MM-DD" calendar day, refusing days that do not
// exist (2026-02-30), as midnight UTC so that days compare as instants.
func Parse(s string) (time.Time, error) { return time.Parse(Layout, s) }

// Day returns the calendar day of now in Europe/Paris, as midnight UTC
// like Parse.
func Day(now time.Time) time.Time {
	y, m, d := now.In(Paris).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Today is the calendar day of now in Europe/Paris, "YYYY-MM-DD".
func Today(now time.Time) string { return now.In(Paris).Format(Layout) }

// CheckDone adds a violation on field unless date is a calendar day today
// or earlier (Europe/Paris): the day something happened. why ends the
// description of a later day.
func CheckDone(bad *derrors.InvalidError, field, date string, now time.Time, why string) {
	if d, err := Parse(date); err != nil {
		bad.Add(field, "%q is not a calendar date YYYY-MM-DD", date)
	} else if t := Day(now); d.After(t) {
		bad.Add(field, "%s is after today (%s, Europe/Paris): %s", date, t.Format(Layout), why)
	}
}

// CheckAhead adds a violation on field unless date is a calendar day
// today or later (Europe/Paris): the day something is planned for.
func CheckAhead(bad *derrors.InvalidError, field, date string, now time.Time, why string) {
	if d, err := Parse(date); err != nil {
		bad.Add(field, "%q is not a calendar date YYYY-MM-DD", date)
	} else if t := Day(now); d.Before(t) {
		bad.Add(field, "%s is before today (%s, Europe/Paris): %s", date, t.Format(Layout), why)
	}
}

// CheckDate adds a violation on field unless date is a calendar day.
func CheckDate(bad *derrors.InvalidError, field, date string) {
	if _, err := Parse(date); err != nil {
		bad.Add(field, "%q is not a calendar date YYYY-MM-DD", date)
	}
}
