package app_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/maillage/maillage/internal/auth"
	auditv1 "github.com/maillage/maillage/proto/maillage/audit/v1"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The organisations of the access tests.
const (
	pcpeOrg     = "750000001" // holds the coordination (coordinatrice, prof-42)
	sessadOrg   = "750000002" // the référent's
	ssiadOrg    = "750000003" // partner, soins
	saadOrg     = "750000004" // partner, aide à domicile
	outsiderOrg = "750000009" // takes no part
)

var (
	referent      = auth.Principal{Subject: "marc", Organisation: sessadOrg, Role: auth.RoleReferent, Name: "Marc Leroy"}
	nurse         = auth.Principal{Subject: "ide-1", Organisation: ssiadOrg, Role: auth.RoleProfessionnel}
	doctor        = auth.Principal{Subject: "dr-1", Organisation: ssiadOrg, Role: auth.RoleProfessionnel, HealthProfessional: true}
	homeHelp      = auth.Principal{Subject: "aide-1", Organisation: saadOrg, Role: auth.RoleProfessionnel}
	colleague     = auth.Principal{Subject: "pro-9", Organisation: pcpeOrg, Role: auth.RoleProfessionnel}
	dpo           = auth.Principal{Subject: "dpo-1", Organisation: pcpeOrg, Role: auth.RoleDPO}
	administrator = auth.Principal{Subject: "admin-1", Organisation: pcpeOrg, Role: auth.RoleAdministrateur}
	// outsider has the coordinatrice's very subject, in another organisation.
	outsider = auth.Principal{Subject: "prof-42", Organisation: outsiderOrg, Role: auth.RoleCoordinateur}
)

// sharedFile is a person's file with a coordinatrice, a référent, a soins
// partner and an aide à domicile partner, a santé need and an évaluations
// need, entourage, rights, an objective and a transition.
type sharedFile struct {
	m      *running
	person string
	last   string
	ids    map[string]string
}

func openSharedFile(t *testing.T) *sharedFile { return openSharedFileIn(t, t.TempDir()) }

func openSharedFileIn(t *testing.T, dir string) *sharedFile {
	m := start(t, dir, time.Now)
	f := &sharedFile{m: m, ids: map[string]string{}}
	coord := f.api(t, coordinatrice)
	waitServing(t, m.client(t, coordinatrice), parcoursv1.ParcoursService_ServiceDesc.ServiceName)
	today := time.Now().Format(time.DateOnly)
	enrolled, err := coord.EnrollPerson(ctxT(t), &parcoursv1.EnrollPersonRequest{RequestId: "share-enrol", BirthDate: "2009-04-02",
		Domicile:        &parcoursv1.Domicile{CommuneInsee: "35238"},
		PublicConcerned: eventsv1.PublicConcerned_PUBLIC_CONCERNED_DISABILITY, LegalProtection: eventsv1.LegalProtection_LEGAL_PROTECTION_NONE})
	mustNil(t, err)
	f.person = enrolled.GetPersonId()
	p := f.person
	steps := []struct {
		who  auth.Principal
		call func(api parcoursv1.ParcoursServiceClient, r string) (proto.Message, error)
	}{
		{coordinatrice, func(api parcoursv1.ParcoursServiceClient, r string) (proto.Message, error) {
			return api.AssignCoordinator(ctxT(t), &parcoursv1.AssignCoordinatorRequest{RequestId: r, PersonId: p, ProfessionalId: "prof-42", OrganisationId: pcpeOrg, DisplayName: "Claire Martin"})
		}},
		{coordinatrice, func(api parcoursv1.ParcoursServiceClient, r string) (proto.Message, error) {
			return api.AssignReferent(ctxT(t), &parcoursv1.AssignReferentRequest{RequestId: r, PersonId: p, ProfessionalId: "marc", OrganisationId: sessadOrg, DisplayName: "Marc Leroy"})
		}},
		{coordinatrice, func(api parcoursv1.ParcoursServiceClient, r string) (proto.Message, error) {
			return api.AssociatePartner(ctxT(t), &parcoursv1.AssociatePartnerRequest{RequestId: r, PersonId: p, OrganisationId: ssiadOrg, DisplayName: "SSIAD du Val",
				Mission: eventsv1.PartnerMission_PARTNER_MISSION_SOINS})
		}},
		{coordinatrice, func(api parcoursv1.ParcoursServiceClient, r string) (proto.Message, error) {
			return api.AssociatePartner(ctxT(t), &parcoursv1.AssociatePartnerRequest{RequestId: r, PersonId: p, OrganisationId: saadOrg, DisplayName: "SAAD Les Mimosas",
				Mission: eventsv1.PartnerMission_PARTNER_MISSION_AIDE_DOMICILE})
		}},
		{coordinatrice, func(api parcoursv1.ParcoursServiceClient, r string) (proto.Message, error) {
			res, err := api.AddEntourageMember(ctxT(t), &parcoursv1.AddEntourageMemberRequest{RequestId: r, PersonId: p, DisplayName: "Sophie Durand", Relationship: "mère",
				Quadrant: eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_FAMILY, Circle: eventsv1.SluzkiCircle_SLUZKI_CIRCLE_INTIMATE})
			f.ids["member"] = res.GetMemberId()
			return res, err
		}},
		{coordinatrice, func(api parcoursv1.ParcoursServiceClient, r string) (proto.Message, error) {
			return api.NotifyRights(ctxT(t), &parcoursv1.NotifyRightsRequest{RequestId: r, PersonId: p, Decision: eventsv1.MdphDecision_MDPH_DECISION_ORIENTATION_ESMS, StartDate: today})
		}},
		// The santé need is the doctor's: the coordinatrice sees no santé.
		{doctor, func(api parcoursv1.ParcoursServiceClient, r string) (proto.Message, error) {
			res, err := api.IdentifyNeed(ctxT(t), &parcoursv1.IdentifyNeedRequest{RequestId: r, PersonId: p, NeedCode: "1.1.1", Description: "troubles du sommeil"})
			f.ids["health need"] = res.GetNeedId()
			return res, err
		}},
		{coordinatrice, func(api parcoursv1.ParcoursServiceClient, r string) (proto.Message, error) {
			res, err := api.IdentifyNeed(ctxT(t), &parcoursv1.IdentifyNeedRequest{RequestId: r, PersonId: p, NeedCode: "1.2.1.3"})
			f.ids["need"] = res.GetNeedId()
			return res, err
		}},
		{coordinatrice, func(api parcoursv1.ParcoursServiceClient, r string) (proto.Message, error) {
			res, err := api.SetObjective(ctxT(t), &parcoursv1.SetObjectiveRequest{RequestId: r, PersonId: p, NeedIds: []string{f.ids["need"]},
				Statement: "prendre le bus seule", Indicator: "trois trajets", DueDate: time.Now().AddDate(0, 3, 0).Format(time.DateOnly)})
			f.ids["objective"] = res.GetObjectiveId()
			return res, err
		}},
		{coordinatrice, func(api parcoursv1.ParcoursServiceClient, r string) (proto.Message, error) {
			res, err := api.AnticipateTransition(ctxT(t), &parcoursv1.AnticipateTransitionRequest{RequestId: r, PersonId: p, Kind: eventsv1.TransitionKind_TRANSITION_KIND_ENTREE_ETABLISSEMENT,
				FromSetting: "domicile", ToSetting: "IME", PlannedDate: time.Now().AddDate(0, 3, 0).Format(time.DateOnly)}) // beyond the vigilance's 60 days: no risk raised in this file
			f.ids["transition"] = res.GetTransitionId()
			return res, err
		}},
	}
	for i, s := range steps {
		res, err := s.call(f.api(t, s.who), fmt.Sprintf("share-%d", i))
		if err != nil {
			t.Fatalf("step %d as %s: %v", i, s.who.Subject, err)
		}
		f.last = res.ProtoReflect().Get(res.ProtoReflect().Descriptor().Fields().ByName("position")).String()
	}
	return f
}

func (f *sharedFile) api(t *testing.T, p auth.Principal) parcoursv1.ParcoursServiceClient {
	return parcoursv1.NewParcoursServiceClient(f.m.client(t, p))
}

func (f *sharedFile) view(t *testing.T, p auth.Principal) (*parcoursv1.CoordinatedView, error) {
	res, err := f.api(t, p).GetCoordinatedView(ctxT(t), &parcoursv1.GetCoordinatedViewRequest{PersonId: f.person, MinPosition: f.last})
	return res.GetView(), err
}

func needCodes(v *parcoursv1.CoordinatedView) []string {
	var out []string
	for _, n := range v.GetNeeds() {
		out = append(out, n.GetCode().GetCode())
	}
	return out
}

func timelineCategories(v *parcoursv1.CoordinatedView) map[eventsv1.InformationCategory]bool {
	out := map[eventsv1.InformationCategory]bool{}
	for _, e := range v.GetTimeline() {
		out[e.GetCategory()] = true
	}
	return out
}

// Each reader gets exactly what its part, its mission, santé and the
// person's choices allow; the rest is absent, the timeline included.
func TestEachReaderSeesWhatTheRulesAllow(t *testing.T) {
	f := openSharedFile(t)
	type expect struct {
		who             auth.Principal
		code            codes.Code
		needs           []string
		entourage, plan bool
		rights          bool
		categories      []eventsv1.InformationCategory
	}
	allButHealth := []eventsv1.InformationCategory{1, 2, 4, 6, 7}
	for _, e := range []expect{
		{who: coordinatrice, needs: []string{"1.2.1.3"}, entourage: true, plan: true, rights: true, categories: allButHealth},
		{who: colleague, needs: []string{"1.2.1.3"}, entourage: true, plan: true, rights: true, categories: allButHealth},
		{who: referent, needs: []string{"1.2.1.3"}, entourage: true, plan: true, rights: true, categories: allButHealth},
		{who: nurse, needs: []string{"1.2.1.3"}, plan: true, categories: []eventsv1.InformationCategory{1, 6, 7}},
		{who: doctor, needs: []string{"1.1.1", "1.2.1.3"}, plan: true, categories: []eventsv1.InformationCategory{1, 3, 6, 7}},
		{who: homeHelp, entourage: true, plan: true, categories: []eventsv1.InformationCategory{1, 4, 6}},
		{who: outsider, code: codes.PermissionDenied},
		{who: dpo, code: codes.PermissionDenied},
		{who: administrator, code: codes.PermissionDenied},
	} {
		t.Run(e.who.Subject+"@"+e.who.Organisation, func(t *testing.T) {
			v, err := f.view(t, e.who)
			if status.Code(err) != e.code {
				t.Fatalf("GetCoordinatedView = %v, want %s", err, e.code)
			}
			if e.code != codes.OK {
				return
			}
			if got := needCodes(v); !slices.Equal(got, e.needs) {
				t.Errorf("needs %v, want %v", got, e.needs)
			}
			if (len(v.GetEntourage()) > 0) != e.entourage || (v.GetPlan() != nil) != e.plan || (len(v.GetRights()) > 0) != e.rights {
				t.Errorf("entourage %d, plan %v, rights %d; want %v, %v, %v", len(v.GetEntourage()), v.GetPlan() != nil, len(v.GetRights()), e.entourage, e.plan, e.rights)
			}
			if !slices.Equal(v.GetDisclosedCategories(), e.categories) {
				t.Errorf("disclosed categories %v, want %v", v.GetDisclosedCategories(), e.categories)
			}
			for c := range timelineCategories(v) {
				if c != 0 && !slices.Contains(e.categories, c) {
					t.Errorf("the timeline shows a fact of %s", c)
				}
			}
			// Everyone in the team sees who takes part.
			if v.GetCoordinator().GetProfessionalId() != "prof-42" || len(v.GetPartners()) != 2 || v.GetHolderOrganisationId() != pcpeOrg {
				t.Errorf("the frame of the file: coordinator %v, partners %d, holder %q", v.GetCoordinator(), len(v.GetPartners()), v.GetHolderOrganisationId())
			}
		})
	}
	// As it was at an earlier instant: the same rules, today's.
	res, err := f.api(t, homeHelp).GetCoordinatedView(ctxT(t), &parcoursv1.GetCoordinatedViewRequest{PersonId: f.person, AsOf: timestampNow()})
	mustNil(t, err)
	if len(res.GetView().GetNeeds()) != 0 || len(res.GetView().GetRights()) != 0 {
		t.Errorf("as_of view for the aide à domicile shows needs %v, rights %v", res.GetView().GetNeeds(), res.GetView().GetRights())
	}
	_, err = f.api(t, outsider).GetCoordinatedView(ctxT(t), &parcoursv1.GetCoordinatedViewRequest{PersonId: f.person, AsOf: timestampNow()})
	wantCode(t, err, codes.PermissionDenied)
}

// Consents add, oppositions remove, and only the coordination records
// either.
func TestConsentAndOppositionChangeWhatPartnersSee(t *testing.T) {
	f := openSharedFile(t)
	coord := f.api(t, coordinatrice)
	choice := &parcoursv1.SharingChoice{DecidedBy: eventsv1.SharingDecidedBy_SHARING_DECIDED_BY_PERSON, On: time.Now().Format(time.DateOnly)}
	_, err := f.api(t, homeHelp).RecordSharingConsent(ctxT(t), &parcoursv1.RecordSharingConsentRequest{RequestId: "c0", PersonId: f.person,
		Categories: []eventsv1.InformationCategory{eventsv1.InformationCategory_INFORMATION_CATEGORY_SANTE}, OrganisationId: saadOrg, Choice: choice})
	wantCode(t, err, codes.PermissionDenied)

	consent, err := coord.RecordSharingConsent(ctxT(t), &parcoursv1.RecordSharingConsentRequest{RequestId: "c1", PersonId: f.person,
		Categories: []eventsv1.InformationCategory{eventsv1.InformationCategory_INFORMATION_CATEGORY_SANTE}, OrganisationId: saadOrg, Choice: choice})
	mustNil(t, err)
	f.last = consent.GetPosition()
	v, err := f.view(t, homeHelp)
	mustNil(t, err)
	if got := needCodes(v); !slices.Equal(got, []string{"1.1.1"}) {
		t.Errorf("with consent to santé the aide à domicile sees needs %v, want [1.1.1]", got)
	}
	if len(v.GetConsents()) != 0 {
		t.Errorf("a partner sees the consents %v", v.GetConsents())
	}

	opposed, err := coord.RecordSharingOpposition(ctxT(t), &parcoursv1.RecordSharingOppositionRequest{RequestId: "o1", PersonId: f.person,
		Categories: []eventsv1.InformationCategory{eventsv1.InformationCategory_INFORMATION_CATEGORY_PROJET_OBJECTIFS, eventsv1.InformationCategory_INFORMATION_CATEGORY_SANTE},
		Choice:     choice, Reason: "je ne veux pas que mon projet circule"})
	mustNil(t, err)
	f.last = opposed.GetPosition()
	for _, p := range []auth.Principal{homeHelp, referent, doctor} {
		v, err := f.view(t, p)
		mustNil(t, err)
		if v.GetPlan() != nil || len(v.GetTransitions()) != 0 || slices.Contains(needCodes(v), "1.1.1") {
			t.Errorf("%s sees what the person opposed: plan %v, transitions %v, needs %v", p.Subject, v.GetPlan(), v.GetTransitions(), needCodes(v))
		}
	}
	v, err = f.view(t, coordinatrice)
	mustNil(t, err)
	if v.GetPlan() == nil || len(v.GetOppositions()) != 1 || len(v.GetConsents()) != 1 {
		t.Errorf("the holder's view: plan %v, oppositions %v, consents %v", v.GetPlan(), v.GetOppositions(), v.GetConsents())
	}
	// The partner writes nothing in a category it may not see.
	_, err = f.api(t, homeHelp).SetObjective(ctxT(t), &parcoursv1.SetObjectiveRequest{RequestId: "obj-x", PersonId: f.person, NeedIds: []string{f.ids["need"]},
		Statement: "x", Indicator: "y", DueDate: time.Now().AddDate(0, 3, 0).Format(time.DateOnly)})
	wantCode(t, err, codes.PermissionDenied)

	lifted, err := coord.LiftSharingOpposition(ctxT(t), &parcoursv1.LiftSharingOppositionRequest{RequestId: "o2", PersonId: f.person, OppositionId: opposed.GetOppositionId(), Choice: choice})
	mustNil(t, err)
	withdrawn, err := coord.WithdrawSharingConsent(ctxT(t), &parcoursv1.WithdrawSharingConsentRequest{RequestId: "c2", PersonId: f.person, ConsentId: consent.GetConsentId(), Choice: choice})
	mustNil(t, err)
	f.last = withdrawn.GetPosition()
	_ = lifted
	v, err = f.view(t, homeHelp)
	mustNil(t, err)
	if v.GetPlan() == nil || len(v.GetNeeds()) != 0 {
		t.Errorf("after lifting and withdrawing: plan %v, needs %v", v.GetPlan(), needCodes(v))
	}
	// A dissociated partner sees nothing any more.
	left, err := coord.DissociatePartner(ctxT(t), &parcoursv1.DissociatePartnerRequest{RequestId: "d1", PersonId: f.person, OrganisationId: saadOrg, Reason: "fin de prise en charge"})
	mustNil(t, err)
	f.last = left.GetPosition()
	_, err = f.view(t, homeHelp)
	wantCode(t, err, codes.PermissionDenied)
}

// writeSamples are valid requests of every command of ParcoursService,
// as protojson with $P for the person, $T for today and $ID for an id.
var writeSamples = map[string]string{
	"AssignCoordinator":       `{"professional_id":"x","organisation_id":"750000009","display_name":"X"}`,
	"AnticipateTransition":    `{"kind":1,"from_setting":"a","to_setting":"b","planned_date":"$T"}`,
	"ReportRupture":           `{"kind":1,"description":"d","detected_on":"$T"}`,
	"DischargePerson":         `{"reason":1,"discharged_on":"$T"}`,
	"AddEntourageMember":      `{"display_name":"n","relationship":"r","quadrant":1,"circle":1}`,
	"UpdateEntourageMember":   `{"member_id":"$ID","display_name":"n","relationship":"r","quadrant":1,"circle":1}`,
	"RemoveEntourageMember":   `{"member_id":"$ID"}`,
	"ExpressLifeProject":      `{"text":"t","expressed_by":1}`,
	"IdentifyNeed":            `{"need_code":"1.2.1.3"}`,
	"CloseNeed":               `{"need_id":"$ID","reason":1}`,
	"SetObjective":            `{"need_ids":["$ID"],"statement":"s","indicator":"i","due_date":"$T"}`,
	"PlanAction":              `{"objective_id":"$ID","description":"d","responsible":{"entourage_member_id":"$ID","display_name":"x"},"due_date":"$T"}`,
	"CompleteAction":          `{"action_id":"$ID","completed_on":"$T"}`,
	"ValidatePlan":            `{"validated_by":1,"validated_on":"$T"}`,
	"SchedulePlanReview":      `{"scheduled_on":"$T"}`,
	"EvaluateObjective":       `{"objective_id":"$ID","outcome":1,"evaluated_on":"$T"}`,
	"NotifyRights":            `{"decision":1,"start_date":"$T"}`,
	"AssignReferent":          `{"professional_id":"x","organisation_id":"750000009","display_name":"X"}`,
	"ReleaseCoordinationRole": `{"role":1,"professional_id":"prof-42","reason":"r"}`,
	"SetCoordinationLevel":    `{"level":1}`,
	"RaiseRuptureRisk":        `{"kind":1,"description":"d","raised_on":"$T"}`,
	"ResolveRupture":          `{"rupture_id":"$ID","resolved_on":"$T","resolution":"r"}`,
	"AssociatePartner":        `{"organisation_id":"750000009","display_name":"X","mission":2}`,
	"DissociatePartner":       `{"organisation_id":"750000003","reason":"r"}`,
	"RecordSharingConsent":    `{"categories":[3],"choice":{"decided_by":1,"on":"$T"}}`,
	"WithdrawSharingConsent":  `{"consent_id":"$ID","choice":{"decided_by":1,"on":"$T"}}`,
	"RecordSharingOpposition": `{"categories":[3],"choice":{"decided_by":1,"on":"$T"}}`,
	"LiftSharingOpposition":   `{"opposition_id":"$ID","choice":{"decided_by":1,"on":"$T"}}`,
	"RescheduleTransition":    `{"transition_id":"$ID","planned_date":"$T","reason":"r"}`,
	"CompleteTransition":      `{"transition_id":"$ID","completed_on":"$T"}`,
	"CancelTransition":        `{"transition_id":"$ID","reason":"r"}`,
}

// callCommand invokes a command of ParcoursService by name with its
// sample body.
func callCommand(t *testing.T, cc *grpc.ClientConn, method, person, requestID string) error {
	t.Helper()
	md := parcoursv1.File_maillage_parcours_v1_parcours_proto.Services().ByName("ParcoursService").Methods().ByName(protoreflect.Name(method))
	if md == nil {
		t.Fatalf("no method %s", method)
	}
	body := strings.NewReplacer("$T", time.Now().Format(time.DateOnly), "$ID", "01JD0000000000000000000001").Replace(writeSamples[method])
	body = strings.TrimSuffix(body, "}") + fmt.Sprintf(`,"request_id":%q,"person_id":%q}`, requestID, person)
	in, _ := protoregistry.GlobalTypes.FindMessageByName(md.Input().FullName())
	out, _ := protoregistry.GlobalTypes.FindMessageByName(md.Output().FullName())
	req := in.New().Interface()
	if err := protojson.Unmarshal([]byte(body), req); err != nil {
		t.Fatalf("%s sample: %v", method, err)
	}
	return cc.Invoke(ctxT(t), "/maillage.parcours.v1.ParcoursService/"+method, req, out.New().Interface())
}

// Outside the coordination, and in roles that change no file, every
// command is PERMISSION_DENIED and the file does not move; each refusal
// is in the person's audit trail.
func TestEveryCommandIsRefusedOutsideTheCoordination(t *testing.T) {
	f := openSharedFile(t)
	before, err := f.view(t, coordinatrice)
	mustNil(t, err)
	cmds := parcoursv1.File_maillage_parcours_v1_parcours_proto.Services().ByName("ParcoursService").Methods()
	refusals := 0
	for _, p := range []auth.Principal{outsider, dpo, administrator} {
		cc := f.m.client(t, p)
		for i := 0; i < cmds.Len(); i++ {
			name := string(cmds.Get(i).Name())
			switch name {
			case "EnrollPerson", "GetCoordinatedView", "ListCaseload":
				continue
			case "SetVigilanceThresholds", "GetVigilanceThresholds":
				continue // the organisation's settings, no file's: TestVigilanceThresholdsPerOrganisation
			}
			if _, ok := writeSamples[name]; !ok {
				t.Errorf("no sample request for %s: every command must be tried", name)
				continue
			}
			err := callCommand(t, cc, name, f.person, fmt.Sprintf("x-%s-%d", p.Subject, i))
			if status.Code(err) != codes.PermissionDenied {
				t.Errorf("%s as %s@%s = %v, want PermissionDenied", name, p.Role, p.Organisation, err)
			}
			refusals++
		}
	}
	after, err := f.view(t, coordinatrice)
	mustNil(t, err)
	if after.GetVersion() != before.GetVersion() {
		t.Errorf("refused commands moved the file from version %d to %d", before.GetVersion(), after.GetVersion())
	}
	// A dpo and an administrateur enrol nobody either.
	for _, p := range []auth.Principal{dpo, administrator} {
		_, err := f.api(t, p).EnrollPerson(ctxT(t), &parcoursv1.EnrollPersonRequest{RequestId: "e-" + p.Subject, BirthDate: "2000-01-01",
			Domicile: &parcoursv1.Domicile{CommuneInsee: "35238"}, PublicConcerned: 1, LegalProtection: 1})
		wantCode(t, err, codes.PermissionDenied)
	}
	trail := f.trail(t)
	denied := 0
	for _, r := range trail {
		if d := r.GetDenied(); d != nil {
			denied++
			if d.GetRule() == "" || d.GetActor().GetOrganisationId() == "" || d.GetMethod() == "" {
				t.Errorf("refusal recorded without its rule, actor or method: %v", d)
			}
		}
	}
	if denied < refusals {
		t.Errorf("%d refusals in the audit trail, want at least %d", denied, refusals)
	}
}

// Inside the coordination, coordination-only acts are the coordination's.
func TestCoordinationOnlyActs(t *testing.T) {
	f := openSharedFile(t)
	for _, p := range []auth.Principal{colleague, referent, nurse, homeHelp} {
		cc := f.m.client(t, p)
		for _, m := range []string{"DischargePerson", "ValidatePlan", "AssignCoordinator", "AssignReferent", "AssociatePartner",
			"RecordSharingConsent", "RecordSharingOpposition", "SetCoordinationLevel"} {
			if err := callCommand(t, cc, m, f.person, "co-"+p.Subject+m); status.Code(err) != codes.PermissionDenied {
				t.Errorf("%s as %s = %v, want PermissionDenied", m, p.Subject, err)
			}
		}
	}
	// Anyone taking part raises the alarm.
	for i, p := range []auth.Principal{referent, nurse, homeHelp} {
		if err := callCommand(t, f.m.client(t, p), "ReportRupture", f.person, fmt.Sprintf("alarm-%d", i)); err != nil {
			t.Errorf("ReportRupture as %s = %v", p.Subject, err)
		}
	}
	// The référent writes the entourage; the soins partner may not.
	if err := callCommand(t, f.m.client(t, referent), "AddEntourageMember", f.person, "ent-ref"); err != nil {
		t.Errorf("AddEntourageMember as the référent = %v", err)
	}
	if err := callCommand(t, f.m.client(t, nurse), "AddEntourageMember", f.person, "ent-nurse"); status.Code(err) != codes.PermissionDenied {
		t.Errorf("AddEntourageMember as the soins partner = %v, want PermissionDenied", err)
	}
	// Santé is written by a health professional only.
	if err := callCommand(t, f.m.client(t, coordinatrice), "IdentifyNeed", f.person, "n-1"); err != nil {
		t.Errorf("IdentifyNeed 1.2.1.3 by the coordinatrice = %v", err)
	}
	_, err := f.api(t, coordinatrice).IdentifyNeed(ctxT(t), &parcoursv1.IdentifyNeedRequest{RequestId: "n-2", PersonId: f.person, NeedCode: "1.1.2"})
	wantCode(t, err, codes.PermissionDenied)
}

// The caseload answers for the organisation of the token: the same
// subject elsewhere lists nothing, and no filter tells a hidden person.
func TestCaseloadIsTheOrganisations(t *testing.T) {
	f := openSharedFile(t)
	list := func(p auth.Principal, req *parcoursv1.ListCaseloadRequest) (*parcoursv1.ListCaseloadResponse, error) {
		req.MinPosition = f.last
		return f.api(t, p).ListCaseload(ctxT(t), req)
	}
	res, err := list(coordinatrice, &parcoursv1.ListCaseloadRequest{})
	mustNil(t, err)
	if len(res.GetEntries()) != 1 || res.GetEntries()[0].GetBirthDate() != "2009-04-02" || res.GetEntries()[0].GetNextTransition() == nil {
		t.Fatalf("the coordinatrice's caseload = %v", res.GetEntries())
	}
	for _, req := range []*parcoursv1.ListCaseloadRequest{{}, {TransitionsWithinDays: 730}, {IncludeDischarged: true}} {
		res, err := list(outsider, req)
		mustNil(t, err)
		if len(res.GetEntries()) != 0 || res.GetNextPageToken() != "" {
			t.Errorf("the same subject in another organisation lists %v", res.GetEntries())
		}
	}
	_, err = list(outsider, &parcoursv1.ListCaseloadRequest{OrganisationId: pcpeOrg})
	wantCode(t, err, codes.PermissionDenied)
	_, err = list(dpo, &parcoursv1.ListCaseloadRequest{CoordinatorProfessionalId: "prof-42"})
	wantCode(t, err, codes.PermissionDenied)
	// A colleague of the organisation who is no coordinateur sees no
	// one else's caseload.
	_, err = list(colleague, &parcoursv1.ListCaseloadRequest{CoordinatorProfessionalId: "prof-42"})
	wantCode(t, err, codes.PermissionDenied)
	// Each entry listed is audited.
	n := 0
	for _, r := range f.trail(t) {
		if r.GetDisclosed().GetKind() == eventsv1.DisclosureKind_DISCLOSURE_KIND_CASELOAD_ENTRY {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d caseload disclosures audited, want 1", n)
	}
}

// trail reads the whole audit trail as the organisation's dpo.
func (f *sharedFile) trail(t *testing.T) []*auditv1.AuditRecord {
	t.Helper()
	api := auditv1.NewAuditServiceClient(f.m.client(t, dpo))
	var out []*auditv1.AuditRecord
	req := &auditv1.ListDisclosuresRequest{PersonId: f.person, PageSize: 50}
	for {
		res, err := api.ListDisclosures(ctxT(t), req)
		mustNil(t, err)
		out = append(out, res.GetRecords()...)
		if res.GetNextPageToken() == "" {
			return out
		}
		req.PageToken = res.GetNextPageToken()
	}
}

func timestampNow() *timestamppb.Timestamp { return timestamppb.Now() }
