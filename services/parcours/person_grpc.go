package parcours

import (
	"context"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/kit"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The gRPC port of the file itself: enrolment, and the one command path
// every handler takes (handle). Each handler translates the request, runs the
// command through the kit's command port and translates the answer. Field
// syntax is checked by the server's protovalidate interceptor before a
// handler runs; the decider checks who asks (access.go) and what it means.

// EnrollPerson opens a person's coordination file.
func (s *Service) EnrollPerson(ctx context.Context, req *parcoursv1.EnrollPersonRequest) (*parcoursv1.EnrollPersonResponse, error) {
	p, _ := auth.PrincipalFrom(ctx)
	personID := req.GetPersonId()
	if personID == "" {
		personID = s.kit.PersonIDFor(p.Organisation, req.GetRequestId())
	}
	cmd := EnrollPerson{
		PersonID: personID, INS: req.Ins, BirthDate: req.GetBirthDate(),
		Domicile:        domicileOf(req.GetDomicile()),
		PublicConcerned: req.GetPublicConcerned(), LegalProtection: req.GetLegalProtection(),
		RequestOrigin: req.GetRequestOrigin(),
	}
	res, err := s.handle(ctx, personID, cmd, req)
	if err != nil {
		return nil, err
	}
	return &parcoursv1.EnrollPersonResponse{Position: res.Position.String(), Version: uint64(res.Version), PersonId: personID}, nil
}

func domicileOf(d *parcoursv1.Domicile) Domicile {
	out := Domicile{CommuneINSEE: d.GetCommuneInsee()}
	if d != nil && d.Latitude != nil && d.Longitude != nil {
		out.Coordinates = &GeoPoint{Latitude: d.GetLatitude(), Longitude: d.GetLongitude()}
	}
	return out
}

// handle runs cmd on the person's file through the kit's command port:
// the caller, its scoped request id and the request's fingerprint go with
// it; a refusal by the access rules is audited before it is answered.
func (s *Service) handle(ctx context.Context, personID string, cmd Command, req proto.Message) (decider.Result, error) {
	opts, err := s.kit.CommandOptions(ctx, req)
	if err != nil {
		return decider.Result{}, kit.Status(err)
	}
	res, err := s.persons.Handle(ctx, personID, cmd, opts)
	if err != nil {
		return res, kit.Status(s.kit.Refused(ctx, personID, err))
	}
	return res, nil
}
