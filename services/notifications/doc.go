// Package notifications is the notifications service of Maillage: what
// needs a professional organisation's attention (alertes) — the risks and
// ruptures the vigilance raises or resolves in a person's file — routed
// to the organisations of her coordination that may see it, kept in a
// durable inbox per organisation (stream "inbox-<org>"), delivered by a
// subscription that resumes from a cursor, acknowledged, and counted.
//
// The router (router.go) follows the files' events and appends to the
// inboxes; the inboxes' projection (inbox.go) files them by cursor; the
// handlers (grpc.go) show each one only while its reader may still see
// the person's information it carries, and record each showing in the
// person's audit trail.
package notifications
