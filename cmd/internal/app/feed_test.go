package app_test

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/es"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	feedv1 "github.com/maillage/maillage/proto/maillage/feed/v1"
)

// receive subscribes as p from from and returns the events that arrive
// within wait of each other, at most max.
func (f *sharedFile) receive(t *testing.T, p auth.Principal, from string, max int, wait time.Duration) ([]*feedv1.FeedEvent, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	s, err := feedv1.NewFeedServiceClient(f.m.client(t, p)).Subscribe(ctx, &feedv1.SubscribeRequest{FromPosition: from})
	if err != nil {
		return nil, err
	}
	got := make(chan *feedv1.SubscribeResponse)
	fail := make(chan error, 1)
	go func() {
		for {
			r, err := s.Recv()
			if err != nil {
				fail <- err
				return
			}
			got <- r
		}
	}()
	var out []*feedv1.FeedEvent
	for len(out) < max {
		select {
		case r := <-got:
			out = append(out, r.GetEvent())
		case err := <-fail:
			if status.Code(err) == codes.Canceled {
				return out, nil
			}
			return out, err
		case <-time.After(wait):
			return out, nil
		}
	}
	return out, nil
}

func types(evs []*feedv1.FeedEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.GetEventType())
	}
	return out
}

// The feed delivers what the caller may see, audited, and resumes after a
// restart of maillaged with no gap and no duplicate.
func TestFeedFiltersAuditsAndResumesAcrossARestart(t *testing.T) {
	dir := t.TempDir()
	f := openSharedFileIn(t, dir)
	all, err := f.receive(t, coordinatrice, "", 100, time.Second)
	mustNil(t, err)
	mine, err := f.receive(t, homeHelp, "", 100, time.Second)
	mustNil(t, err)
	// 11 events; the coordinatrice, no health professional, does not
	// receive the santé need.
	if len(all) != 10 || len(mine) == 0 || len(mine) >= len(all) {
		t.Fatalf("the coordinatrice received %d events, the aide à domicile %d: %v", len(all), len(mine), types(mine))
	}
	for _, e := range mine {
		switch e.GetEventType() {
		case "maillage.events.v1.RightsNotified", "maillage.events.v1.NeedIdentified":
			t.Errorf("the aide à domicile received %s (%s)", e.GetEventType(), e.GetCategory())
		case "maillage.events.v1.PersonEnrolled":
			var enrolled eventsv1.PersonEnrolled
			mustNil(t, e.GetEvent().UnmarshalTo(&enrolled))
			if enrolled.GetLegalProtection() != 0 || enrolled.GetBirthDate() == "" {
				t.Errorf("the enrolment as the aide à domicile receives it: %v", &enrolled)
			}
		}
	}
	outside, err := f.receive(t, outsider, "", 10, 300*time.Millisecond)
	mustNil(t, err)
	if len(outside) != 0 {
		t.Errorf("an outsider received %v", types(outside))
	}
	_, err = f.receive(t, dpo, "", 1, time.Second)
	if status.Code(err) != codes.PermissionDenied {
		t.Errorf("the dpo's feed = %v, want PermissionDenied", err)
	}
	feedRecords := 0
	for _, r := range f.trail(t) {
		if d := r.GetDisclosed(); d.GetKind() == eventsv1.DisclosureKind_DISCLOSURE_KIND_FEED_EVENT && d.GetActor().GetOrganisationId() == saadOrg {
			feedRecords++
		}
	}
	if feedRecords != len(mine) {
		t.Errorf("%d feed deliveries audited for the aide à domicile, want %d", feedRecords, len(mine))
	}

	// The integrator keeps the last position; maillaged restarts; two
	// more facts happen; the feed resumes with exactly them.
	last := mine[len(mine)-1].GetPosition()
	mustNil(t, f.m.stop())
	f.m = start(t, dir, time.Now)
	waitServing(t, f.m.client(t, coordinatrice), feedv1.FeedService_ServiceDesc.ServiceName)
	if err := callCommand(t, f.m.client(t, coordinatrice), "AddEntourageMember", f.person, "after-restart-1"); err != nil {
		t.Fatal(err)
	}
	if err := callCommand(t, f.m.client(t, coordinatrice), "NotifyRights", f.person, "after-restart-2"); err != nil {
		t.Fatal(err)
	}
	if err := callCommand(t, f.m.client(t, coordinatrice), "ReportRupture", f.person, "after-restart-3"); err != nil {
		t.Fatal(err)
	}
	next, err := f.receive(t, homeHelp, last, 100, time.Second)
	mustNil(t, err)
	want := []string{"maillage.events.v1.EntourageMemberAdded", "maillage.events.v1.RuptureDetected"}
	if got := types(next); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("resumed after %s: %v, want %v (rights are not the aide à domicile's)", last, got, want)
	}
	lastPos, err := es.ParsePosition(last)
	mustNil(t, err)
	for _, e := range next {
		if p, err := es.ParsePosition(e.GetPosition()); err != nil || !lastPos.Before(p) {
			t.Errorf("resumed at %s after %s", e.GetPosition(), last)
		}
	}
	// From the start again: the same events as before the restart, then
	// the new ones: nothing lost, nothing twice.
	again, err := f.receive(t, homeHelp, "", 100, time.Second)
	mustNil(t, err)
	if len(again) != len(mine)+2 {
		t.Errorf("from the start after the restart: %d events, want %d", len(again), len(mine)+2)
	}
}
