package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	meetingsv1 "github.com/maillage/maillage/proto/maillage/meetings/v1"
)

// The coordination meetings and interviews: schedule, invite, answer,
// move, cancel, hold, minutes, decisions, and the calendar.

var meetingKindWords = []word[eventsv1.MeetingKind]{
	{"coordination", eventsv1.MeetingKind_MEETING_KIND_REUNION_COORDINATION},
	{"synthese", eventsv1.MeetingKind_MEETING_KIND_SYNTHESE},
	{"consultation", eventsv1.MeetingKind_MEETING_KIND_ENTRETIEN_CONSULTATION},
	{"remobilisation", eventsv1.MeetingKind_MEETING_KIND_ENTRETIEN_REMOBILISATION},
	{"negociation", eventsv1.MeetingKind_MEETING_KIND_ENTRETIEN_NEGOCIATION},
}

var answerWords = []word[eventsv1.InvitationAnswer]{
	{"accepted", eventsv1.InvitationAnswer_INVITATION_ANSWER_ACCEPTED},
	{"declined", eventsv1.InvitationAnswer_INVITATION_ANSWER_DECLINED},
	{"tentative", eventsv1.InvitationAnswer_INVITATION_ANSWER_TENTATIVE},
}

func meetingsCall(c *apiCall, cmd *cobra.Command, call func(context.Context, meetingsv1.MeetingsServiceClient) (proto.Message, error)) error {
	return c.runOn(cmd, func(ctx context.Context, conn *grpc.ClientConn) (proto.Message, error) {
		return call(ctx, meetingsv1.NewMeetingsServiceClient(conn))
	})
}

// slotOf reads --starts and --ends.
func slotOf(starts, ends string) (*timestamppb.Timestamp, *timestamppb.Timestamp, error) {
	s, err := timeOf("starts", starts)
	if err != nil {
		return nil, nil, err
	}
	e, err := timeOf("ends", ends)
	return s, e, err
}

// timeOf reads an RFC 3339 time flag.
func timeOf(flag, s string) (*timestamppb.Timestamp, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, fmt.Errorf("--%s %q: want a time like 2027-01-12T14:00:00+01:00", flag, s)
	}
	return timestamppb.New(t), nil
}

func newMeetingCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "meeting schedule|invite|answer|move|cancel|hold|minutes|decide|get|calendar",
		Short: "Coordination meetings and interviews (réunions, synthèses, entretiens)",
		Example: `  maillagectl meeting schedule 01K… --kind synthese --starts 2027-01-12T14:00:00+01:00 --ends 2027-01-12T16:00:00+01:00 --place "PCPE, Rennes"
  maillagectl meeting invite <meeting_id> --professional 350041315:cds-savs --name "SAVS Émeraude"
  maillagectl meeting invite <meeting_id> --person 01K… --name Léa
  maillagectl meeting hold <meeting_id> --attended <participant_id>,<participant_id>
  maillagectl meeting minutes <meeting_id> --summary "…" --share 01K…:projet:<participant_id>,<participant_id>
  maillagectl meeting decide <meeting_id> --person 01K… --objective 01K… --statement "…" --action "…" --partner 350041315 --responsible-name "SAVS" --due 2027-02-01
  maillagectl meeting calendar > reunions.ics`,
	}
	cmd.AddCommand(newMeetingScheduleCmd(g), newMeetingInviteCmd(g), newMeetingAnswerCmd(g), newMeetingMoveCmd(g), newMeetingCancelCmd(g),
		newMeetingHoldCmd(g), newMeetingMinutesCmd(g), newMeetingDecideCmd(g), newMeetingGetCmd(g), newMeetingCalendarCmd(g))
	return cmd
}

func newMeetingScheduleCmd(g *globals) *cobra.Command {
	req := &meetingsv1.ScheduleMeetingRequest{}
	kind := newEnumFlag(meetingKindWords)
	var starts, ends string
	cmd := &cobra.Command{Use: "schedule PERSON[,PERSON…] --kind KIND --starts TIME --ends TIME --place TEXT|--video URL", Short: "Set a meeting about people you coordinate",
		Args: cobra.ExactArgs(1)}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		var err error
		if req.StartsAt, req.EndsAt, err = slotOf(starts, ends); err != nil {
			return err
		}
		req.PersonIds, req.Kind = splitList(args[0]), kind.value
		return meetingsCall(c, cmd, func(ctx context.Context, api meetingsv1.MeetingsServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.ScheduleMeeting(ctx, req)
		})
	}
	f := cmd.Flags()
	f.Var(kind, "kind", "what kind: "+kind.names())
	f.StringVar(&starts, "starts", "", "when it starts (RFC 3339)")
	f.StringVar(&ends, "ends", "", "when it ends (RFC 3339)")
	f.StringVar(&req.Place, "place", "", "where")
	f.StringVar(&req.VideoUrl, "video", "", "a video link")
	f.StringVar(&req.Title, "title", "", "a title, without the person's information")
	mustRequire(cmd, "kind", "starts", "ends")
	return cmd
}

func newMeetingInviteCmd(g *globals) *cobra.Command {
	req := &meetingsv1.InviteParticipantRequest{}
	var professional, person, entourage string
	cmd := &cobra.Command{Use: "invite MEETING (--professional ORG:ID | --person PERSON | --entourage PERSON:MEMBER) --name NAME",
		Short: "Invite a professional, the person or a member of her entourage", Args: cobra.ExactArgs(1)}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.MeetingId = args[0]
		switch {
		case professional != "":
			org, id, ok := strings.Cut(professional, ":")
			if !ok {
				return fmt.Errorf("--professional %q: want ORG:ID", professional)
			}
			req.Kind, req.OrganisationId, req.ProfessionalId = eventsv1.ParticipantKind_PARTICIPANT_KIND_PROFESSIONAL, org, id
		case person != "":
			req.Kind, req.PersonId = eventsv1.ParticipantKind_PARTICIPANT_KIND_PERSON, person
		case entourage != "":
			p, m, ok := strings.Cut(entourage, ":")
			if !ok {
				return fmt.Errorf("--entourage %q: want PERSON:MEMBER", entourage)
			}
			req.Kind, req.PersonId, req.EntourageMemberId = eventsv1.ParticipantKind_PARTICIPANT_KIND_ENTOURAGE, p, m
		default:
			return fmt.Errorf("say who: --professional, --person or --entourage")
		}
		return meetingsCall(c, cmd, func(ctx context.Context, api meetingsv1.MeetingsServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.InviteParticipant(ctx, req)
		})
	}
	f := cmd.Flags()
	f.StringVar(&professional, "professional", "", "a professional: ORG:ID (FINESS or SIRET, token subject)")
	f.StringVar(&person, "person", "", "the person concerned")
	f.StringVar(&entourage, "entourage", "", "a member of her entourage: PERSON:MEMBER")
	f.StringVar(&req.DisplayName, "name", "", "the name shown")
	mustRequire(cmd, "name")
	return cmd
}

func newMeetingAnswerCmd(g *globals) *cobra.Command {
	req := &meetingsv1.AnswerInvitationRequest{}
	answer := newEnumFlag(answerWords)
	cmd := &cobra.Command{Use: "answer MEETING PARTICIPANT --answer accepted|declined|tentative", Short: "Answer an invitation",
		Args: cobra.ExactArgs(2)}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.MeetingId, req.ParticipantId, req.Answer = args[0], args[1], answer.value
		return meetingsCall(c, cmd, func(ctx context.Context, api meetingsv1.MeetingsServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.AnswerInvitation(ctx, req)
		})
	}
	cmd.Flags().Var(answer, "answer", "the answer: "+answer.names())
	cmd.Flags().StringVar(&req.Comment, "comment", "", "a word")
	mustRequire(cmd, "answer")
	return cmd
}

func newMeetingMoveCmd(g *globals) *cobra.Command {
	req := &meetingsv1.RescheduleMeetingRequest{}
	var starts, ends string
	cmd := &cobra.Command{Use: "move MEETING --starts TIME --ends TIME [--reason TEXT]", Short: "Move a meeting; the answers are asked again",
		Args: cobra.ExactArgs(1)}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		var err error
		if req.StartsAt, req.EndsAt, err = slotOf(starts, ends); err != nil {
			return err
		}
		req.MeetingId = args[0]
		return meetingsCall(c, cmd, func(ctx context.Context, api meetingsv1.MeetingsServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.RescheduleMeeting(ctx, req)
		})
	}
	cmd.Flags().StringVar(&starts, "starts", "", "when it starts now (RFC 3339)")
	cmd.Flags().StringVar(&ends, "ends", "", "when it ends now (RFC 3339)")
	cmd.Flags().StringVar(&req.Reason, "reason", "", "why")
	mustRequire(cmd, "starts", "ends")
	return cmd
}

func newMeetingCancelCmd(g *globals) *cobra.Command {
	req := &meetingsv1.CancelMeetingRequest{}
	cmd := &cobra.Command{Use: "cancel MEETING --reason TEXT", Short: "Cancel a meeting", Args: cobra.ExactArgs(1)}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.MeetingId = args[0]
		return meetingsCall(c, cmd, func(ctx context.Context, api meetingsv1.MeetingsServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.CancelMeeting(ctx, req)
		})
	}
	cmd.Flags().StringVar(&req.Reason, "reason", "", "why")
	mustRequire(cmd, "reason")
	return cmd
}

func newMeetingHoldCmd(g *globals) *cobra.Command {
	req := &meetingsv1.HoldMeetingRequest{}
	var attended string
	cmd := &cobra.Command{Use: "hold MEETING --attended PARTICIPANT[,PARTICIPANT…]", Short: "Record the meeting held, with who came", Args: cobra.ExactArgs(1)}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.MeetingId, req.AttendedParticipantIds = args[0], splitList(attended)
		return meetingsCall(c, cmd, func(ctx context.Context, api meetingsv1.MeetingsServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.HoldMeeting(ctx, req)
		})
	}
	cmd.Flags().StringVar(&attended, "attended", "", "the participants present, comma-separated")
	return cmd
}

func newMeetingMinutesCmd(g *globals) *cobra.Command {
	req := &meetingsv1.RecordMinutesRequest{}
	var shares []string
	cmd := &cobra.Command{Use: "minutes MEETING --summary TEXT [--share PERSON:CATEGORIES:PARTICIPANTS …]",
		Short: "Record the minutes and what was shared with whom (in each person's audit trail)", Args: cobra.ExactArgs(1)}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.MeetingId = args[0]
		for _, s := range shares {
			parts := strings.SplitN(s, ":", 3)
			if len(parts) != 3 {
				return fmt.Errorf("--share %q: want PERSON:CATEGORIES:PARTICIPANTS (categories and participants comma-separated)", s)
			}
			cats, err := categoriesOf(parts[1])
			if err != nil {
				return err
			}
			req.Shares = append(req.Shares, &meetingsv1.Share{PersonId: parts[0], Categories: cats, ParticipantIds: splitList(parts[2])})
		}
		return meetingsCall(c, cmd, func(ctx context.Context, api meetingsv1.MeetingsServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.RecordMinutes(ctx, req)
		})
	}
	cmd.Flags().StringVar(&req.Summary, "summary", "", "the summary, as the participants may read it")
	cmd.Flags().StringArrayVar(&shares, "share", nil, "PERSON:CATEGORIES:PARTICIPANTS shared; repeat for several")
	mustRequire(cmd, "summary")
	return cmd
}

func newMeetingDecideCmd(g *globals) *cobra.Command {
	req := &meetingsv1.RecordDecisionRequest{Responsible: &eventsv1.Responsible{}}
	var partner, professional, member string
	var person bool
	cmd := &cobra.Command{Use: "decide MEETING --person P --objective O --statement TEXT --action TEXT --due YYYY-MM-DD (--partner ID|--professional ORG:ID|--member ID|--her) --responsible-name NAME",
		Short: "Record a decision; it becomes an action of the person's plan", Args: cobra.ExactArgs(1)}
	c := newAPICall(g, cmd, true)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		req.MeetingId = args[0]
		switch {
		case partner != "":
			req.Responsible.Who = &eventsv1.Responsible_PartnerId{PartnerId: partner}
		case professional != "":
			org, id, _ := strings.Cut(professional, ":")
			req.Responsible.Who = &eventsv1.Responsible_Professional{Professional: &eventsv1.Professional{OrganisationId: org, ProfessionalId: id}}
		case member != "":
			req.Responsible.Who = &eventsv1.Responsible_EntourageMemberId{EntourageMemberId: member}
		case person:
			req.Responsible.Who = &eventsv1.Responsible_Person{Person: true}
		}
		return meetingsCall(c, cmd, func(ctx context.Context, api meetingsv1.MeetingsServiceClient) (proto.Message, error) {
			req.RequestId = c.requestID
			return api.RecordDecision(ctx, req)
		})
	}
	f := cmd.Flags()
	f.StringVar(&req.PersonId, "person", "", "the person whose plan it goes into")
	f.StringVar(&req.ObjectiveId, "objective", "", "the objective of her plan it serves")
	f.StringVar(&req.Statement, "statement", "", "what was decided")
	f.StringVar(&req.ActionDescription, "action", "", "the action: what is to be done")
	f.StringVar(&req.DueDate, "due", "", "by when, YYYY-MM-DD")
	f.StringVar(&partner, "partner", "", "responsible: a partner (FINESS or SIRET)")
	f.StringVar(&professional, "professional", "", "responsible: a professional, ORG:ID")
	f.StringVar(&member, "member", "", "responsible: a member of her entourage")
	f.BoolVar(&person, "her", false, "responsible: the person herself")
	f.StringVar(&req.Responsible.DisplayName, "responsible-name", "", "the name shown for the responsible")
	mustRequire(cmd, "person", "objective", "statement", "action", "due", "responsible-name")
	return cmd
}

func newMeetingGetCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "get MEETING", Short: "Show a meeting as you may see it", Args: cobra.ExactArgs(1)}
	c := newAPICall(g, cmd, false)
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return meetingsCall(c, cmd, func(ctx context.Context, api meetingsv1.MeetingsServiceClient) (proto.Message, error) {
			return api.GetMeeting(ctx, &meetingsv1.GetMeetingRequest{MeetingId: args[0]})
		})
	}
	return cmd
}

func newMeetingCalendarCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "calendar", Short: "Print your organisation's meetings as iCalendar (.ics)", Args: cobra.NoArgs}
	c := newAPICall(g, cmd, false)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		return c.runOnQuiet(cmd, func(ctx context.Context, conn *grpc.ClientConn) error {
			res, err := meetingsv1.NewMeetingsServiceClient(conn).GetCalendar(ctx, &meetingsv1.GetCalendarRequest{})
			if err != nil {
				return err
			}
			_, err = fmt.Fprint(cmd.OutOrStdout(), res.GetIcs())
			return err
		})
	}
	return cmd
}
