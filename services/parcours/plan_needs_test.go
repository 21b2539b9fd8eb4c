package parcours_test

import (
	"testing"

	"github.com/maillage/maillage/internal/decider/decidertest"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/parcours"
)

func TestIdentifyNeed(t *testing.T) {
	t.Parallel()
	t.Run("records the need with its SERAFIN-PH system and version", func(t *testing.T) {
		t.Parallel()
		spec(decidertest.IDs(planNeedID)).Given(enrolled()).When(planIdentify()).Then(t, planNeedIdentified())
	})
	t.Run("without description", func(t *testing.T) {
		t.Parallel()
		cmd := planIdentify()
		cmd.Description = ""
		want := planNeedIdentified()
		want.Description = ""
		spec(decidertest.IDs(planNeedID)).Given(enrolled()).When(cmd).Then(t, want)
	})
	t.Run("the same code again is another need", func(t *testing.T) {
		t.Parallel()
		want := planNeedIdentified()
		want.NeedId = planNeed2ID
		spec(decidertest.IDs(planNeed2ID)).Given(enrolled(), planNeedIdentified()).When(planIdentify()).Then(t, want)
	})
}

func TestIdentifyNeedInvalid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, code string }{
		{"no code", ""},
		{"unknown code", "1.9.9.9"},
		{"a prestation, not a need", "2.3.1.1"},
		{"a code with a leading zero", "01.2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := planIdentify()
			cmd.NeedCode = tc.code
			spec().Given(enrolled()).When(cmd).ThenInvalid(t, "need_code")
			// A bad request is bad whatever the file: checked before it.
			spec().Given().When(cmd).ThenInvalid(t, "need_code")
		})
	}
}

func TestCloseNeed(t *testing.T) {
	t.Parallel()
	t.Run("closes an open need", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), planNeedIdentified()).When(planCloseNeed()).Then(t, planNeedClosed())
	})
	t.Run("for another reason, with a note", func(t *testing.T) {
		t.Parallel()
		cmd := planCloseNeed()
		cmd.Reason, cmd.Note = eventsv1.NeedClosureReason_NEED_CLOSURE_REASON_OTHER, "déménagement hors du département"
		spec().Given(enrolled(), planNeedIdentified()).When(cmd).Then(t, &eventsv1.NeedClosed{
			NeedId: planNeedID, Reason: eventsv1.NeedClosureReason_NEED_CLOSURE_REASON_OTHER, Note: "déménagement hors du département",
		})
	})
	t.Run("unknown need", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled()).When(planCloseNeed()).ThenRefused(t, "need.unknown")
		refusedOn(t, spec().Given(enrolled()).State(), planCloseNeed(), "need.unknown", "has no need "+planNeedID)
	})
	t.Run("already closed", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), planNeedIdentified(), planNeedClosed()).When(planCloseNeed()).ThenRefused(t, "need.closed")
	})
}

func TestCloseNeedInvalid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		edit  func(*parcours.CloseNeed)
		field string
	}{
		{"reason not stated", func(c *parcours.CloseNeed) { c.Reason = eventsv1.NeedClosureReason_NEED_CLOSURE_REASON_UNSPECIFIED }, "reason"},
		{"other reason without note", func(c *parcours.CloseNeed) {
			c.Reason, c.Note = eventsv1.NeedClosureReason_NEED_CLOSURE_REASON_OTHER, ""
		}, "note"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := planCloseNeed()
			tc.edit(&cmd)
			spec().Given(enrolled(), planNeedIdentified()).When(cmd).ThenInvalid(t, tc.field)
		})
	}
}
