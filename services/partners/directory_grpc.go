package partners

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	"github.com/maillage/maillage/internal/kit"
	"github.com/maillage/maillage/internal/serafin"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	partnersv1 "github.com/maillage/maillage/proto/maillage/partners/v1"
	"github.com/maillage/maillage/services/partners/geo"
)

// The gRPC port of the directory: each handler translates the request,
// runs the command through the kit's command port, and translates the
// answer. Field syntax is checked by the server's protovalidate
// interceptor; the decider checks who asks and what it means.

// handlePartner runs cmd on the partner's stream through the command port.
func (s *Service) handlePartner(ctx context.Context, cmd PartnerCommand, req proto.Message) (decider.Result, error) {
	opts, err := s.kit.CommandOptions(ctx, req)
	if err != nil {
		return decider.Result{}, kit.Status(err)
	}
	res, err := s.partners.Handle(ctx, cmd.organisationID(), cmd, opts)
	if err != nil {
		return res, kit.Status(err)
	}
	return res, nil
}

// RegisterPartner enters a partner into the directory.
func (s *Service) RegisterPartner(ctx context.Context, req *partnersv1.RegisterPartnerRequest) (*partnersv1.RegisterPartnerResponse, error) {
	cmd := RegisterPartner{OrganisationID: req.GetOrganisationId(), Description: descriptionOf(req.GetDetails()), Capacity: req.GetCapacity()}
	res, err := s.handlePartner(ctx, cmd, req)
	if err != nil {
		return nil, err
	}
	return &partnersv1.RegisterPartnerResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// UpdatePartner replaces a partner's description.
func (s *Service) UpdatePartner(ctx context.Context, req *partnersv1.UpdatePartnerRequest) (*partnersv1.UpdatePartnerResponse, error) {
	cmd := UpdatePartner{OrganisationID: req.GetOrganisationId(), Description: descriptionOf(req.GetDetails()),
		Source: eventsv1.PartnerSource_PARTNER_SOURCE_MANUAL}
	res, err := s.handlePartner(ctx, cmd, req)
	if err != nil {
		return nil, err
	}
	return &partnersv1.UpdatePartnerResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// UpdateCapacity sets a partner's places.
func (s *Service) UpdateCapacity(ctx context.Context, req *partnersv1.UpdateCapacityRequest) (*partnersv1.UpdateCapacityResponse, error) {
	res, err := s.handlePartner(ctx, UpdateCapacity{OrganisationID: req.GetOrganisationId(), Capacity: req.GetCapacity()}, req)
	if err != nil {
		return nil, err
	}
	return &partnersv1.UpdateCapacityResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// WithdrawPartner takes a partner out of the directory.
func (s *Service) WithdrawPartner(ctx context.Context, req *partnersv1.WithdrawPartnerRequest) (*partnersv1.WithdrawPartnerResponse, error) {
	res, err := s.handlePartner(ctx, WithdrawPartner{OrganisationID: req.GetOrganisationId(), Reason: req.GetReason()}, req)
	if err != nil {
		return nil, err
	}
	return &partnersv1.WithdrawPartnerResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// ReinstatePartner brings a withdrawn partner back.
func (s *Service) ReinstatePartner(ctx context.Context, req *partnersv1.ReinstatePartnerRequest) (*partnersv1.ReinstatePartnerResponse, error) {
	res, err := s.handlePartner(ctx, ReinstatePartner{OrganisationID: req.GetOrganisationId(), Reason: req.GetReason()}, req)
	if err != nil {
		return nil, err
	}
	return &partnersv1.ReinstatePartnerResponse{Position: res.Position.String(), Version: uint64(res.Version)}, nil
}

// GetPartner returns one partner.
func (s *Service) GetPartner(ctx context.Context, req *partnersv1.GetPartnerRequest) (*partnersv1.GetPartnerResponse, error) {
	if _, err := s.kit.Caller(ctx); err != nil {
		return nil, kit.Status(err)
	}
	if err := kit.Ready(s.runner, "the directory"); err != nil {
		return nil, err
	}
	if err := kit.WaitForPosition(ctx, s.runner, req.GetMinPosition(), s.cfg.ViewWait); err != nil {
		return nil, err
	}
	p, ok := s.directory.Partner(req.GetOrganisationId())
	if !ok {
		return nil, status.Errorf(codes.NotFound, "no partner %s in the directory", req.GetOrganisationId())
	}
	return &partnersv1.GetPartnerResponse{Partner: p}, nil
}

// Search defaults and bounds.
const (
	defaultRadiusKm  = 30
	defaultPageSize  = 20
	searchTokenBytes = 8 + 16
)

// SearchPartners finds partners in the directory.
func (s *Service) SearchPartners(ctx context.Context, req *partnersv1.SearchPartnersRequest) (*partnersv1.SearchPartnersResponse, error) {
	if _, err := s.kit.Caller(ctx); err != nil {
		return nil, kit.Status(err)
	}
	if err := kit.Ready(s.runner, "the directory"); err != nil {
		return nil, err
	}
	if err := kit.WaitForPosition(ctx, s.runner, req.GetMinPosition(), s.cfg.ViewWait); err != nil {
		return nil, err
	}
	q, err := s.queryOf(ctx, req)
	if err != nil {
		return nil, err
	}
	offset, err := pageOffset(req)
	if err != nil {
		return nil, kit.Status(err)
	}
	found, err := s.directory.Search(q)
	if err != nil {
		return nil, kit.Status(err)
	}
	size := int(req.GetPageSize())
	if size == 0 {
		size = defaultPageSize
	}
	out := &partnersv1.SearchPartnersResponse{Total: int32(len(found))}
	end := min(offset+size, len(found))
	for _, f := range found[min(offset, end):end] {
		p := s.directory.shared(f.Entry.org) // read only: marshalled into the answer
		if p == nil {
			continue
		}
		out.Results = append(out.Results, &partnersv1.SearchResult{Partner: p, DistanceKm: f.Distance / 1000,
			MatchingOffers: matchingOffers(p, q.Prestation)})
	}
	if end < len(found) {
		out.NextPageToken = pageToken(req, end)
	}
	return out, nil
}

// queryOf reads a search request; near_person_id reads the person's
// domicile from their file.
//
// The distances a search near the domicile answers tell where the person
// lives: only a caller who may see the person's identité searches so,
// and the search is recorded in the person's audit trail. The error is a
// gRPC status.
func (s *Service) queryOf(ctx context.Context, req *partnersv1.SearchPartnersRequest) (Query, error) {
	q := Query{Prestation: req.GetPrestationCode(), Commune: req.GetCommuneInsee(), Departement: req.GetDepartement(),
		Kinds: req.GetKinds(), OnlyAvailable: req.GetOnlyWithAvailablePlaces()}
	radius := req.GetRadiusKm()
	if radius == 0 {
		radius = defaultRadiusKm
	}
	q.Radius = radius * 1000
	switch {
	case req.GetNear() != nil && req.GetNearPersonId() != "":
		return q, kit.Status(derrors.Invalid("near_person_id", "search near a point or near a person's domicile, not both"))
	case req.GetNear() != nil:
		q.Near = &geo.Point{Lat: req.GetNear().GetLatitude(), Lon: req.GetNear().GetLongitude()}
	case req.GetNearPersonId() != "":
		at, err := s.domicileOf(ctx, req.GetNearPersonId())
		if err != nil {
			return q, err
		}
		q.Near = &at
	}
	return q, nil
}

// domicileOf reads the person's domicile for a search near it, once the
// caller is found to see the person's identité, and audits the read.
func (s *Service) domicileOf(ctx context.Context, person string) (geo.Point, error) {
	files, err := s.files()
	if err != nil {
		return geo.Point{}, kit.Status(err)
	}
	if err := files.Stored(ctx); err != nil {
		return geo.Point{}, kit.Status(err)
	}
	caller, err := s.kit.Caller(ctx)
	if err != nil {
		return geo.Point{}, kit.Status(err)
	}
	team, ok := files.TeamOf(person)
	if !ok {
		return geo.Point{}, status.Errorf(codes.NotFound, "no person %s is followed", person)
	}
	grant, err := team.ReadFile(caller, s.kit.Today())
	if err == nil && !grant.Categories.Has(access.Identite) {
		err = derrors.Denied("access.category_not_granted", "searching near the domicile needs the person's identité")
	}
	if err != nil {
		return geo.Point{}, kit.Status(s.kit.Refused(ctx, person, err))
	}
	at, ok := files.DomicileOf(person)
	if !ok {
		return geo.Point{}, kit.Status(derrors.Rejected("person.no_coordinates", person,
			"the person's domicile has no coordinates: search near a point, or in their commune"))
	}
	if err := s.kit.Disclosed(ctx, kit.Disclosure{PersonID: person, Grant: grant, Categories: access.Of(access.Identite),
		Kind: eventsv1.DisclosureKind_DISCLOSURE_KIND_VIEW, Detail: "distances of partners from the domicile (SearchPartners)"}); err != nil {
		return geo.Point{}, kit.Status(err)
	}
	return at, nil
}

// matchingOffers are p's offers of prestation or its children; all of
// them for a search of any prestation.
func matchingOffers(p *partnersv1.Partner, prestation string) []*partnersv1.Offer {
	var out []*partnersv1.Offer
	for _, o := range p.GetOffers() {
		c := o.GetPrestation().GetCode()
		if prestation == "" || c == prestation || strings.HasPrefix(c, prestation+".") {
			out = append(out, o)
		}
	}
	return out
}

// A page token is the offset of the next page and the fingerprint of the
// criteria it continues, so that a token sent with other criteria is
// refused rather than answered with a page of another list.
func pageToken(req *partnersv1.SearchPartnersRequest, offset int) string {
	b := binary.BigEndian.AppendUint64(nil, uint64(offset))
	return base64.RawURLEncoding.EncodeToString(append(b, criteriaHash(req)...))
}

func pageOffset(req *partnersv1.SearchPartnersRequest) (int, error) {
	tok := req.GetPageToken()
	if tok == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) != searchTokenBytes || string(b[8:]) != string(criteriaHash(req)) {
		return 0, derrors.Invalid("page_token", "not a page token of this search: send the criteria of the first page again")
	}
	offset := binary.BigEndian.Uint64(b)
	if offset > 1<<31 {
		return 0, derrors.Invalid("page_token", "not a page token of this search")
	}
	return int(offset), nil
}

func criteriaHash(req *partnersv1.SearchPartnersRequest) []byte {
	c := proto.CloneOf(req)
	c.PageToken, c.MinPosition = "", ""
	data, _ := proto.MarshalOptions{Deterministic: true}.Marshal(c)
	sum := sha256.Sum256(data)
	return sum[:16]
}

// descriptionOf is the event's description of what a professional sent;
// prestation codes get the system and version of the nomenclature.
func descriptionOf(d *partnersv1.PartnerDetails) *eventsv1.PartnerDescription {
	if d == nil {
		return nil
	}
	out := &eventsv1.PartnerDescription{
		Name: d.GetName(), Kind: d.GetKind(), Category: d.GetCategory(), LegalEntityId: d.GetLegalEntityId(),
		Siret: d.GetSiret(), Address: d.GetAddress(), Location: d.GetLocation(), Territory: d.GetTerritory(),
		Contacts: d.GetContacts(), Mission: d.GetMission(), Phone: d.GetPhone(),
	}
	for _, o := range d.GetOffers() {
		out.Offers = append(out.Offers, &eventsv1.PartnerOffer{
			Prestation: &eventsv1.SerafinCode{System: serafin.System, Version: serafin.Version, Code: o.GetPrestationCode()},
			Publics:    o.GetPublics(), Description: o.GetDescription(),
		})
	}
	return out
}
