package parcours

import (
	"errors"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/serafin"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// PlanAction adds an action to the plan (action): who does what by when,
// to reach an open objective. It records ActionPlanned with a new action
// id.
type PlanAction struct {
	PersonID    string
	ObjectiveID string
	Description string
	Responsible Responsible
	// DueDate (échéance), "YYYY-MM-DD": today or later, Europe/Paris.
	DueDate string
	// PrestationCode is the SERAFIN-PH prestation the action delivers
	// ("2.3.1.1"); empty when it is none.
	PrestationCode string
}

func (c PlanAction) personID() string { return c.PersonID }

// Responsible is who is responsible for an action (responsable de
// l'action): exactly one of PartnerID, Professional, EntourageMemberID and
// Person.
type Responsible struct {
	PartnerID         string           // a partner of the territory
	Professional      *ProfessionalRef // a professional and their organisation
	EntourageMemberID string           // a member of the person's entourage
	Person            bool             // the person themself
	DisplayName       string           // the name shown, required
}

// ProfessionalRef names a professional and their organisation (FINESS or
// SIRET).
type ProfessionalRef struct {
	ProfessionalID string
	OrganisationID string
}

// responsibleOf checks r and returns it as an event stores it.
func responsibleOf(bad *derrors.InvalidError, r Responsible) *eventsv1.Responsible {
	out := &eventsv1.Responsible{DisplayName: r.DisplayName}
	n := 0
	if r.PartnerID != "" {
		n++
		out.Who = &eventsv1.Responsible_PartnerId{PartnerId: r.PartnerID}
	}
	if p := r.Professional; p != nil {
		n++
		if p.ProfessionalID == "" {
			bad.Add("responsible.professional.professional_id", "the professional's identifier is required")
		}
		if p.OrganisationID == "" {
			bad.Add("responsible.professional.organisation_id", "the professional's organisation is required")
		}
		out.Who = &eventsv1.Responsible_Professional{Professional: &eventsv1.Professional{
			ProfessionalId: p.ProfessionalID, OrganisationId: p.OrganisationID,
		}}
	}
	if r.EntourageMemberID != "" {
		n++
		out.Who = &eventsv1.Responsible_EntourageMemberId{EntourageMemberId: r.EntourageMemberID}
	}
	if r.Person {
		n++
		out.Who = &eventsv1.Responsible_Person{Person: true}
	}
	switch {
	case n == 0:
		bad.Add("responsible", "who is responsible is required: a partner, a professional, an entourage member or the person")
	case n > 1:
		bad.Add("responsible", "exactly one responsible is allowed, not %d", n)
	}
	if r.DisplayName == "" {
		bad.Add("responsible.display_name", "the name shown for the responsible is required")
	}
	return out
}

func decidePlanAction(s *PersonState, c PlanAction, at decider.Context) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	if c.Description == "" {
		bad.Add("description", "what is to be done is required")
	}
	responsible := responsibleOf(bad, c.Responsible)
	checkDayAhead(bad, "due_date", c.DueDate, at.Now, "an action is planned ahead")
	var prestation *eventsv1.SerafinCode
	if c.PrestationCode != "" {
		if _, err := serafin.Default().Prestation(c.PrestationCode); errors.Is(err, serafin.ErrNotAPrestation) {
			bad.Add("prestation_code", "%v", err)
		} else if err != nil {
			bad.Add("prestation_code", "%q is not a code of SERAFIN-PH %s", c.PrestationCode, serafin.Version)
		} else {
			prestation = serafinCode(c.PrestationCode)
		}
	}
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	if err := checkFile(s, c.PersonID); err != nil {
		return nil, err
	}
	if err := checkOpenObjective(s, c.ObjectiveID); err != nil {
		return nil, err
	}
	if id := c.Responsible.EntourageMemberID; id != "" {
		if _, err := checkEntourageMember(s, id); err != nil {
			return nil, err
		}
	}
	id, err := newID(at)
	if err != nil {
		return nil, err
	}
	return []proto.Message{&eventsv1.ActionPlanned{
		ActionId:    id,
		ObjectiveId: c.ObjectiveID,
		Description: c.Description,
		Responsible: responsible,
		DueDate:     c.DueDate,
		Prestation:  prestation,
	}}, nil
}

// CompleteAction records that an action of the plan was done (action
// réalisée). It records ActionCompleted.
type CompleteAction struct {
	PersonID string
	ActionID string
	// CompletedOn (date de réalisation), "YYYY-MM-DD": today or earlier.
	CompletedOn string
	Note        string
}

func (c CompleteAction) personID() string { return c.PersonID }

func decideCompleteAction(s *PersonState, c CompleteAction, at decider.Context) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	checkDayDone(bad, "completed_on", c.CompletedOn, at.Now, "an action is recorded as done once done")
	if err := bad.OrNil(); err != nil {
		return nil, err
	}
	if err := checkFile(s, c.PersonID); err != nil {
		return nil, err
	}
	a, ok := s.Plan.Actions[c.ActionID]
	if !ok {
		return nil, derrors.Rejected("action.unknown", "action/"+c.ActionID, "person %s has no action %s", s.PersonID, c.ActionID)
	}
	if a.Completed() {
		return nil, derrors.Rejected("action.completed", "action/"+c.ActionID,
			"action %s of person %s was already completed on %s", c.ActionID, s.PersonID, a.CompletedOn)
	}
	return []proto.Message{&eventsv1.ActionCompleted{ActionId: c.ActionID, CompletedOn: c.CompletedOn, Note: c.Note}}, nil
}

func evolveActionPlanned(p *PlanState, e *eventsv1.ActionPlanned) {
	if p.Actions == nil {
		p.Actions = map[string]PlannedAction{}
	}
	p.Actions[e.GetActionId()] = PlannedAction{ID: e.GetActionId(), ObjectiveID: e.GetObjectiveId(), DueDate: e.GetDueDate(), DecisionID: e.GetDecisionId()}
	p.Changed = true
}

func evolveActionCompleted(p *PlanState, e *eventsv1.ActionCompleted) {
	if a, ok := p.Actions[e.GetActionId()]; ok {
		a.CompletedOn = e.GetCompletedOn()
		p.Actions[a.ID] = a
	}
}
