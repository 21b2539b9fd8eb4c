// Package partners is the partners service of Maillage: the territory's
// directory of resources (répertoire des ressources du territoire: ESSMS,
// droit commun, sanitaire, institutions), how to find them, and the
// solicitations and engagements that bind them to a person's parcours.
//
// A partner is known by its official number (FINESS of the établissement,
// or SIRET), which its professionals' tokens carry; one stream per partner,
// "partner-<organisation_id>" (PartnerRegistered, PartnerUpdated,
// CapacityUpdated, PartnerWithdrawn, PartnerReinstated). The directory is
// kept by the coordination and administrateurs; a partner keeps its own
// entry. The Directory projection keeps every partner and the indexes its
// search scans (by prestation, geohash cell and département) on disk.
//
// Packages beside it: identifier (FINESS and SIRET checks), geo (WGS84
// from Lambert-93 and UTM, distances, geohash cells), finess (the public
// FINESS stock file reader).
package partners
