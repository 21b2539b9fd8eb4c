package app

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"slices"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/access/accesssvc"
	"github.com/maillage/maillage/internal/access/register"
	"github.com/maillage/maillage/internal/audit"
	"github.com/maillage/maillage/internal/audit/auditsvc"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/kit"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
	"github.com/maillage/maillage/services/meetings"
	"github.com/maillage/maillage/services/notifications"
	"github.com/maillage/maillage/services/parcours"
	"github.com/maillage/maillage/services/partners"
	"github.com/maillage/maillage/services/partners/geo"
)

// Deps is what a service is built from: the same store, codec, kit (access,
// audit, the command port) and settings for all.
type Deps struct {
	Store es.Store
	// Trails is the audit trails' store (stream AUDIT).
	Trails es.Store
	Codec  *decider.Codec
	Kit    *kit.Kit
	Audit  *audit.Writer
	// Teams reads who takes part in a person's coordination; set once
	// parcours is built (services built after it may use it).
	Teams access.Teams
	// Parcours is the parcours service, once built, for the services
	// that read its views (the feed).
	Parcours *parcours.Service
	Config   Config
	// Register is the access register maillaged keeps (revocations,
	// delegations), for the access service's commands.
	Register *register.Register
}

// registration is one service maillaged can run.
type registration struct {
	name  string
	build func(d *Deps) (Service, error)
}

// registry lists the services, in the order they are built. A new service
// is its own module plus one line here.
var registry = []registration{
	{"parcours", buildParcours},
	{"partners", buildPartners},
	{"meetings", buildMeetings},
	{"notifications", buildNotifications},
	{"audit", buildAudit},
	{"access", buildAccess},
	{"feed", buildFeed},
}

func buildPartners(d *Deps) (Service, error) {
	cfg := partners.Config{Store: d.Store, Codec: d.Codec, Kit: d.Kit, ProjectionsDir: d.Config.projectionsDir(),
		ViewWait: d.Config.ViewWait, ExpiryEvery: d.Config.ExpiryEvery, Now: d.Config.Now, Logger: d.Config.Logger}
	if d.Parcours != nil {
		cfg.Files = parcoursFiles{d.Parcours}
	}
	return partners.New(cfg)
}

// parcoursFiles reads people's files for the partners service from the
// parcours views.
type parcoursFiles struct{ p *parcours.Service }

func (f parcoursFiles) TeamOf(personID string) (access.Team, bool) {
	return f.p.Teams().TeamOf(personID)
}

func (f parcoursFiles) Stored(ctx context.Context) error { return f.p.Stored(ctx) }

func (f parcoursFiles) PeopleIn(prefix string, fn func(*parcoursv1.CoordinatedView) bool) error {
	return f.p.Views().PeopleIn(prefix, fn)
}

func (f parcoursFiles) OpenNeed(personID, needID string) bool {
	v, _ := f.p.Views().Get(personID)
	for _, n := range v.GetNeeds() {
		if n.GetNeedId() == needID {
			return n.GetState() == parcoursv1.NeedState_NEED_STATE_OPEN
		}
	}
	return false
}

func (f parcoursFiles) AnticipatedTransition(personID, transitionID string) bool {
	v, _ := f.p.Views().Get(personID)
	for _, t := range v.GetTransitions() {
		if t.GetTransitionId() == transitionID {
			return t.GetState() == parcoursv1.TransitionState_TRANSITION_STATE_ANTICIPATED
		}
	}
	return false
}

func (f parcoursFiles) DomicileOf(personID string) (geo.Point, bool) {
	v, ok := f.p.Views().Get(personID)
	d := v.GetEnrolled().GetDomicile()
	if !ok || d == nil || d.Latitude == nil || d.Longitude == nil {
		return geo.Point{}, false
	}
	return geo.Point{Lat: d.GetLatitude(), Lon: d.GetLongitude()}, true
}

func buildMeetings(d *Deps) (Service, error) {
	if d.Parcours == nil {
		return nil, fmt.Errorf("meetings are about people's files: run parcours too")
	}
	return meetings.New(meetings.Config{Store: d.Store, Codec: d.Codec, Kit: d.Kit, Files: parcoursFiles{d.Parcours}, Now: d.Config.Now,
		ProjectionsDir: d.Config.projectionsDir(), Logger: d.Config.Logger})
}

// FileOf is what the meetings need of a person's file.
func (f parcoursFiles) FileOf(personID string) meetings.File {
	v, ok := f.p.Views().Get(personID)
	if !ok {
		return meetings.File{}
	}
	team, _ := f.p.Teams().TeamOf(personID)
	file := meetings.File{Known: true, Discharged: v.GetDischarge() != nil, Team: team}
	for _, o := range v.GetPlan().GetObjectives() {
		if st := o.GetState(); st != parcoursv1.ObjectiveState_OBJECTIVE_STATE_ACHIEVED && st != parcoursv1.ObjectiveState_OBJECTIVE_STATE_ABANDONED {
			file.OpenObjectives = append(file.OpenObjectives, o.GetObjectiveId())
		}
	}
	return file
}

func buildNotifications(d *Deps) (Service, error) {
	if d.Parcours == nil {
		return nil, fmt.Errorf("notifications are routed to the teams of the parcours files: run parcours too")
	}
	return notifications.New(notifications.Config{Store: d.Store, Codec: d.Codec, Kit: d.Kit, Teams: d.Teams, TeamsStored: d.Parcours.Stored,
		TeamsReady:     d.Parcours.Ready(),
		ProjectionsDir: d.Config.projectionsDir(), ViewWait: d.Config.ViewWait, Retry: d.Config.WebhookRetry, Now: d.Config.Now, Logger: d.Config.Logger})
}

func buildFeed(d *Deps) (Service, error) {
	if d.Parcours == nil {
		return nil, fmt.Errorf("the feed streams the parcours files: run parcours too")
	}
	return d.Parcours.Feed(), nil
}

func buildAccess(d *Deps) (Service, error) {
	return accesssvc.New(accesssvc.Config{Store: d.Store, Kit: d.Kit, Register: d.Register,
		MaxTokenLifetime: d.Config.MaxTokenLifetime, Logger: d.Config.Logger})
}

func buildAudit(d *Deps) (Service, error) {
	if d.Teams == nil {
		return nil, fmt.Errorf("the audit service reads who takes part in a file from parcours: run parcours too")
	}
	return auditsvc.New(auditsvc.Config{Store: d.Trails, Kit: d.Kit, Teams: d.Teams, TeamsReady: d.Parcours.ViewsReady,
		Keys: []ed25519.PublicKey{d.Audit.PublicKey()}})
}

func buildParcours(d *Deps) (Service, error) {
	s, err := parcours.New(parcours.Config{
		Store: d.Store, Codec: d.Codec, Kit: d.Kit, ProjectionsDir: d.Config.projectionsDir(),
		ViewWait: d.Config.ViewWait, Now: d.Config.Now, Logger: d.Config.Logger, VigilanceEvery: d.Config.VigilanceEvery,
	})
	if err != nil {
		return nil, err
	}
	d.Teams, d.Parcours = s.Teams(), s
	return s, nil
}

// buildServices makes the services asked for, in registry order.
func (a *App) buildServices(d *Deps) ([]Service, error) {
	var out []Service
	for _, r := range registry {
		if !slices.Contains(a.cfg.Services, r.name) {
			continue
		}
		s, err := r.build(d)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.name, err)
		}
		out = append(out, s)
	}
	return out, nil
}
