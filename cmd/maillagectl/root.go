package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/maillage/maillage/internal/auth"
	"github.com/maillage/maillage/internal/server"
)

// globals holds the global flags, resolved against the environment; every
// subcommand receives it.
type globals struct {
	dataDir  string
	addr     string
	token    string
	tlsCA    string
	insecure bool
	as       auth.Principal // --as-org, --as-role, --as-subject of API commands

	getenv func(string) string
	now    func() time.Time
}

// subcommands builds every subcommand. To add an API one, write
// newXxxCmd(g *globals) *cobra.Command in its own file with newAPICall
// (api.go) and list it here.
var subcommands = []func(*globals) *cobra.Command{
	newTokenCmd,
	newEnrollCmd,
	newAssignCoordinatorCmd,
	newAnticipateTransitionCmd,
	newReportRuptureCmd,
	newDischargeCmd,
	newAssignReferentCmd,
	newReleaseRoleCmd,
	newSetLevelCmd,
	newAddMemberCmd,
	newUpdateMemberCmd,
	newRemoveMemberCmd,
	newExpressLifeProjectCmd,
	newNotifyRightsCmd,
	newIdentifyNeedCmd,
	newCloseNeedCmd,
	newSetObjectiveCmd,
	newPlanActionCmd,
	newCompleteActionCmd,
	newValidatePlanCmd,
	newScheduleReviewCmd,
	newEvaluateObjectiveCmd,
	newRescheduleTransitionCmd,
	newCompleteTransitionCmd,
	newCancelTransitionCmd,
	newRaiseRiskCmd,
	newResolveRuptureCmd,
	newViewCmd,
	newCaseloadCmd,
	newAssociatePartnerCmd,
	newDissociatePartnerCmd,
	newConsentCmd,
	newWithdrawConsentCmd,
	newOpposeCmd,
	newLiftOppositionCmd,
	newWhoSawCmd,
	newVerifyAuditCmd,
	newExportAuditCmd,
	newWhoAmICmd,
	newRevokeTokenCmd,
	newRevokeProfessionalCmd,
	newDelegateCmd,
	newRegisterPartnerCmd,
	newUpdatePartnerCmd,
	newUpdateCapacityCmd,
	newWithdrawPartnerCmd,
	newPartnerCmd,
	newSearchPartnersCmd,
	newImportFinessCmd,
	newSolicitCmd,
	newSolicitationsCmd,
	newSolicitationCmd,
	newAcceptCmd,
	newDeclineCmd,
	newRevokeCmd,
	newEngagementCmd,
	newCoverageCmd,
	newNotificationsCmd,
	newFollowCmd,
	newAckCmd,
	newUnreadCmd,
	newWebhookCmd,
	newDemoCmd,
	newThresholdsCmd,
	newMeetingCmd,
}

// newRootCmd returns maillagectl's root command; getenv reads the
// environment (os.Getenv, or a map in tests).
func newRootCmd(getenv func(string) string) *cobra.Command {
	g := &globals{getenv: getenv, now: time.Now}
	root := &cobra.Command{
		Use:           "maillagectl",
		Short:         "Command-line client of Maillage",
		SilenceErrors: true, // main prints them once
		SilenceUsage:  true,
	}
	f := root.PersistentFlags()
	f.StringVar(&g.dataDir, "data", envOr(getenv, "MAILLAGE_DATA", "./data"), "maillaged's data directory (env MAILLAGE_DATA)")
	f.StringVar(&g.addr, "addr", envOr(getenv, "MAILLAGE_ADDR", server.DefaultAddr), "maillaged's gRPC address (env MAILLAGE_ADDR)")
	// No default shown: help output must not print a token.
	f.StringVar(&g.token, "token", "", "bearer token for API calls (env MAILLAGE_TOKEN); without one, API commands sign their own with --as-org and --as-role")
	f.StringVar(&g.tlsCA, "tls-ca", "", "PEM file of the CA that signed maillaged's certificate (default: <data>/tls/ca.pem, written by maillaged --tls=auto, when it exists; else the system roots)")
	f.BoolVar(&g.insecure, "insecure", false, "plaintext gRPC, for maillaged --tls=off; to a loopback address only")
	for _, newCmd := range subcommands {
		root.AddCommand(newCmd(g))
	}
	return root
}

func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}
