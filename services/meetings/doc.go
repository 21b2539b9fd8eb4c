// Package meetings is the meetings service of Maillage: coordination
// meetings and interviews (réunions de coordination, synthèses,
// entretiens) about one or more people — who is invited and answers,
// moves and cancellations, who came, what was shared with whom (each
// share in the person's audit trail) and what was decided (each decision
// becomes an action of the person's plan, through the parcours service's
// process manager). Stream "meeting-<id>", the decider Meeting; the index
// meetings-index-v1 (which meetings concern which organisation and
// invitee) serves the iCalendar feed and double booking.
package meetings
