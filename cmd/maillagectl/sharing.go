package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/proto"

	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	parcoursv1 "github.com/maillage/maillage/proto/maillage/parcours/v1"
)

// The commands of who takes part in a coordination and what the person
// allows to be shared.

// categoriesOf reads "sante,projet" as categories, by the last word of
// their enum names (IDENTITE, ADMINISTRATIF_DROITS, SANTE,
// VIE_SOCIALE_ENTOURAGE, SCOLARITE_EMPLOI, PROJET_OBJECTIFS, EVALUATIONS)
// or its first word.
func categoriesOf(list string) ([]eventsv1.InformationCategory, error) {
	var out []eventsv1.InformationCategory
	for _, w := range strings.Split(list, ",") {
		w = strings.ToUpper(strings.TrimSpace(w))
		if w == "" {
			continue
		}
		found := false
		for v, name := range eventsv1.InformationCategory_name {
			short := strings.TrimPrefix(name, "INFORMATION_CATEGORY_")
			if v != 0 && (short == w || strings.HasPrefix(short, w+"_")) {
				out, found = append(out, eventsv1.InformationCategory(v)), true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("category %q: want identite, administratif, sante, vie_sociale, scolarite, projet or evaluations", w)
		}
	}
	return out, nil
}

func missionOf(w string) (eventsv1.PartnerMission, error) {
	w = strings.ToUpper(strings.TrimSpace(w))
	for v, name := range eventsv1.PartnerMission_name {
		if v != 0 && strings.TrimPrefix(name, "PARTNER_MISSION_") == w {
			return eventsv1.PartnerMission(v), nil
		}
	}
	return 0, fmt.Errorf("mission %q: want accueil_hebergement, soins, accompagnement, aide_domicile, scolarisation, insertion_professionnelle, acces_aux_droits or vie_sociale", w)
}

func newAssociatePartnerCmd(g *globals) *cobra.Command {
	var (
		req           = &parcoursv1.AssociatePartnerRequest{}
		mission, cats string
	)
	cmd := &cobra.Command{
		Use:     "associate-partner PERSON --org FINESS|SIRET --name NAME --mission MISSION",
		Short:   "Associate an organisation with the person's coordination, for a mission (what it sees follows)",
		Example: `  maillagectl associate-partner 01K… --org 750000003 --name "SSIAD du Val" --mission soins`,
		Args:    cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		m, err := missionOf(mission)
		if err != nil {
			return err
		}
		if req.Categories, err = categoriesOf(cats); err != nil {
			return err
		}
		req.PersonId, req.Mission = args[0], m
		return c.run(cmd, func(ctx context.Context, api parcoursv1.ParcoursServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.AssociatePartner(ctx, req)
		})
	}
	f := cmd.Flags()
	f.StringVar(&req.OrganisationId, "org", "", "the organisation: FINESS or SIRET")
	f.StringVar(&req.DisplayName, "name", "", "its name")
	f.StringVar(&mission, "mission", "", "why it takes part: soins, aide_domicile, accompagnement…")
	f.StringVar(&cats, "categories", "", "fewer categories than its mission's, comma-separated (default: the mission's)")
	mustRequire(cmd, "org", "name", "mission")
	return cmd
}

func newDissociatePartnerCmd(g *globals) *cobra.Command {
	req := &parcoursv1.DissociatePartnerRequest{}
	cmd := &cobra.Command{
		Use:   "dissociate-partner PERSON --org FINESS|SIRET --reason TEXT",
		Short: "End an organisation's part in the person's coordination",
		Args:  cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.PersonId = args[0]
		return c.run(cmd, func(ctx context.Context, api parcoursv1.ParcoursServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.DissociatePartner(ctx, req)
		})
	}
	cmd.Flags().StringVar(&req.OrganisationId, "org", "", "the organisation: FINESS or SIRET")
	cmd.Flags().StringVar(&req.Reason, "reason", "", "why, in French")
	mustRequire(cmd, "org", "reason")
	return cmd
}

// choiceFlags are who expressed a choice about sharing, and when.
type choiceFlags struct {
	representative string
	on             string
}

func (c *choiceFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&c.representative, "representative", "", "the legal representative who decided (entourage member id); default: the person")
	cmd.Flags().StringVar(&c.on, "on", "", "the day it was expressed, YYYY-MM-DD (default: today)")
}

func (c *choiceFlags) choice() *parcoursv1.SharingChoice {
	ch := &parcoursv1.SharingChoice{DecidedBy: eventsv1.SharingDecidedBy_SHARING_DECIDED_BY_PERSON, On: c.on}
	if ch.On == "" {
		ch.On = time.Now().Format(time.DateOnly)
	}
	if c.representative != "" {
		ch.DecidedBy, ch.RepresentativeMemberId = eventsv1.SharingDecidedBy_SHARING_DECIDED_BY_LEGAL_REPRESENTATIVE, c.representative
	}
	return ch
}

func newConsentCmd(g *globals) *cobra.Command {
	var (
		req  = &parcoursv1.RecordSharingConsentRequest{}
		cats string
		ch   choiceFlags
	)
	cmd := &cobra.Command{
		Use:     "consent PERSON --categories LIST [--org FINESS|SIRET]",
		Short:   "Record the person's consent to share categories (santé outside health professionals needs one)",
		Example: `  maillagectl consent 01K… --categories sante --org 750000004`,
		Args:    cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	ch.add(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		var err error
		if req.Categories, err = categoriesOf(cats); err != nil {
			return err
		}
		req.PersonId, req.Choice = args[0], ch.choice()
		return c.run(cmd, func(ctx context.Context, api parcoursv1.ParcoursServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.RecordSharingConsent(ctx, req)
		})
	}
	cmd.Flags().StringVar(&cats, "categories", "", "categories consented to, comma-separated")
	cmd.Flags().StringVar(&req.OrganisationId, "org", "", "the organisation it names (default: every organisation taking part)")
	cmd.Flags().StringVar(&req.ExpiresOn, "expires-on", "", "its last day, YYYY-MM-DD (default: until withdrawn)")
	mustRequire(cmd, "categories")
	return cmd
}

func newWithdrawConsentCmd(g *globals) *cobra.Command {
	var (
		req = &parcoursv1.WithdrawSharingConsentRequest{}
		ch  choiceFlags
	)
	cmd := &cobra.Command{
		Use:   "withdraw-consent PERSON CONSENT",
		Short: "Withdraw a consent to share",
		Args:  cobra.ExactArgs(2),
	}
	c := newAPICall(g, cmd, true)
	ch.add(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.PersonId, req.ConsentId, req.Choice = args[0], args[1], ch.choice()
		return c.run(cmd, func(ctx context.Context, api parcoursv1.ParcoursServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.WithdrawSharingConsent(ctx, req)
		})
	}
	return cmd
}

func newOpposeCmd(g *globals) *cobra.Command {
	var (
		req  = &parcoursv1.RecordSharingOppositionRequest{}
		cats string
		ch   choiceFlags
	)
	cmd := &cobra.Command{
		Use:     "oppose PERSON --categories LIST [--org FINESS|SIRET]",
		Short:   "Record the person's opposition to sharing categories (it wins over missions and consents)",
		Example: `  maillagectl oppose 01K… --categories vie_sociale --reason "je ne veux pas que ma famille soit connue du SAAD"`,
		Args:    cobra.ExactArgs(1),
	}
	c := newAPICall(g, cmd, true)
	ch.add(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		var err error
		if req.Categories, err = categoriesOf(cats); err != nil {
			return err
		}
		req.PersonId, req.Choice = args[0], ch.choice()
		return c.run(cmd, func(ctx context.Context, api parcoursv1.ParcoursServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.RecordSharingOpposition(ctx, req)
		})
	}
	cmd.Flags().StringVar(&cats, "categories", "", "categories opposed, comma-separated")
	cmd.Flags().StringVar(&req.OrganisationId, "org", "", "the organisation it names (default: every organisation but the one holding the coordination)")
	cmd.Flags().StringVar(&req.Reason, "reason", "", "why, in the person's words")
	mustRequire(cmd, "categories")
	return cmd
}

func newLiftOppositionCmd(g *globals) *cobra.Command {
	var (
		req = &parcoursv1.LiftSharingOppositionRequest{}
		ch  choiceFlags
	)
	cmd := &cobra.Command{
		Use:   "lift-opposition PERSON OPPOSITION",
		Short: "Lift an opposition to sharing",
		Args:  cobra.ExactArgs(2),
	}
	c := newAPICall(g, cmd, true)
	ch.add(cmd)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.PersonId, req.OppositionId, req.Choice = args[0], args[1], ch.choice()
		return c.run(cmd, func(ctx context.Context, api parcoursv1.ParcoursServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.LiftSharingOpposition(ctx, req)
		})
	}
	return cmd
}
