package parcours

import (
	"strings"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// Who may run each command on a person's file (access.Need): the access
// rules themselves live in internal/access; this table says what each
// command needs. Every command is checked once the file exists, before its
// own rules: a caller outside the coordination learns nothing of the file
// from a refusal.

var (
	coordinationOnly       = func(action string) access.Need { return access.Need{Action: action, Coordination: true} }
	coordinationOrReferent = func(action string) access.Need {
		return access.Need{Action: action, Coordination: true, Referent: true}
	}
	writes = func(action string, cs ...access.Category) access.Need {
		return access.Need{Action: action, Categories: access.Of(cs...)}
	}
)

// needOf returns what cmd needs of its caller (subject) on the file s.
func needOf(s *PersonState, cmd Command, subject string) access.Need {
	switch c := cmd.(type) {
	case AssignCoordinator:
		return coordinationOnly("hand over the coordination")
	case DischargePerson:
		return coordinationOnly("discharge the person")
	case AssignReferent:
		return coordinationOnly("name the référent de parcours")
	case ReleaseCoordinationRole:
		// The référent ends their own mission; only the coordination
		// releases someone else's role.
		if c.Role == eventsv1.CoordinationRole_COORDINATION_ROLE_REFERENT && c.ProfessionalID == subject {
			return coordinationOrReferent("release their own role")
		}
		return coordinationOnly("release a coordination role")
	case SetCoordinationLevel:
		return coordinationOnly("set the coordination level")
	case ValidatePlan:
		return coordinationOnly("validate the projet personnalisé")
	case ResolveRupture:
		return coordinationOrReferent("resolve a rupture or a risk")
	case AssociatePartner, DissociatePartner:
		return coordinationOnly("change who takes part in the coordination")
	case RecordSharingConsent, WithdrawSharingConsent, RecordSharingOpposition, LiftSharingOpposition:
		return coordinationOnly("record the person's choices about sharing")
	case ReportRupture, RaiseRuptureRisk:
		// Anyone taking part raises the alarm (vigilance partagée).
		return access.Need{Action: "report a rupture or a risk"}
	case AddEntourageMember, UpdateEntourageMember, RemoveEntourageMember:
		return writes("change the entourage", access.VieSociale)
	case NotifyRights:
		return writes("record the person's rights", access.Administratif)
	case IdentifyNeed:
		return writes("identify a need", needCategory(c.NeedCode))
	case CloseNeed:
		return writes("close a need", needCategory(s.Plan.Needs[c.NeedID].Code.Code))
	case EvaluateObjective:
		return linked(writes("evaluate an objective", access.Evaluations), s.Plan.objectiveNeeds(s.Plan.Objectives[c.ObjectiveID].NeedIDs))
	case SetObjective:
		return linked(writes("set an objective", access.Projet), s.Plan.objectiveNeeds(c.NeedIDs))
	case PlanAction:
		n := linked(writes("plan an action", access.Projet), s.Plan.objectiveNeeds(s.Plan.Objectives[c.ObjectiveID].NeedIDs))
		if prestationCategory(c.PrestationCode) == access.Sante {
			n.Categories |= access.Of(access.Sante)
		}
		return n
	case CompleteAction:
		objective := s.Plan.Actions[c.ActionID].ObjectiveID
		return linked(writes("complete an action", access.Projet), s.Plan.objectiveNeeds(s.Plan.Objectives[objective].NeedIDs))
	}
	// The projet: projet de vie, reviews, transitions.
	return writes("change the projet", access.Projet)
}

// linked adds the categories of the needs a plan item is linked to: what
// is hidden with them is written only by who may see them.
func linked(n access.Need, needs access.Categories) access.Need {
	n.Categories |= needs
	return n
}

// objectiveNeeds are the categories of the needs ids, as the file knows
// them.
func (p PlanState) objectiveNeeds(ids []string) access.Categories {
	var cats access.Categories
	for _, id := range ids {
		if n, ok := p.Needs[id]; ok {
			cats |= access.Of(needCategory(n.Code.Code))
		}
	}
	return cats
}

// prestationCategory is the category of a SERAFIN-PH prestation: santé
// for the soins (2.1), projet otherwise.
func prestationCategory(code string) access.Category {
	if code == "2.1" || strings.HasPrefix(code, "2.1.") {
		return access.Sante
	}
	return access.Projet
}

// authorize checks that the caller of at may run cmd on the file s.
func authorize(s *PersonState, cmd Command, at decider.Context) error {
	if mine, err := byProcessManager(cmd, at.Caller); mine {
		return err
	}
	if _, ok := cmd.(EnrollPerson); ok {
		return access.AuthorizeEnrolment(at.Caller)
	}
	if !s.Enrolled {
		return nil // the command answers NOT_FOUND
	}
	return s.Team.Authorize(at.Caller, needOf(s, cmd, at.Caller.Subject), today(at.Now).Format(dateLayout))
}

// byProcessManager says whether cmd is one of Maillage's process
// managers' (engagements, vigilance), and refuses it to anyone else.
func byProcessManager(cmd Command, c access.Caller) (bool, error) {
	var pm access.Caller
	switch cmd.(type) {
	case JoinByEngagement, LeaveByEngagement:
		pm = engagements
	case CheckVigilance:
		pm = vigilance
	case PlanActionByDecision:
		pm = meetingDecisions
	default:
		return false, nil
	}
	if c.Subject != pm.Subject || c.Organisation != pm.Organisation {
		return true, derrors.Denied("access.process_manager_only", "only Maillage's %s records this in a file", pm.Subject)
	}
	return true, nil
}

// needCategory is the category of a need by its SERAFIN-PH code: santé
// (1.1), scolarité et emploi (1.3.3), évaluations otherwise.
func needCategory(code string) access.Category {
	switch {
	case code == "1.1" || strings.HasPrefix(code, "1.1."):
		return access.Sante
	case code == "1.3.3" || strings.HasPrefix(code, "1.3.3."):
		return access.ScolariteEmploi
	}
	return access.Evaluations
}
