package parcours

import (
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// DischargePerson closes the person's file: the person leaves the
// coordination (sortie du dispositif), e.g. towards droit commun. It
// records PersonDischarged; afterwards every command is refused by the
// rule "person.discharged".
type DischargePerson struct {
	PersonID string
	Reason   eventsv1.DischargeReason // motif de sortie
	// DischargedOn (date de sortie), "YYYY-MM-DD": today or earlier, in
	// Europe/Paris.
	DischargedOn string
	// Note, in French (e.g. who takes over); required for
	// DISCHARGE_REASON_OTHER.
	Note string
}

func (c DischargePerson) personID() string { return c.PersonID }

func decideDischargePerson(s *PersonState, c DischargePerson, at decider.Context) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	if _, ok := eventsv1.DischargeReason_name[int32(c.Reason)]; !ok || c.Reason == eventsv1.DischargeReason_DISCHARGE_REASON_UNSPECIFIED {
		bad.Add("reason", "the reason the person leaves is required")
	} else if c.Reason == eventsv1.DischargeReason_DISCHARGE_REASON_OTHER && c.Note == "" {
		bad.Add("note", "a note is required when the reason is DISCHARGE_REASON_OTHER")
	}
	checkDayDone(bad, "discharged_on", c.DischargedOn, at.Now, "a discharge is recorded once it happened")
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	if err := checkFile(s, c.PersonID); err != nil {
		return nil, err
	}
	if c.DischargedOn < s.EnrolledOn { // both "YYYY-MM-DD": they order as strings
		return nil, derrors.Invalid("discharged_on", "%s is before the enrolment on %s", c.DischargedOn, s.EnrolledOn)
	}
	return []proto.Message{&eventsv1.PersonDischarged{
		Reason:       c.Reason,
		DischargedOn: c.DischargedOn,
		Note:         c.Note,
	}}, nil
}

func evolveDischarged(s *PersonState, e *eventsv1.PersonDischarged) {
	s.Discharged, s.DischargedOn = true, e.GetDischargedOn()
	s.Life.DischargeReason = e.GetReason()
}
