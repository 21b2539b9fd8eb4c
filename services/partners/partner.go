package partners

import (
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/es"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/partners/identifier"
)

// PartnerCategory is the event-store category of the directory: one stream
// per partner, "partner-<organisation_id>".
const PartnerCategory = "partner"

// PartnerStream is the stream of the partner with that official number.
func PartnerStream(organisationID string) string {
	return es.StreamName(PartnerCategory, organisationID)
}

// PartnerState is a partner as its events leave it.
type PartnerState struct {
	OrganisationID string
	Registered     bool
	Withdrawn      bool
	Description    *eventsv1.PartnerDescription
	Capacity       *eventsv1.PartnerCapacity
	Source         eventsv1.PartnerSource
}

// PartnerCommand is a command on one partner.
type PartnerCommand interface{ organisationID() string }

// RegisterPartner enters a partner into the directory.
type RegisterPartner struct {
	OrganisationID string
	Description    *eventsv1.PartnerDescription
	Capacity       *eventsv1.PartnerCapacity
	Source         eventsv1.PartnerSource
}

// UpdatePartner replaces a partner's description.
type UpdatePartner struct {
	OrganisationID string
	Description    *eventsv1.PartnerDescription
	Source         eventsv1.PartnerSource
}

// UpdateCapacity sets a partner's places.
type UpdateCapacity struct {
	OrganisationID string
	Capacity       *eventsv1.PartnerCapacity
}

// WithdrawPartner takes a partner out of the directory.
type WithdrawPartner struct {
	OrganisationID string
	Reason         string
}

// ReinstatePartner brings a withdrawn partner back.
type ReinstatePartner struct {
	OrganisationID string
	Reason         string
}

// ImportPartner registers a partner from an import, or updates the fields
// the import is the source of (name, category, legal entity, SIRET,
// address, location, phone), keeping what professionals added.
type ImportPartner struct {
	OrganisationID string
	Description    *eventsv1.PartnerDescription
}

func (c RegisterPartner) organisationID() string  { return c.OrganisationID }
func (c UpdatePartner) organisationID() string    { return c.OrganisationID }
func (c UpdateCapacity) organisationID() string   { return c.OrganisationID }
func (c WithdrawPartner) organisationID() string  { return c.OrganisationID }
func (c ReinstatePartner) organisationID() string { return c.OrganisationID }
func (c ImportPartner) organisationID() string    { return c.OrganisationID }

// Partner is the decider of the directory's partners.
var Partner = decider.Decider[*PartnerState, PartnerCommand]{
	Initial: func() *PartnerState { return &PartnerState{} },
	Decide:  decidePartner,
	Evolve:  evolvePartner,
}

func decidePartner(s *PartnerState, cmd PartnerCommand, at decider.Context) ([]proto.Message, error) {
	if _, err := identifier.Parse(cmd.organisationID()); err != nil {
		return nil, derrors.Invalid("organisation_id", "%v", err)
	}
	if err := authorizePartner(s, cmd, at.Caller); err != nil {
		return nil, err
	}
	switch c := cmd.(type) {
	case RegisterPartner:
		return decideRegister(s, c)
	case ImportPartner:
		return decideImport(s, c)
	}
	if !s.Registered {
		return nil, derrors.ErrNotFound
	}
	switch c := cmd.(type) {
	case UpdatePartner:
		if err := checkDescription(c.Description); err != nil {
			return nil, err
		}
		d := c.Description
		if d.GetLegalEntityId() == "" && s.Description.GetLegalEntityId() != "" {
			d = proto.CloneOf(d)
			d.LegalEntityId = s.Description.GetLegalEntityId()
		}
		if proto.Equal(d, s.Description) {
			return nil, nil
		}
		return []proto.Message{&eventsv1.PartnerUpdated{Description: d, Source: c.Source}}, nil
	case UpdateCapacity:
		if err := checkCapacity(c.Capacity); err != nil {
			return nil, err
		}
		if proto.Equal(c.Capacity, s.Capacity) {
			return nil, nil
		}
		return []proto.Message{&eventsv1.CapacityUpdated{Capacity: c.Capacity}}, nil
	case WithdrawPartner:
		if s.Withdrawn {
			return nil, nil
		}
		return []proto.Message{&eventsv1.PartnerWithdrawn{Reason: c.Reason}}, nil
	case ReinstatePartner:
		if !s.Withdrawn {
			return nil, nil
		}
		return []proto.Message{&eventsv1.PartnerReinstated{Reason: c.Reason}}, nil
	}
	return nil, derrors.Invalid("command", "unknown partner command %T", cmd)
}

func decideRegister(s *PartnerState, c RegisterPartner) ([]proto.Message, error) {
	if s.Registered {
		return nil, derrors.Rejected("partner.registered", c.OrganisationID,
			"%s is already in the directory: update it instead", c.OrganisationID)
	}
	if err := checkDescription(c.Description); err != nil {
		return nil, err
	}
	capacity := c.Capacity
	if capacity == nil {
		capacity = &eventsv1.PartnerCapacity{}
	}
	if err := checkCapacity(capacity); err != nil {
		return nil, err
	}
	source := c.Source
	if source == eventsv1.PartnerSource_PARTNER_SOURCE_UNSPECIFIED {
		source = eventsv1.PartnerSource_PARTNER_SOURCE_MANUAL
	}
	return []proto.Message{&eventsv1.PartnerRegistered{OrganisationId: c.OrganisationID, Description: c.Description,
		Capacity: capacity, Source: source}}, nil
}

// decideImport registers a new partner, or brings the imported fields of
// a known one up to date; nothing when they already are.
func decideImport(s *PartnerState, c ImportPartner) ([]proto.Message, error) {
	if !s.Registered {
		return decideRegister(s, RegisterPartner{OrganisationID: c.OrganisationID, Description: c.Description,
			Source: eventsv1.PartnerSource_PARTNER_SOURCE_FINESS_IMPORT})
	}
	merged := mergeImported(s.Description, c.Description)
	if err := checkDescription(merged); err != nil {
		return nil, err
	}
	if proto.Equal(merged, s.Description) {
		return nil, nil
	}
	return []proto.Message{&eventsv1.PartnerUpdated{Description: merged, Source: eventsv1.PartnerSource_PARTNER_SOURCE_FINESS_IMPORT}}, nil
}

// mergeImported is current with the fields an import is the source of
// taken from imported; what professionals state (offers, territory,
// contacts, mission, kind) stays, unless current has none.
func mergeImported(current, imported *eventsv1.PartnerDescription) *eventsv1.PartnerDescription {
	out := proto.CloneOf(current)
	out.Name, out.Category, out.LegalEntityId = imported.GetName(), imported.GetCategory(), imported.GetLegalEntityId()
	out.Siret, out.Address, out.Location, out.Phone = imported.GetSiret(), imported.GetAddress(), imported.GetLocation(), imported.GetPhone()
	if len(out.Offers) == 0 {
		out.Offers = imported.GetOffers()
	}
	if out.Kind == eventsv1.PartnerKind_PARTNER_KIND_UNSPECIFIED {
		out.Kind = imported.GetKind()
	}
	if out.Mission == eventsv1.PartnerMission_PARTNER_MISSION_UNSPECIFIED {
		out.Mission = imported.GetMission()
	}
	return out
}

// authorizePartner: the directory is kept by the coordination
// (coordinateur) and administrateurs; a partner keeps its own entry (its
// description and places) and may register itself. Imports and
// withdrawals are the keepers' only.
func authorizePartner(s *PartnerState, cmd PartnerCommand, c access.Caller) error {
	if err := authorizeLegalEntity(s, cmd, c); err != nil {
		return err
	}
	keeper := c.Role == auth.RoleCoordinateur || c.Role == auth.RoleAdministrateur
	if keeper {
		return nil
	}
	self := c.Organisation == cmd.organisationID() ||
		s.Description.GetLegalEntityId() != "" && c.Organisation == s.Description.GetLegalEntityId()
	switch cmd.(type) {
	case RegisterPartner, UpdatePartner, UpdateCapacity:
		if self && c.Role != auth.RoleDPO {
			return nil
		}
	}
	return derrors.Denied("partners.not_a_keeper",
		"the directory is kept by the coordination and administrateurs; a partner keeps its own entry only")
}

// authorizeLegalEntity: the legal entity (entité juridique) of a partner
// answers for it (accepts, declines, reads its solicitations), so only an
// administrateur changes it once the partner is known, by hand or by an
// import; the partner itself and the coordination do not (an update that
// leaves it empty keeps it).
func authorizeLegalEntity(s *PartnerState, cmd PartnerCommand, c access.Caller) error {
	var next string
	switch cmd := cmd.(type) {
	case UpdatePartner:
		next = cmd.Description.GetLegalEntityId()
	case ImportPartner:
		next = cmd.Description.GetLegalEntityId()
	default:
		return nil
	}
	if !s.Registered || next == "" || next == s.Description.GetLegalEntityId() || c.Role == auth.RoleAdministrateur {
		return nil
	}
	return derrors.Denied("partners.legal_entity",
		"the legal entity of %s answers for it: only an administrateur changes it (from %q to %q)", s.OrganisationID,
		s.Description.GetLegalEntityId(), next)
}

func evolvePartner(s *PartnerState, ev decider.Event) *PartnerState {
	switch e := ev.Payload.(type) {
	case *eventsv1.PartnerRegistered:
		s.OrganisationID, s.Registered = e.GetOrganisationId(), true
		s.Description, s.Capacity, s.Source = e.GetDescription(), e.GetCapacity(), e.GetSource()
	case *eventsv1.PartnerUpdated:
		s.Description, s.Source = e.GetDescription(), e.GetSource()
	case *eventsv1.CapacityUpdated:
		s.Capacity = e.GetCapacity()
	case *eventsv1.PartnerWithdrawn:
		s.Withdrawn = true
	case *eventsv1.PartnerReinstated:
		s.Withdrawn = false
	}
	return s
}
