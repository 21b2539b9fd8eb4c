// Package parcours owns each person's coordination file (dossier de
// coordination): who the person is, who coordinates their parcours de vie,
// which changes of setting are coming (transitions) and which breaks in
// their support have been found (ruptures de parcours).
//
// One event stream per person, named StreamOf(personID) ("parcours-<id>"),
// holds the file. Its events, in package maillage.events.v1, are:
//
//	PersonEnrolled         entrée dans le dispositif; always the first event
//	CoordinatorAssigned    a coordinateur de parcours is named
//	TransitionAnticipated  a transition (changement de lieu de vie) is foreseen
//	RuptureDetected        a rupture de parcours is found
//
// The package provides:
//
//   - Person, the aggregate as a decider (pure: commands and events in,
//     events or a domain error out), with its commands EnrollPerson,
//     AssignCoordinator, AnticipateTransition and ReportRupture;
//   - Views, the projection "parcours-view-v1" that folds every person's
//     events into their coordinated view (fiche de coordination), and
//     FoldView, the same fold for a view as it was at a past instant.
//
// They back the RPCs of maillage.parcours.v1.ParcoursService: EnrollPerson,
// AssignCoordinator, AnticipateTransition, ReportRupture (one command
// each) and GetCoordinatedView (a read of Views, or FoldView for as_of).
//
// Dates of the domain (date de naissance, date prévue, date de constat) are
// calendar days, "YYYY-MM-DD", compared with today's date in Europe/Paris:
// the users' day, not the server's.
package parcours
