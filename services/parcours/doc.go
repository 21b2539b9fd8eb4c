// Package parcours owns each person's coordination file (dossier de
// coordination): who the person is and who coordinates their parcours de
// vie, their entourage, their projet de vie, their needs and the projet
// personnalisé that answers them, their MDPH rights, the transitions coming
// (changements de lieu de vie) and the risks and ruptures de parcours found.
//
// One event stream per person, named StreamOf(personID) ("parcours-<id>"),
// holds the file. Its events are in package maillage.events.v1, by area:
//
//	identity     PersonEnrolled (always first), PersonDischarged (sortie; the file then takes no command)
//	roles        CoordinatorAssigned, ReferentAssigned (with passation), CoordinationRoleReleased, CoordinationLevelSet
//	entourage    EntourageMemberAdded, EntourageMemberUpdated, EntourageMemberRemoved (a Sluzki network)
//	projet       LifeProjectExpressed (projet de vie, in the person's words)
//	plan         NeedIdentified, NeedClosed (SERAFIN-PH besoins), ObjectiveSet, ActionPlanned, ActionCompleted,
//	             PlanValidated, PlanReviewScheduled, ObjectiveEvaluated (co-évaluation)
//	rights       RightsNotified (notification MDPH with its dates)
//	transitions  TransitionAnticipated, TransitionRescheduled, TransitionCompleted, TransitionCancelled
//	ruptures     RuptureRiskRaised, RuptureDetected, RuptureResolved
//	sharing      PartnerJoinedCoordination, PartnerLeftCoordination, SharingConsentRecorded,
//	             SharingConsentWithdrawn, SharingOpposed, SharingOppositionLifted
//
// The package provides:
//
//   - Person, the aggregate as a decider (pure: commands and events in,
//     events or a domain error out). Its commands are named like the RPCs.
//     The files go by concept, each with its decider, its view and its
//     gRPC port side by side: roles*.go, entourage*.go, lifeproject*.go,
//     rights*.go, plan*.go (the projet personnalisé), transitions*.go,
//     ruptures*.go, discharge*.go, sharing*.go (partners, consents,
//     oppositions); person*.go holds the file itself and its enrolment,
//     dispatch.go the one decide/evolve dispatch, access.go what each
//     command needs of its caller (the rules are internal/access).
//   - Views, the projection "parcours-view-v3" that folds every person's
//     events into their coordinated view (fiche de coordination) and keeps
//     the caseload index (file active); FoldView, the same fold for a view
//     as it was at a past instant. What depends on today (overdue actions,
//     reviews, rights expiring) is worked out when a view is read.
//   - Service, the gRPC port of maillage.parcours.v1.ParcoursService: one
//     handler per command, GetCoordinatedView and ListCaseload, each read
//     redacted by category (view_access.go) and audited before it leaves;
//     and Feed, maillage.feed.v1.FeedService, the integration feed.
//
// Dates of the domain (date de naissance, date prévue, date de constat…) are
// calendar days, "YYYY-MM-DD", compared with today's date in Europe/Paris:
// the users' day, not the server's.
package parcours
