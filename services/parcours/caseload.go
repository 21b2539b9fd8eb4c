package parcours

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The caseload (file active): an index of the views by coordinator, kept by
// the Views projection as it folds, so that listing a coordinator's people
// reads a hundred small entries instead of twenty thousand views. An entry
// holds only what the day of the read does not change; the filters and
// counts that depend on it (overdue actions and reviews, transitions
// within N days) are computed at read.

// defaultPageSize is ListCaseload's page size when the request says 0.
const defaultPageSize = 50

// caseEntry is one person of a caseload, derived from their view.
type caseEntry struct {
	personID       string
	birthDate      string
	commune        string
	public         eventsv1.PublicConcerned
	level          eventsv1.CoordinationLevel
	coordinator    caseProfessional
	referent       caseProfessional
	key            string // the coordinator the person is listed under; "" for none
	nextTransition *parcoursv1.TransitionSummary
	openRuptures   uint32
	openRisks      uint32
	pendingDue     []pendingAction // the actions still to be done, by due date
	nextReviewOn   string
	lastEventAt    time.Time
	version        uint64
	discharged     bool
	dischargedOn   string
	team           access.Team // who may see the entry, and what of it
}

type caseProfessional struct{ id, organisation, name string }

func (p caseProfessional) summary() *parcoursv1.ProfessionalSummary {
	if p.id == "" {
		return nil
	}
	return &parcoursv1.ProfessionalSummary{ProfessionalId: p.id, OrganisationId: p.organisation, DisplayName: p.name}
}

// entryOf is the caseload entry of view; old is the person's previous
// entry, or nil.
func entryOf(view *parcoursv1.CoordinatedView, old *caseEntry) *caseEntry {
	e := &caseEntry{
		personID:     view.GetPersonId(),
		birthDate:    view.GetEnrolled().GetBirthDate(),
		commune:      view.GetEnrolled().GetDomicile().GetCommuneInsee(),
		public:       view.GetEnrolled().GetPublicConcerned(),
		level:        view.GetCoordinationLevel(),
		nextReviewOn: view.GetNextReviewOn(),
		version:      view.GetVersion(),
		discharged:   view.GetDischarged(),
		dischargedOn: view.GetDischarge().GetDischargedOn(),
	}
	if c := view.GetCoordinator(); c != nil {
		e.coordinator = caseProfessional{c.GetProfessionalId(), c.GetOrganisationId(), c.GetDisplayName()}
	}
	if r := view.GetReferent(); r != nil {
		e.referent = caseProfessional{r.GetProfessionalId(), r.GetOrganisationId(), r.GetDisplayName()}
	}
	e.team = teamOf(view)
	e.key = caseloadKey(e.coordinator.organisation, e.coordinator.id)
	if e.coordinator.id == "" && e.discharged && old != nil {
		// Discharged with the role vacant: still their last coordinator's.
		e.key = old.key
	}
	for _, t := range view.GetTransitions() { // in planned-date order
		if t.GetState() == parcoursv1.TransitionState_TRANSITION_STATE_ANTICIPATED {
			e.nextTransition = &parcoursv1.TransitionSummary{TransitionId: t.GetTransitionId(), Kind: t.GetKind(), PlannedDate: t.GetPlannedDate()}
			break
		}
	}
	for _, r := range view.GetRuptures() {
		if r.GetState() == parcoursv1.RuptureState_RUPTURE_STATE_OPEN {
			e.openRuptures++
		}
	}
	for _, r := range view.GetRisks() {
		if r.GetState() == parcoursv1.RuptureState_RUPTURE_STATE_OPEN {
			e.openRisks++
		}
	}
	for _, p := range viewPendingActions(view.GetPlan()) {
		var needs access.Categories
		for _, id := range p.objective.GetNeedIds() {
			needs |= access.Of(viewNeedCategory(view, id))
		}
		if prestationCategory(p.action.GetPrestation().GetCode()) == access.Sante {
			needs |= access.Of(access.Sante)
		}
		e.pendingDue = append(e.pendingDue, pendingAction{due: p.action.GetDueDate(), needs: needs})
	}
	if n := len(view.GetTimeline()); n > 0 {
		e.lastEventAt = view.GetTimeline()[n-1].GetOccurredAt().AsTime()
	}
	return e
}

// caseloadKey names a coordinator's caseload: the professional within
// their organisation, so that the same subject in another organisation
// lists nothing of it.
func caseloadKey(organisation, professional string) string {
	if professional == "" {
		return ""
	}
	return organisation + "/" + professional
}

// pendingAction is an action still to be done, with the categories of what
// it is linked to (its objective's needs, a soins prestation).
type pendingAction struct {
	due   string // "YYYY-MM-DD"
	needs access.Categories
}

// overdueActions counts the actions due before d ("YYYY-MM-DD") that g
// lets its reader see: an action hidden in the view is not counted.
func (e *caseEntry) overdueActions(d string, g access.Grant) int {
	n := 0
	for _, p := range e.pendingDue {
		if p.due >= d {
			break
		}
		if g.Categories.Covers(p.needs) {
			n++
		}
	}
	return n
}

// caseloadFilters are a ListCaseload request's filters, with the
// coordinator they apply to.
type caseloadFilters struct {
	coordinator           string
	organisation          string
	onlyOpenRuptures      bool
	transitionsWithinDays uint32
	onlyOverdueReviews    bool
	onlyOverdueActions    bool
	includeDischarged     bool
}

func filtersOf(req *parcoursv1.ListCaseloadRequest, coordinator string) caseloadFilters {
	return caseloadFilters{
		coordinator: coordinator, organisation: req.GetOrganisationId(),
		onlyOpenRuptures: req.GetOnlyOpenRuptures(), transitionsWithinDays: req.GetTransitionsWithinDays(),
		onlyOverdueReviews: req.GetOnlyOverdueReviews(), onlyOverdueActions: req.GetOnlyOverdueActions(),
		includeDischarged: req.GetIncludeDischarged(),
	}
}

// hash identifies the filters in a page token: a token is only valid with
// the filters it was made for.
func (f caseloadFilters) hash() string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%q|%q|%t|%d|%t|%t|%t", f.coordinator, f.organisation,
		f.onlyOpenRuptures, f.transitionsWithinDays, f.onlyOverdueReviews, f.onlyOverdueActions, f.includeDischarged))
	return base64.RawURLEncoding.EncodeToString(sum[:12])
}

// match reports whether e passes every filter on the day d
// ("YYYY-MM-DD"); within is the last planned date that
// transitions_within_days accepts.
func (f caseloadFilters) match(e *caseEntry, g access.Grant, d, within string) bool {
	projet := g.Categories.Has(access.Projet)
	// A filter on what the reader may not see matches nothing: a person
	// must not be told apart by what is hidden of them.
	projetFilter := f.onlyOpenRuptures || f.transitionsWithinDays > 0 || f.onlyOverdueReviews || f.onlyOverdueActions
	switch {
	case projetFilter && !projet:
		return false
	case e.discharged && !f.includeDischarged:
		return false
	case f.organisation != "" && e.coordinator.organisation != f.organisation:
		return false
	case f.onlyOpenRuptures && e.openRuptures == 0:
		return false
	case f.transitionsWithinDays > 0 && (e.nextTransition == nil || e.nextTransition.GetPlannedDate() > within):
		return false
	case f.onlyOverdueReviews && (e.nextReviewOn == "" || e.nextReviewOn >= d):
		return false
	case f.onlyOverdueActions && e.overdueActions(d, g) == 0:
		return false
	}
	return true
}

// pageTokenVersion prefixes the page tokens this version writes.
const pageTokenVersion = "c1"

func pageToken(last string, f caseloadFilters) string {
	return base64.RawURLEncoding.EncodeToString([]byte(pageTokenVersion + "|" + f.hash() + "|" + last))
}

// parsePageToken returns the last person id of the previous page, or an
// error when the token is not one of ours or was made for other filters.
func parsePageToken(tok string, f caseloadFilters) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return "", derrors.Invalid("page_token", "is not a next_page_token of ListCaseload")
	}
	parts := strings.SplitN(string(raw), "|", 3)
	if len(parts) != 3 || parts[0] != pageTokenVersion || parts[2] == "" {
		return "", derrors.Invalid("page_token", "is not a next_page_token of ListCaseload")
	}
	if parts[1] != f.hash() {
		return "", derrors.Invalid("page_token", "was returned for other filters: a token is only valid with the filters of its first page")
	}
	return parts[2], nil
}

// CaseloadDisclosure is what a caseload page disclosed of one person.
type CaseloadDisclosure struct {
	PersonID string
	Grant    access.Grant
	Shown    access.Categories
}

// ListCaseload answers a page of a coordinator's caseload (caseloadKey)
// as reader may see it at now (days counted in Europe/Paris), with what
// each entry disclosed. The request's coordinator field is not read: the
// caller resolves it (empty means the caller) and checks the caller may
// see it. Errors are *derrors.InvalidError (page_token).
func (v *Views) ListCaseload(req *parcoursv1.ListCaseloadRequest, coordinator string, reader access.Caller, now time.Time) (*parcoursv1.ListCaseloadResponse, []CaseloadDisclosure, error) {
	f := filtersOf(req, coordinator)
	after := ""
	if tok := req.GetPageToken(); tok != "" {
		var err error
		if after, err = parsePageToken(tok, f); err != nil {
			return nil, nil, err
		}
	}
	size := int(req.GetPageSize())
	if size <= 0 {
		size = defaultPageSize
	}
	day := today(now)
	d := day.Format(dateLayout)
	within := day.AddDate(0, 0, int(f.transitionsWithinDays)).Format(dateLayout)

	out := &parcoursv1.ListCaseloadResponse{}
	var disclosed []CaseloadDisclosure
	prefix := "c/" + coordinator + "/"
	var startAfter []byte
	if after != "" {
		startAfter = []byte(prefix + after)
	}
	var failure error
	err := v.db.Scan([]byte(prefix), startAfter, func(key, value []byte) bool {
		view := &parcoursv1.CoordinatedView{}
		if err := proto.Unmarshal(value, view); err != nil {
			failure = fmt.Errorf("caseload entry %s: %w", key, err)
			return false
		}
		e := entryOf(view, nil)
		g, err := e.team.ReadFile(reader, d)
		if err != nil || !f.match(e, g, d, within) {
			return true
		}
		if len(out.Entries) == size {
			// One more matches: there is a next page.
			out.NextPageToken = pageToken(out.Entries[size-1].GetPersonId(), f)
			return false
		}
		entry, shown := e.proto(d, f.includeDischarged, g)
		out.Entries = append(out.Entries, entry)
		disclosed = append(disclosed, CaseloadDisclosure{PersonID: e.personID, Grant: g, Shown: shown})
		return true
	})
	if err == nil {
		err = failure
	}
	if err != nil {
		return nil, nil, err
	}
	return out, disclosed, nil
}

// proto is the entry as ListCaseload answers it on day d to a reader
// granted g, with the categories it shows.
func (e *caseEntry) proto(d string, withDischarge bool, g access.Grant) (*parcoursv1.CaseloadEntry, access.Categories) {
	out, shown := e.fullProto(d, withDischarge, g), access.Categories(0)
	if g.Categories.Has(access.Identite) {
		shown |= access.Of(access.Identite)
	} else {
		out.BirthDate, out.CommuneInsee, out.PublicConcerned = "", "", 0
	}
	if g.Categories.Has(access.Projet) {
		shown |= access.Of(access.Projet)
	} else {
		out.NextTransition, out.OpenRuptures, out.OpenRisks, out.OverdueActions, out.NextReviewOn = nil, 0, 0, 0, ""
		out.DischargedOn = ""
	}
	return out, shown
}

func (e *caseEntry) fullProto(d string, withDischarge bool, g access.Grant) *parcoursv1.CaseloadEntry {
	out := &parcoursv1.CaseloadEntry{
		PersonId:          e.personID,
		BirthDate:         e.birthDate,
		CommuneInsee:      e.commune,
		PublicConcerned:   e.public,
		CoordinationLevel: e.level,
		Coordinator:       e.coordinator.summary(),
		Referent:          e.referent.summary(),
		OpenRuptures:      e.openRuptures,
		OpenRisks:         e.openRisks,
		OverdueActions:    uint32(e.overdueActions(d, g)),
		NextReviewOn:      e.nextReviewOn,
		Version:           e.version,
	}
	if e.nextTransition != nil {
		out.NextTransition = &parcoursv1.TransitionSummary{
			TransitionId: e.nextTransition.GetTransitionId(), Kind: e.nextTransition.GetKind(), PlannedDate: e.nextTransition.GetPlannedDate(),
		}
	}
	if !e.lastEventAt.IsZero() {
		out.LastEventAt = timestamppb.New(e.lastEventAt)
	}
	if withDischarge {
		out.DischargedOn = e.dischargedOn
	}
	return out
}
