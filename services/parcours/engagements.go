package parcours

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/es"
	"github.com/maillage/maillage/internal/projection"
	"github.com/maillage/maillage/internal/projection/kv"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// A partner engaged for a person (the partners service's EngagementStarted)
// takes part in the person's coordination for its engagement's mission,
// in the file itself, until its engagements end: a process manager
// (Engagements) reads the solicitations' streams and records it with
// these two commands, which nobody else may run.

// engagements is the caller the process manager acts as.
var engagements = access.Caller{Subject: "maillage-engagements", Organisation: "maillage"}

// JoinByEngagement: the partner engaged takes part in the coordination
// for its mission. Nothing when it takes part already, or the file is
// closed.
type JoinByEngagement struct {
	PersonID       string
	OrganisationID string
	DisplayName    string
	Mission        eventsv1.PartnerMission
	EngagementID   string
}

// LeaveByEngagement: the partner's last engagement for the person ended;
// it stops taking part, unless the coordination associated it itself.
type LeaveByEngagement struct {
	PersonID       string
	OrganisationID string
	EngagementID   string
}

func (c JoinByEngagement) personID() string  { return c.PersonID }
func (c LeaveByEngagement) personID() string { return c.PersonID }

func decideJoinByEngagement(s *PersonState, c JoinByEngagement) ([]proto.Message, error) {
	if !s.Enrolled || s.Discharged || c.OrganisationID == s.Team.Holder {
		return nil, nil
	}
	if _, takesPart := s.Team.Partners[c.OrganisationID]; takesPart {
		return nil, nil
	}
	return []proto.Message{&eventsv1.PartnerJoinedCoordination{OrganisationId: c.OrganisationID, DisplayName: c.DisplayName,
		Mission: c.Mission, Categories: access.MissionCategories(c.Mission).List(), EngagementId: c.EngagementID}}, nil
}

func decideLeaveByEngagement(s *PersonState, c LeaveByEngagement) ([]proto.Message, error) {
	if !s.Enrolled || s.Discharged || s.EngagedPartners[c.OrganisationID] == "" {
		return nil, nil // associated by the coordination, or gone already
	}
	return []proto.Message{&eventsv1.PartnerLeftCoordination{OrganisationId: c.OrganisationID, Reason: "fin de l'engagement",
		EngagementId: c.EngagementID}}, nil
}

// evolveEngagedPartners keeps which partners take part by an engagement.
func evolveEngagedPartners(s *PersonState, payload proto.Message) {
	switch e := payload.(type) {
	case *eventsv1.PartnerJoinedCoordination:
		if e.GetEngagementId() == "" {
			delete(s.EngagedPartners, e.GetOrganisationId()) // the coordination's association takes over
			return
		}
		if s.EngagedPartners == nil {
			s.EngagedPartners = map[string]string{}
		}
		s.EngagedPartners[e.GetOrganisationId()] = e.GetEngagementId()
	case *eventsv1.PartnerLeftCoordination:
		delete(s.EngagedPartners, e.GetOrganisationId())
	}
}

// Engagements is the process manager: a projection of the solicitations'
// streams that counts each partner's running engagements for each person
// and, when the count leaves or reaches zero, runs JoinByEngagement or
// LeaveByEngagement on the file. Its counts and position are on disk in
// one batch; commands carry request ids of their engagement, so a batch
// replayed after a crash answers them as the first time.
//
// Keys:
//
//	g/<solicitation>     person, organisation, engagement, last version folded
//	n/<person>/<org>     running engagements of the organisation for the person
type Engagements struct {
	db    *kv.DB
	codec *decider.Codec
	run   func(ctx context.Context, cmd Command, requestID string) error
	log   *slog.Logger
	mu    sync.Mutex
}

var _ projection.Projection = (*Engagements)(nil)

// Name is the process manager's durable name.
func (g *Engagements) Name() string { return "parcours-engagements-v1" }

// Filter selects the solicitations' events.
func (g *Engagements) Filter() es.Filter {
	return es.Filter{Categories: []string{SolicitationCategory}}
}

// Position is where it stands.
func (g *Engagements) Position() (es.Position, error) { return g.db.Position() }

// Close closes its store.
func (g *Engagements) Close() error { return g.db.Close() }

type engagementSeen struct {
	person, org, engagement string
	version                 es.Version
}

func (e engagementSeen) encode() []byte {
	return binary.AppendUvarint([]byte(e.person+"\x00"+e.org+"\x00"+e.engagement+"\x00"), uint64(e.version))
}

func decodeEngagementSeen(b []byte) (engagementSeen, bool) {
	parts := strings.SplitN(string(b), "\x00", 4)
	if len(parts) != 4 {
		return engagementSeen{}, false
	}
	v, n := binary.Uvarint([]byte(parts[3]))
	return engagementSeen{person: parts[0], org: parts[1], engagement: parts[2], version: es.Version(v)}, n > 0
}

// ApplyBatch counts the engagements the events start and end, runs the
// commands the counts call for, then stores the counts and the position.
func (g *Engagements) ApplyBatch(evs []es.RecordedEvent) ([]es.RecordedEvent, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	seen := map[string]engagementSeen{}
	counts := map[string]uint64{}
	count := func(person, org string) (uint64, error) {
		key := "n/" + person + "/" + org
		if n, ok := counts[key]; ok {
			return n, nil
		}
		v, ok, err := g.db.Get([]byte(key))
		if err != nil || !ok {
			return 0, err
		}
		n, _ := binary.Uvarint(v)
		return n, nil
	}
	var skipped []es.RecordedEvent
	for _, ev := range evs {
		id, ok := strings.CutPrefix(ev.Stream, SolicitationCategory+"-")
		if !ok {
			continue
		}
		s, known := seen[id]
		if !known {
			if v, found, err := g.db.Get([]byte("g/" + id)); err != nil {
				return nil, err
			} else if found {
				s, _ = decodeEngagementSeen(v)
			}
		}
		if ev.Version <= s.version {
			continue
		}
		payload, err := g.codec.Decode(ev)
		if err != nil {
			skipped = append(skipped, ev)
			continue
		}
		s.version = ev.Version
		seen[id] = s
		switch e := payload.(type) {
		case *eventsv1.EngagementStarted:
			s.person, s.org, s.engagement = e.GetPersonId(), e.GetOrganisationId(), e.GetEngagementId()
			seen[id] = s
			n, err := count(s.person, s.org)
			if err != nil {
				return nil, err
			}
			counts["n/"+s.person+"/"+s.org] = n + 1
			if n == 0 {
				join := JoinByEngagement{PersonID: s.person, OrganisationID: s.org, DisplayName: e.GetDisplayName(), Mission: e.GetMission(), EngagementID: s.engagement}
				if err := g.command(join, "engagement-"+s.engagement+"-joined"); err != nil {
					return nil, err
				}
			}
		case *eventsv1.EngagementEnded:
			if s.person == "" {
				continue // an end with no start seen: nothing counted
			}
			n, err := count(s.person, s.org)
			if err != nil {
				return nil, err
			}
			if n > 0 {
				n--
			}
			counts["n/"+s.person+"/"+s.org] = n
			if n == 0 {
				leave := LeaveByEngagement{PersonID: s.person, OrganisationID: s.org, EngagementID: s.engagement}
				if err := g.command(leave, "engagement-"+s.engagement+"-left"); err != nil {
					return nil, err
				}
			}
		}
	}
	b := g.db.NewBatch()
	for id, s := range seen {
		if err := b.Set([]byte("g/"+id), s.encode()); err != nil {
			b.Discard()
			return nil, err
		}
	}
	for key, n := range counts {
		if err := b.Set([]byte(key), binary.AppendUvarint(nil, n)); err != nil {
			b.Discard()
			return nil, err
		}
	}
	return skipped, b.Commit(evs[len(evs)-1].Position)
}

// command runs cmd on the file as the process manager.
func (g *Engagements) command(cmd Command, requestID string) error {
	return runProcessCommand(g.run, g.log, cmd, requestID)
}

// runProcessCommand runs a process manager's cmd, trying again a while
// when the store fails (the batch then stays to apply, and the runner
// stops only after that); a file that is not, or a decision that refuses
// (a rule, an invalid field, access), is logged and passed: trying again
// would refuse again, and a process manager stopped on it would stop
// maillaged at every start.
func runProcessCommand(run func(ctx context.Context, cmd Command, requestID string) error, log *slog.Logger, cmd Command, requestID string) error {
	var err error
	for attempt := range 8 {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = run(ctx, cmd, requestID)
		cancel()
		if err == nil || errors.Is(err, derrors.ErrNotFound) {
			return nil
		}
		var rule *derrors.RuleError
		var invalid *derrors.InvalidError
		var denied *derrors.DeniedError
		if errors.As(err, &rule) || errors.As(err, &invalid) || errors.As(err, &denied) {
			log.Warn("process manager: not recorded in the file", "command", fmt.Sprintf("%T", cmd), "person", cmd.personID(), "err", err)
			return nil
		}
		time.Sleep(time.Duration(attempt+1) * 100 * time.Millisecond)
	}
	return fmt.Errorf("process manager: %T for person %s: %w", cmd, cmd.personID(), err)
}
