// Package meetings is the meetings service of Maillage: coordination meetings and interviews (réunions de coordination, entretiens), invitations, attendance, minutes and decisions.
//
// Its domain (deciders, events, projections) comes with its own issue; for
// now the service is registered and health-checked so that integrators see
// it, and every RPC answers Unimplemented rather than pretending.
package meetings
