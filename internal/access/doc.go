// Package access decides who may see and change a person's coordination
// file (secret professionnel, information partagée). It is pure: a Team,
// folded from the events of the person's file, and a Caller, from a
// verified token, give a Grant (the categories the caller may see, and on
// which legal basis) or a *derrors.DeniedError.
//
// The rules (DOMAIN.md, "Information sharing and audit"):
//   - an organisation sees a person only while it takes part in the
//     person's coordination: the organisation holding it (the enrolling
//     organisation, then the coordinator's), the référent's, or a partner
//     associated for a mission;
//   - it sees only the categories its part needs: all of them for the
//     coordination and the référent, its mission's for a partner;
//   - santé is seen only by health professionals, or under the person's
//     consent;
//   - a consent adds categories beyond the mission; an opposition removes
//     them, whatever the mission or the consents say;
//   - a dpo reads audit trails, never files; an administrateur neither;
//   - only the coordination (the named coordinator, or a coordinateur of
//     the organisation holding the coordination) discharges the person,
//     validates the plan, hands over, associates partners and records
//     consents and oppositions;
//   - a plateforme de services acts with the part of the member
//     organisations that delegated to it, never more.
package access
