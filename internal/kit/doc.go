// Package kit is what every Maillage service is written on: one command
// port (the caller, its request id scoped by organisation, the request's
// fingerprint, the expected version), one access point (access.Caller with
// its delegations), one audit point (every disclosure and refusal appended
// to the person's audit trail before the answer leaves), and one table
// from the services' errors to gRPC statuses. A service holds a *Kit and
// calls it from each handler; nothing else of trust is written twice.
package kit
