// Package meetings is the meetings service of Maillage: coordination
// meetings and interviews (réunions de coordination, synthèses,
// entretiens) about one or more people — who is invited, their answers,
// moves and cancellations (stream "meeting-<id>", the decider Meeting);
// what was shared and decided comes next.
//
// The deciders are in place and tested; the gRPC port answers
// Unimplemented until the commands are wired (issue 10, in progress).
package meetings
