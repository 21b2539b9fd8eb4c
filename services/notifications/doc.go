// Package notifications is the notifications service of Maillage: notifications raised to professionals (who, what, about whom, why), their delivery and acknowledgement.
//
// Its domain (deciders, events, projections) comes with its own issue; for
// now the service is registered and health-checked so that integrators see
// it, and every RPC answers Unimplemented rather than pretending.
package notifications
