package parcours_test

import (
	"testing"

	"github.com/maillage/maillage/internal/decider/decidertest"
	eventsv1 "github.com/maillage/maillage/proto/maillage/events/v1"
	"github.com/maillage/maillage/services/parcours"
)

func TestAddEntourageMember(t *testing.T) {
	t.Parallel()
	t.Run("records the member with a new id", func(t *testing.T) {
		t.Parallel()
		spec(decidertest.IDs(lifeMemberID)).Given(enrolled()).When(cmdAddMember()).Then(t, evMemberAdded())
	})
	t.Run("with no role nor contact", func(t *testing.T) {
		t.Parallel()
		cmd := cmdAddMember()
		cmd.Roles, cmd.Contact = nil, ""
		want := evMemberAdded()
		want.Roles, want.Contact = nil, ""
		spec(decidertest.IDs(lifeMemberID)).Given(enrolled()).When(cmd).Then(t, want)
	})
	for _, tc := range []struct {
		name  string
		edit  func(*parcours.Member)
		field string
	}{
		{"no name", func(m *parcours.Member) { m.DisplayName = "" }, "display_name"},
		{"no relationship", func(m *parcours.Member) { m.Relationship = "" }, "relationship"},
		{"no quadrant", func(m *parcours.Member) { m.Quadrant = eventsv1.SluzkiQuadrant_SLUZKI_QUADRANT_UNSPECIFIED }, "quadrant"},
		{"no circle", func(m *parcours.Member) { m.Circle = eventsv1.SluzkiCircle_SLUZKI_CIRCLE_UNSPECIFIED }, "circle"},
		{"role not stated", func(m *parcours.Member) { m.Roles = []eventsv1.EntourageRole{0} }, "roles"},
		{"role twice", func(m *parcours.Member) {
			m.Roles = []eventsv1.EntourageRole{eventsv1.EntourageRole_ENTOURAGE_ROLE_CAREGIVER, eventsv1.EntourageRole_ENTOURAGE_ROLE_CAREGIVER}
		}, "roles"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			add := cmdAddMember()
			tc.edit(&add.Member)
			spec().Given(enrolled()).When(add).ThenInvalid(t, tc.field)
			upd := cmdUpdateMember()
			tc.edit(&upd.Member)
			spec().Given(enrolled(), evMemberAdded()).When(upd).ThenInvalid(t, tc.field)
		})
	}
}

func TestAddEntourageMemberDoesNotAliasRoles(t *testing.T) {
	t.Parallel()
	cmd := cmdAddMember()
	evs, err := parcours.Person.Decide(spec().Given(enrolled()).State(), cmd, spec().Context())
	if err != nil {
		t.Fatal(err)
	}
	cmd.Roles[0] = eventsv1.EntourageRole_ENTOURAGE_ROLE_TRUSTED_PERSON
	if got := evs[0].(*eventsv1.EntourageMemberAdded).GetRoles()[0]; got != eventsv1.EntourageRole_ENTOURAGE_ROLE_CAREGIVER {
		t.Errorf("the event's roles changed with the command's: %v", got)
	}
}

func TestUpdateEntourageMember(t *testing.T) {
	t.Parallel()
	t.Run("replaces what is known", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), evMemberAdded()).When(cmdUpdateMember()).Then(t, evMemberUpdated())
	})
	t.Run("an empty contact and roles clear them", func(t *testing.T) {
		t.Parallel()
		cmd := cmdUpdateMember()
		cmd.Roles, cmd.Contact = nil, ""
		want := evMemberUpdated()
		want.Roles, want.Contact = nil, ""
		spec().Given(enrolled(), evMemberAdded()).When(cmd).Then(t, want)
	})
	t.Run("the same values again record nothing", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), evMemberAdded(), evMemberUpdated()).When(cmdUpdateMember()).Then(t)
	})
	t.Run("unknown member", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled()).When(cmdUpdateMember()).ThenRefused(t, "entourage_member.unknown")
	})
	t.Run("removed member", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), evMemberAdded(), evMemberRemoved()).When(cmdUpdateMember()).ThenRefused(t, "entourage_member.unknown")
	})
	t.Run("no member id", func(t *testing.T) {
		t.Parallel()
		cmd := cmdUpdateMember()
		cmd.MemberID = ""
		spec().Given(enrolled()).When(cmd).ThenInvalid(t, "member_id")
	})
}

func TestRemoveEntourageMember(t *testing.T) {
	t.Parallel()
	t.Run("takes the member off the map", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), evMemberAdded()).When(cmdRemoveMember()).Then(t, evMemberRemoved())
	})
	t.Run("unknown member", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), evNeighbourAdded()).When(cmdRemoveMember()).ThenRefused(t, "entourage_member.unknown")
		refusedOn(t, spec().Given(enrolled()).State(), cmdRemoveMember(), "entourage_member.unknown",
			"person "+personID+" has no entourage member "+lifeMemberID)
	})
	t.Run("removed already", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), evMemberAdded(), evMemberRemoved()).When(cmdRemoveMember()).ThenRefused(t, "entourage_member.unknown")
	})
	t.Run("no member id", func(t *testing.T) {
		t.Parallel()
		cmd := cmdRemoveMember()
		cmd.MemberID = ""
		spec().Given(enrolled()).When(cmd).ThenInvalid(t, "member_id")
	})
}

func TestExpressLifeProject(t *testing.T) {
	t.Parallel()
	t.Run("by the legal representative", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled(), evMemberAdded()).When(cmdExpressByRepresentative()).Then(t, evLifeProjectByRepresentative())
	})
	t.Run("by the person, with help", func(t *testing.T) {
		t.Parallel()
		cmd := cmdExpressByRepresentative()
		cmd.ExpressedBy, cmd.RepresentativeMemberID = eventsv1.LifeProjectAuthor_LIFE_PROJECT_AUTHOR_PERSON_WITH_HELP, ""
		want := evLifeProjectByRepresentative()
		want.ExpressedBy, want.RepresentativeMemberId = eventsv1.LifeProjectAuthor_LIFE_PROJECT_AUTHOR_PERSON_WITH_HELP, ""
		spec().Given(enrolled()).When(cmd).Then(t, want)
	})
	t.Run("the representative is not in the entourage", func(t *testing.T) {
		t.Parallel()
		spec().Given(enrolled()).When(cmdExpressByRepresentative()).ThenRefused(t, "entourage_member.unknown")
		spec().Given(enrolled(), evMemberAdded(), evMemberRemoved()).When(cmdExpressByRepresentative()).ThenRefused(t, "entourage_member.unknown")
	})
	t.Run("the member named is not the legal representative", func(t *testing.T) {
		t.Parallel()
		cmd := cmdExpressByRepresentative()
		cmd.RepresentativeMemberID = lifeMember2ID
		spec().Given(enrolled(), evMemberAdded(), evNeighbourAdded()).When(cmd).ThenRefused(t, "entourage_member.not_legal_representative")
	})
	t.Run("the member no longer holds the role", func(t *testing.T) {
		t.Parallel()
		upd := evMemberUpdated()
		upd.Roles = []eventsv1.EntourageRole{eventsv1.EntourageRole_ENTOURAGE_ROLE_CAREGIVER}
		spec().Given(enrolled(), evMemberAdded(), upd).When(cmdExpressByRepresentative()).ThenRefused(t, "entourage_member.not_legal_representative")
	})
	for _, tc := range []struct {
		name  string
		edit  func(*parcours.ExpressLifeProject)
		field string
	}{
		{"no text", func(c *parcours.ExpressLifeProject) { c.Text = "" }, "text"},
		{"no author", func(c *parcours.ExpressLifeProject) {
			c.ExpressedBy, c.RepresentativeMemberID = eventsv1.LifeProjectAuthor_LIFE_PROJECT_AUTHOR_UNSPECIFIED, ""
		}, "expressed_by"},
		{"representative not named", func(c *parcours.ExpressLifeProject) { c.RepresentativeMemberID = "" }, "representative_member_id"},
		{"representative named for the person", func(c *parcours.ExpressLifeProject) {
			c.ExpressedBy = eventsv1.LifeProjectAuthor_LIFE_PROJECT_AUTHOR_PERSON
		}, "representative_member_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := cmdExpressByRepresentative()
			tc.edit(&cmd)
			spec().Given(enrolled(), evMemberAdded()).When(cmd).ThenInvalid(t, tc.field)
		})
	}
}
