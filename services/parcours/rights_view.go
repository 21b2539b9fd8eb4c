package parcours

import (
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"

	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The view's MDPH rights, by start date. How many days remain before a
// right ends depends on the day of the read: presentRights computes it.

func foldRightsNotified(view *parcoursv1.CoordinatedView, e *eventsv1.RightsNotified) {
	r := &parcoursv1.Right{
		RightId: e.GetRightId(), Decision: e.GetDecision(), Detail: e.GetDetail(),
		StartDate: e.GetStartDate(), EndDate: e.GetEndDate(), MdphReference: e.GetMdphReference(),
	}
	// A right notified again (same id) is the decision as it now stands.
	view.Rights = slices.DeleteFunc(view.Rights, func(x *parcoursv1.Right) bool { return x.GetRightId() == r.GetRightId() })
	view.Rights = append(view.Rights, r)
	slices.SortStableFunc(view.Rights, func(a, b *parcoursv1.Right) int {
		return strings.Compare(a.GetStartDate(), b.GetStartDate())
	})
}

// presentRights sets each right's expires_within_days on day: 0 on its
// last day, negative once it has ended; unset with no (readable) end date.
func presentRights(view *parcoursv1.CoordinatedView, day time.Time) {
	for _, r := range view.Rights {
		r.ExpiresWithinDays = nil
		end, err := parseDate(r.GetEndDate())
		if err != nil {
			continue
		}
		r.ExpiresWithinDays = proto.Int32(int32(viewDaysBetween(day, end)))
	}
}

// viewDaysBetween counts the calendar days from a to b, both midnight UTC as
// parseDate and today give them.
func viewDaysBetween(a, b time.Time) int {
	return int(b.Sub(a).Round(time.Hour).Hours()) / 24
}
