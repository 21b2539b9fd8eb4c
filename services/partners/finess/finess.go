// Package finess reads the public extract of the FINESS répertoire (Fichier
// national des établissements sanitaires et sociaux) that the ministry
// publishes on data.gouv.fr as "FINESS Extraction du Fichier des
// établissements", file etalab-cs1100507-stock-YYYYMMDD-HHMM.csv: every
// établissement of the health, social and medico-social sector, with its
// catégorie, its organisme gestionnaire (entité juridique) and its place.
//
// The file is semicolon-separated, one record a line:
//
//	finess;etalab;98;2024-12-18                     a header: a number, the extract's date
//	structureet;<32 fields in all>                  one line per établissement
//	geolocalisation;nofinesset;x;y;source;date      its coordinates, after every structureet line
//
// A Reader streams the records; ReadAll joins each établissement with its
// coordinates and reports the lines it could not use. See Establishment for
// the 32 fields of a structureet line, Geolocation for the coordinates.
//
// Older extracts are in Latin-1 (ISO-8859-1), newer ones in UTF-8; the Reader
// finds out which from the first line that is not plain ASCII, and always
// returns UTF-8.
package finess

import (
	"fmt"
	"strings"
	"time"

	"github.com/maillage/maillage/services/partners/geo"
	"github.com/maillage/maillage/services/partners/identifier"
)

// A Record is one line of the extract the Reader understood: a *Header, an
// *Establishment or a *Geolocation.
type Record interface {
	// LineNumber is the record's line in the file, from 1.
	LineNumber() int
}

// Header is the extract's first line, "finess;etalab;N;DATE".
type Header struct {
	Line int
	// Number is the header's third field. What it counts is not documented
	// where this package's author could find it (the extract of 2026-05-12
	// carries 111).
	Number int
	Date   time.Time // the extract's date
}

// LineNumber implements Record.
func (h *Header) LineNumber() int { return h.Line }

// Code is a code of a FINESS nomenclature with its label, as the extract
// gives both: catégorie 500 "Etablissement d'hébergement pour personnes âgées
// dépendantes".
type Code struct {
	Code  string
	Label string
}

// Establishment is an établissement (FINESS ET) from a structureet line.
//
// The 32 fields of a structureet line, in order, by the names the extract's
// description and its users give them: section, nofinesset, nofinessej, rs,
// rslongue, complrs, compldistrib, numvoie, typvoie, voie, compvoie,
// lieuditbp, commune, departement, libdepartement, ligneacheminement,
// telephone, telecopie, categetab, libcategetab, categagretab,
// libcategagretab, siret, codeape, codemft, libmft, codesph, libsph, dateouv,
// dateautor, datemaj, numuai.
type Establishment struct {
	Line int

	FINESS      identifier.ID // nofinesset: the établissement
	LegalEntity identifier.ID // nofinessej: its entité juridique (organisme gestionnaire)

	// Name is the raison sociale: the long one (rslongue) when the line has
	// one, the short one (rs) otherwise.
	Name           string
	ShortName      string // rs, at most 38 characters in the répertoire
	NameComplement string // complrs

	Address Address
	Phone   string // telephone, as given: ten digits
	Fax     string // telecopie

	Category      Code          // categetab, libcategetab: 183 Institut Médico-Educatif (I.M.E.)
	CategoryGroup Code          // categagretab, libcategagretab: the catégorie's agrégat
	SIRET         identifier.ID // the zero ID when the line has none
	APE           string        // codeape: the activity's NAF code, 8810C
	Tariff        Code          // codemft, libmft: mode de fixation des tarifs
	PublicService Code          // codesph, libsph: service public hospitalier

	Opened     time.Time // dateouv: opening; the zero Time when absent
	Authorised time.Time // dateautor: authorisation
	Updated    time.Time // datemaj: last change in the répertoire
	UAI        string    // numuai: the Éducation nationale number, for schools

	// Location is the établissement's geolocalisation line, joined by
	// ReadAll; nil from Reader.Next, and when the extract gives no coordinates.
	Location *Geolocation
}

// LineNumber implements Record.
func (e *Establishment) LineNumber() int { return e.Line }

// Address is where an établissement is, in the extract's fields.
type Address struct {
	Distribution string // compldistrib: complément de distribution ("BATIMENT C")
	Number       string // numvoie
	Repetition   string // compvoie: indice de répétition (B for bis, T for ter…)
	StreetType   string // typvoie, abbreviated as La Poste does: R, AV, BD, CHE, RTE…
	Street       string // voie
	Locality     string // lieuditbp: lieu-dit or post-office box
	PostalLine   string // ligneacheminement: postcode and town, "35000 RENNES"

	Departement     string // departement: 35, 2A, or 9A–9F for the DOM (see INSEE)
	DepartementName string // libdepartement
	Commune         string // commune: the 3 digits after the département in the INSEE code

	// INSEE is the commune's code in INSEE's Code officiel géographique,
	// derived from Departement and Commune: "35" and "238" give 35238
	// (Rennes); for the DOM the extract writes the département 9A
	// (Guadeloupe), 9B (Martinique), 9C (Guyane), 9D (La Réunion), 9F
	// (Mayotte), and the commune holds the last three digits of the INSEE
	// code, so 9D and 411 give 97411 (Saint-Denis); 9J and 613 give 98613
	// (Wallis-et-Futuna). Empty when it cannot be derived.
	INSEE string
}

// Lines returns the address as it would be written on an envelope, without
// the name: street line, complement, lieu-dit, postal line; empty parts left
// out.
func (a Address) Lines() []string {
	street := strings.Join(nonEmpty(a.Number, a.Repetition, a.StreetType, a.Street), " ")
	return nonEmpty(a.Distribution, street, a.Locality, a.PostalLine)
}

func nonEmpty(parts ...string) []string {
	out := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// inseeCode derives the INSEE commune code from the extract's département
// and commune fields (see Address.INSEE).
func inseeCode(departement, commune string) string {
	if len(commune) != 3 || !allDigits(commune) || len(departement) != 2 {
		return ""
	}
	d0, d1 := departement[0], departement[1]
	switch {
	case departement == "2A" || departement == "2B":
		return departement + commune
	case allDigits(departement) && departement != "00" && departement != "20" && departement < "96":
		return departement + commune
	case d0 == '9' && 'A' <= d1 && d1 <= 'F':
		// 9A Guadeloupe … 9F Mayotte: the commune's first digit is the DOM's
		// (1 for Guadeloupe, 4 for La Réunion, 6 for Mayotte).
		if commune[0] != '1'+(d1-'A') {
			return ""
		}
		return "97" + commune
	case departement == "9J": // Wallis-et-Futuna
		return "98" + commune
	}
	return ""
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Geolocation is the place of an établissement, from a geolocalisation line.
type Geolocation struct {
	Line   int
	FINESS identifier.ID // nofinesset

	// Located is false when the line gives no coordinates (x, y and source
	// all empty); the other fields are then zero.
	Located bool
	X, Y    float64   // as in the file, in metres in the source's system
	Source  string    // the source field: who geocoded, from what, in which system
	Point   geo.Point // X and Y in WGS84 degrees
	Updated time.Time // the date the coordinates were last changed
}

// LineNumber implements Record.
func (g *Geolocation) LineNumber() int { return g.Line }

// Rejected is a line the Reader could not use, and why. It is an error about
// that line only: reading goes on after it.
type Rejected struct {
	Line   int
	FINESS string // the line's nofinesset as given, when it has one
	Reason string // what is wrong, with the values that show it
	Err    error  // the cause, when there is one: *identifier.Error, *geo.CoordinateError…
}

func (r *Rejected) Error() string { return fmt.Sprintf("line %d: %s", r.Line, r.Reason) }

// Unwrap returns the cause.
func (r *Rejected) Unwrap() error { return r.Err }
