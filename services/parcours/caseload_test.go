package parcours_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
	"github.com/maillage/maillage/services/parcours"
)

const coordinator = "rpps-10101010101"

// caseloadPerson is the i-th person of the test caseload.
func caseloadPerson(i int) string { return fmt.Sprintf("01JCASE%019d", i) }

// caseloadViews has 12 people coordinated by coordinator (odd ones with an
// open rupture, every third with an action due 2026-12-10, the fourth
// discharged), 2 by someone else, 1 with nobody.
func caseloadViews(t testing.TB) *parcours.Views {
	v := parcours.NewViews(nil)
	for i := 11; i >= 0; i-- { // out of order: the listing sorts
		p := caseloadPerson(i)
		payloads := []proto.Message{&eventsv1.PersonEnrolled{PersonId: p, BirthDate: "2010-05-05", Domicile: &eventsv1.Domicile{CommuneInsee: "35238"}}, coordinatorAssigned()}
		if i%2 == 1 {
			payloads = append(payloads, transitionAnticipated(), ruptureDetected())
		}
		if i%3 == 0 {
			payloads = append(payloads, objectiveSet(), actionPlanned(actionID, "2026-12-10"))
		}
		if i == 4 {
			payloads = append(payloads, &eventsv1.PersonDischarged{Reason: eventsv1.DischargeReason_DISCHARGE_REASON_DROIT_COMMUN, DischargedOn: "2026-11-20"})
		}
		apply(t, v, file(t, p, payloads...)...)
	}
	for i := 12; i < 15; i++ {
		p := caseloadPerson(i)
		payloads := []proto.Message{&eventsv1.PersonEnrolled{PersonId: p, BirthDate: "2010-05-05"}}
		if i < 14 {
			c := coordinatorAssigned()
			c.ProfessionalId = "rpps-other"
			payloads = append(payloads, c)
		}
		apply(t, v, file(t, p, payloads...)...)
	}
	return v
}

// listCaseload lists who's caseload as a coordinateur of FINESS 750000001
// (the organisation of coordinatorAssigned) reads it.
func listCaseload(v *parcours.Views, req *parcoursv1.ListCaseloadRequest, who string, now time.Time) (*parcoursv1.ListCaseloadResponse, error) {
	reader := access.Caller{Subject: who, Organisation: "750000001", Role: auth.RoleCoordinateur}
	res, _, err := v.ListCaseload(req, "750000001/"+who, reader, now)
	return res, err
}

func listed(t *testing.T, v *parcours.Views, req *parcoursv1.ListCaseloadRequest, now time.Time) []string {
	t.Helper()
	var ids []string
	for pages := 0; ; pages++ {
		res, err := listCaseload(v, req, coordinator, now)
		if err != nil {
			t.Fatalf("ListCaseload(%v) = %v", req, err)
		}
		if req.GetPageSize() > 0 && len(res.GetEntries()) > int(req.GetPageSize()) {
			t.Fatalf("page of %d entries, page_size %d", len(res.GetEntries()), req.GetPageSize())
		}
		for _, e := range res.GetEntries() {
			ids = append(ids, e.GetPersonId())
		}
		if res.GetNextPageToken() == "" {
			return ids
		}
		if pages > 100 {
			t.Fatalf("no last page")
		}
		req = proto.CloneOf(req)
		req.PageToken = res.GetNextPageToken()
	}
}

func people(is ...int) []string {
	var out []string
	for _, i := range is {
		out = append(out, caseloadPerson(i))
	}
	return out
}

func TestListCaseloadFilters(t *testing.T) {
	t.Parallel()
	v := caseloadViews(t)
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		req  *parcoursv1.ListCaseloadRequest
		now  time.Time
		want []string
	}{
		{"open files", &parcoursv1.ListCaseloadRequest{}, now, people(0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11)},
		{"with the discharged", &parcoursv1.ListCaseloadRequest{IncludeDischarged: true}, now, people(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)},
		{"open ruptures", &parcoursv1.ListCaseloadRequest{OnlyOpenRuptures: true}, now, people(1, 3, 5, 7, 9, 11)},
		{"overdue actions, none yet", &parcoursv1.ListCaseloadRequest{OnlyOverdueActions: true}, now, nil},
		{"overdue actions the day after", &parcoursv1.ListCaseloadRequest{OnlyOverdueActions: true}, time.Date(2026, 12, 11, 10, 0, 0, 0, time.UTC), people(0, 3, 6, 9)},
		{"AND", &parcoursv1.ListCaseloadRequest{OnlyOverdueActions: true, OnlyOpenRuptures: true}, time.Date(2026, 12, 11, 10, 0, 0, 0, time.UTC), people(3, 9)},
		{"transition within 5 days", &parcoursv1.ListCaseloadRequest{TransitionsWithinDays: 5}, now, nil},
		{"transition within 6 days", &parcoursv1.ListCaseloadRequest{TransitionsWithinDays: 6}, now, people(1, 3, 5, 7, 9, 11)},
		{"transition passed, not completed", &parcoursv1.ListCaseloadRequest{TransitionsWithinDays: 1}, time.Date(2027, 2, 1, 10, 0, 0, 0, time.UTC), people(1, 3, 5, 7, 9, 11)},
		{"other organisation", &parcoursv1.ListCaseloadRequest{OrganisationId: "750000009"}, now, nil},
		{"overdue reviews", &parcoursv1.ListCaseloadRequest{OnlyOverdueReviews: true}, now, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, size := range []int32{0, 1, 4} {
				req := proto.CloneOf(tc.req)
				req.PageSize = size
				if diff := cmpIDs(tc.want, listed(t, v, req, tc.now)); diff != "" {
					t.Errorf("page_size %d: %s", size, diff)
				}
			}
		})
	}
}

func cmpIDs(want, got []string) string {
	if slices.Equal(want, got) {
		return ""
	}
	return fmt.Sprintf("listed %v, want %v", got, want)
}

func TestListCaseloadEntry(t *testing.T) {
	t.Parallel()
	v := caseloadViews(t)
	res, err := listCaseload(v, &parcoursv1.ListCaseloadRequest{PageSize: 1, IncludeDischarged: true, OnlyOpenRuptures: true, OnlyOverdueActions: true},
		coordinator, time.Date(2026, 12, 11, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatalf("ListCaseload = %v", err)
	}
	e := res.GetEntries()[0]
	if e.GetPersonId() != caseloadPerson(3) || e.GetOpenRuptures() != 1 || e.GetOverdueActions() != 1 || e.GetNextTransition().GetTransitionId() != transitionID ||
		e.GetCoordinator().GetProfessionalId() != coordinator || e.GetCommuneInsee() != "35238" || e.GetVersion() != 6 || e.GetLastEventAt() == nil {
		t.Errorf("entry = %v", e)
	}
	res, _ = listCaseload(v, &parcoursv1.ListCaseloadRequest{IncludeDischarged: true}, coordinator, time.Date(2026, 12, 11, 10, 0, 0, 0, time.UTC))
	for _, e := range res.GetEntries() {
		if (e.GetPersonId() == caseloadPerson(4)) != (e.GetDischargedOn() == "2026-11-20") {
			t.Errorf("entry %s discharged_on %q", e.GetPersonId(), e.GetDischargedOn())
		}
	}
}

func TestListCaseloadPageTokens(t *testing.T) {
	t.Parallel()
	v := caseloadViews(t)
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	first, err := listCaseload(v, &parcoursv1.ListCaseloadRequest{PageSize: 2}, coordinator, now)
	if err != nil || first.GetNextPageToken() == "" {
		t.Fatalf("first page = %v, %v; want a next page", first, err)
	}
	for _, tc := range []struct {
		name string
		req  *parcoursv1.ListCaseloadRequest
		who  string
	}{
		{"other filters", &parcoursv1.ListCaseloadRequest{PageSize: 2, OnlyOpenRuptures: true, PageToken: first.GetNextPageToken()}, coordinator},
		{"another coordinator", &parcoursv1.ListCaseloadRequest{PageSize: 2, PageToken: first.GetNextPageToken()}, "rpps-other"},
		{"not base64", &parcoursv1.ListCaseloadRequest{PageToken: "%%%"}, coordinator},
		{"not ours", &parcoursv1.ListCaseloadRequest{PageToken: "aGVsbG8"}, coordinator},
	} {
		_, err := listCaseload(v, tc.req, tc.who, now)
		var inv *derrors.InvalidError
		if !errors.As(err, &inv) || status.Code(derrors.ToStatus(err)) != codes.InvalidArgument {
			t.Errorf("%s: ListCaseload = %v, want InvalidArgument", tc.name, err)
		}
	}
	// The page size may change between pages.
	second, err := listCaseload(v, &parcoursv1.ListCaseloadRequest{PageSize: 5, PageToken: first.GetNextPageToken()}, coordinator, now)
	if err != nil || len(second.GetEntries()) != 5 || second.GetEntries()[0].GetPersonId() != caseloadPerson(2) {
		t.Errorf("second page = %v, %v", second, err)
	}
}

func TestListCaseloadFollowsTheCoordinator(t *testing.T) {
	t.Parallel()
	v := caseloadViews(t)
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	handover := coordinatorAssigned()
	handover.ProfessionalId = "rpps-other"
	apply(t, v, recorded(t, caseloadPerson(0), 5, handover))
	apply(t, v, recorded(t, caseloadPerson(2), 3, &eventsv1.CoordinationRoleReleased{Role: eventsv1.CoordinationRole_COORDINATION_ROLE_COORDINATOR}))
	if diff := cmpIDs(people(1, 3, 5, 6, 7, 8, 9, 10, 11), listed(t, v, &parcoursv1.ListCaseloadRequest{}, now)); diff != "" {
		t.Error(diff)
	}
	res, _ := listCaseload(v, &parcoursv1.ListCaseloadRequest{}, "rpps-other", now)
	if len(res.GetEntries()) != 3 || res.GetEntries()[0].GetPersonId() != caseloadPerson(0) {
		t.Errorf("the new coordinator's caseload = %v", res.GetEntries())
	}
}
