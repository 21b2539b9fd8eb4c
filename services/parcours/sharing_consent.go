package parcours

import (
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/maillage/maillage/internal/access"
	"github.com/maillage/maillage/internal/decider"
	"github.com/maillage/maillage/internal/derrors"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
)

// RecordSharingConsent records the person's consent to share categories
// with one organisation ("" for every organisation taking part). It
// records SharingConsentRecorded with a new consent id.
type RecordSharingConsent struct {
	PersonID       string
	Categories     []access.Category
	OrganisationID string
	Choice         SharingChoice
	ExpiresOn      string // "YYYY-MM-DD"; "" until withdrawn
}

func (c RecordSharingConsent) personID() string { return c.PersonID }

func decideRecordSharingConsent(s *PersonState, c RecordSharingConsent, at decider.Context) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	if access.Of(c.Categories...) == 0 {
		bad.Add("categories", "at least one category is required")
	}
	if c.ExpiresOn != "" {
		if d, err := parseDate(c.ExpiresOn); err != nil {
			bad.Add("expires_on", "%q is not a calendar date YYYY-MM-DD", c.ExpiresOn)
		} else if on, err := parseDate(c.Choice.On); err == nil && d.Before(on) {
			bad.Add("expires_on", "%s is before the day the consent was expressed (%s)", c.ExpiresOn, c.Choice.On)
		}
	}
	if err := checkChoice(bad, s, c.PersonID, c.Choice, at); err != nil {
		return nil, err
	}
	id, err := newID(at)
	if err != nil {
		return nil, err
	}
	return []proto.Message{&eventsv1.SharingConsentRecorded{
		ConsentId: id, Categories: access.Of(c.Categories...).List(), OrganisationId: c.OrganisationID,
		DecidedBy: c.Choice.DecidedBy, RepresentativeMemberId: c.Choice.RepresentativeMemberID,
		RecordedOn: c.Choice.On, ExpiresOn: c.ExpiresOn,
	}}, nil
}

// WithdrawSharingConsent withdraws a consent in force. It records
// SharingConsentWithdrawn; NOT_FOUND for a consent not in force.
type WithdrawSharingConsent struct {
	PersonID  string
	ConsentID string
	Choice    SharingChoice
}

func (c WithdrawSharingConsent) personID() string { return c.PersonID }

func decideWithdrawSharingConsent(s *PersonState, c WithdrawSharingConsent, at decider.Context) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	if c.ConsentID == "" {
		bad.Add("consent_id", "the consent is required")
	}
	if err := checkChoice(bad, s, c.PersonID, c.Choice, at); err != nil {
		return nil, err
	}
	if _, ok := s.Team.Consents[c.ConsentID]; !ok {
		return nil, fmt.Errorf("consent %s in force for person %s: %w", c.ConsentID, c.PersonID, derrors.ErrNotFound)
	}
	return []proto.Message{&eventsv1.SharingConsentWithdrawn{ConsentId: c.ConsentID, DecidedBy: c.Choice.DecidedBy,
		RepresentativeMemberId: c.Choice.RepresentativeMemberID, WithdrawnOn: c.Choice.On}}, nil
}

// RecordSharingOpposition records the person's opposition to sharing
// categories with one organisation ("" for all but the holder). It
// records SharingOpposed with a new opposition id.
type RecordSharingOpposition struct {
	PersonID       string
	Categories     []access.Category
	OrganisationID string
	Choice         SharingChoice
	Reason         string
}

func (c RecordSharingOpposition) personID() string { return c.PersonID }

func decideRecordSharingOpposition(s *PersonState, c RecordSharingOpposition, at decider.Context) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	if access.Of(c.Categories...) == 0 {
		bad.Add("categories", "at least one category is required")
	}
	if err := checkChoice(bad, s, c.PersonID, c.Choice, at); err != nil {
		return nil, err
	}
	id, err := newID(at)
	if err != nil {
		return nil, err
	}
	return []proto.Message{&eventsv1.SharingOpposed{
		OppositionId: id, Categories: access.Of(c.Categories...).List(), OrganisationId: c.OrganisationID,
		DecidedBy: c.Choice.DecidedBy, RepresentativeMemberId: c.Choice.RepresentativeMemberID,
		RecordedOn: c.Choice.On, Reason: c.Reason,
	}}, nil
}

// LiftSharingOpposition lifts an opposition in force. It records
// SharingOppositionLifted; NOT_FOUND for an opposition not in force.
type LiftSharingOpposition struct {
	PersonID     string
	OppositionID string
	Choice       SharingChoice
}

func (c LiftSharingOpposition) personID() string { return c.PersonID }

func decideLiftSharingOpposition(s *PersonState, c LiftSharingOpposition, at decider.Context) ([]proto.Message, error) {
	bad := &derrors.InvalidError{}
	if c.OppositionID == "" {
		bad.Add("opposition_id", "the opposition is required")
	}
	if err := checkChoice(bad, s, c.PersonID, c.Choice, at); err != nil {
		return nil, err
	}
	if _, ok := s.Team.Oppositions[c.OppositionID]; !ok {
		return nil, fmt.Errorf("opposition %s in force for person %s: %w", c.OppositionID, c.PersonID, derrors.ErrNotFound)
	}
	return []proto.Message{&eventsv1.SharingOppositionLifted{OppositionId: c.OppositionID, DecidedBy: c.Choice.DecidedBy,
		RepresentativeMemberId: c.Choice.RepresentativeMemberID, LiftedOn: c.Choice.On}}, nil
}

// checkChoice ends the checks of a command recording the person's choice:
// its fields (bad, and the choice's), then the file.
func checkChoice(bad *derrors.InvalidError, s *PersonState, personID string, ch SharingChoice, at decider.Context) error {
	ch.check(bad, s, at)
	if err := bad.OrNil(); err != nil {
		return err
	}
	return checkFile(s, personID)
}
