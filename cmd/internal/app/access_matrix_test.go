package app_test

import (
	"fmt"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/maillage/maillage/internal/auth"
)

// allowedTo says, for every command, who inside the coordination may run
// it: the specification of access.go, written out independently of it.
// c: the coordinatrice (named coordinator), p: a professionnel of the
// holding organisation, r: the référent, n: the soins partner (not a
// health professional), h: the aide à domicile partner.
var allowedTo = map[string]string{
	// Coordination only.
	"DischargePerson": "c", "AssignCoordinator": "c", "AssignReferent": "c", "SetCoordinationLevel": "c",
	"ValidatePlan": "c", "AssociatePartner": "c", "DissociatePartner": "c",
	"RecordSharingConsent": "c", "WithdrawSharingConsent": "c", "RecordSharingOpposition": "c", "LiftSharingOpposition": "c",
	// The coordination or the référent.
	"ReleaseCoordinationRole": "c", "ResolveRupture": "cr",
	// Anyone taking part raises the alarm.
	"ReportRupture": "cprnh", "RaiseRuptureRisk": "cprnh",
	// Vie sociale et entourage: not the soins partner.
	"AddEntourageMember": "cprh", "UpdateEntourageMember": "cprh", "RemoveEntourageMember": "cprh",
	// Administratif et droits: the coordination and the référent's.
	"NotifyRights": "cpr",
	// Évaluations (a need of 1.2.1.3, an unknown need, an evaluation): not the aide à domicile.
	"IdentifyNeed": "cprn", "CloseNeed": "cprn", "EvaluateObjective": "cprn",
	// Projet et objectifs: every part here.
	"ExpressLifeProject": "cprnh", "SetObjective": "cprnh", "PlanAction": "cprnh", "CompleteAction": "cprnh",
	"SchedulePlanReview": "cprnh", "AnticipateTransition": "cprnh", "RescheduleTransition": "cprnh",
	"CompleteTransition": "cprnh", "CancelTransition": "cprnh",
}

// Every command as each part inside the coordination: refused exactly
// where the rules say, never refused where they allow (the command may
// then fail on its own rules: the sample ids are unknown).
func TestEveryCommandAsEachPartOfTheCoordination(t *testing.T) {
	who := map[byte]auth.Principal{'c': coordinatrice, 'p': colleague, 'r': referent, 'n': nurse, 'h': homeHelp}
	// AssignCoordinator hands the file over: last.
	order := []string{}
	for m := range writeSamples {
		if m != "AssignCoordinator" {
			order = append(order, m)
		}
	}
	order = append(order, "AssignCoordinator")
	if len(order) != len(allowedTo) {
		t.Fatalf("%d commands with samples, %d in the specification", len(order), len(allowedTo))
	}
	for _, k := range []byte("cprnh") {
		p := who[k]
		t.Run(p.Subject, func(t *testing.T) {
			f := openSharedFile(t)
			cc := f.m.client(t, p)
			for i, m := range order {
				spec, ok := allowedTo[m]
				if !ok {
					t.Fatalf("no specification for %s", m)
				}
				allowed := false
				for j := 0; j < len(spec); j++ {
					allowed = allowed || spec[j] == k
				}
				err := callCommand(t, cc, m, f.person, fmt.Sprintf("m-%c-%d", k, i))
				denied := status.Code(err) == codes.PermissionDenied
				if denied == allowed {
					t.Errorf("%s as %s@%s (%s): %v; allowed by the rules: %v", m, p.Role, p.Organisation, string(k), err, allowed)
				}
			}
		})
	}
}
