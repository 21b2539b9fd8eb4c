// Package partners is the partners service of Maillage: the partners of a territory (ressources du territoire: ESSMS, droit commun, sanitaire, institutions), their solicitations and engagements.
//
// Its domain (deciders, events, projections) comes with its own issue; for
// now the service is registered and health-checked so that integrators see
// it, and every RPC answers Unimplemented rather than pretending.
package partners
