package geo

import (
	"fmt"
	"strconv"
	"strings"
)

// The FINESS open data extract (etalab-cs1100507) gives each établissement's
// place on a geolocalisation line: x, y and a source field that names, last,
// the coordinate system. The spellings seen in published extracts, as their
// users quote them:
//
//	1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93              extracts of 2018–2021
//	   … UTM_N20, UTM_N21, UTM_N22, UTM_S38, UTM_S40             (overseas)
//	1,ATLASANTE,96,BAN,L93_METROPOLE                            2025
//	1,ATLASANTE,96,BAN,EPSG:2154 RGF93 / Lambert-93 (Métropole)  2026
//	2,ATLASANTE,96,BAN,EPSG:5490 RGAF09/UTM Zone 20N (Antilles)
//	2,ATLASANTE,100,BDADRESSE,EPSG:4471 RGM04/UTM zone 38S (Mayotte)
//	2,ATLASANTE,90,BAN,WGS84/UTM zone 21N (St-Pierre-et-Miquelon)
//
// FromFinessSource reads the last comma-separated field: one of the legacy
// names, an EPSG code it knows, or a "UTM zone NNx" for a zone of a French
// territory.

// finessSystem is a coordinate system of the FINESS extract and the
// territory it covers.
type finessSystem struct {
	name      string // as messages say it: "Lambert-93", "UTM 40S"
	territory string
	zone      int // 0 for Lambert-93
	south     bool
	area      Box // the territory, with a margin of a few tens of kilometres
}

var (
	systemLambert93 = finessSystem{name: "Lambert-93", territory: "metropolitan France",
		area: Box{MinLat: 41, MaxLat: 51.6, MinLon: -5.8, MaxLon: 10}}
	systemUTM20N = finessSystem{name: "UTM 20N", territory: "the Antilles", zone: 20,
		area: Box{MinLat: 14, MaxLat: 18.5, MinLon: -63.5, MaxLon: -60.5}}
	systemUTM21N = finessSystem{name: "UTM 21N", territory: "Saint-Pierre-et-Miquelon", zone: 21,
		area: Box{MinLat: 46.5, MaxLat: 47.5, MinLon: -56.7, MaxLon: -55.9}}
	systemUTM22N = finessSystem{name: "UTM 22N", territory: "Guyane", zone: 22,
		area: Box{MinLat: 1.8, MaxLat: 6.2, MinLon: -54.9, MaxLon: -51.2}}
	systemUTM38S = finessSystem{name: "UTM 38S", territory: "Mayotte", zone: 38, south: true,
		area: Box{MinLat: -13.2, MaxLat: -12.4, MinLon: 44.8, MaxLon: 45.5}}
	systemUTM40S = finessSystem{name: "UTM 40S", territory: "La Réunion", zone: 40, south: true,
		area: Box{MinLat: -21.6, MaxLat: -20.7, MinLon: 55.0, MaxLon: 56.0}}
)

// finessSystemNames are the legacy names and the 2025 one.
var finessSystemNames = map[string]finessSystem{
	"LAMBERT_93":    systemLambert93,
	"L93_METROPOLE": systemLambert93,
	"UTM_N20":       systemUTM20N,
	"UTM_N21":       systemUTM21N,
	"UTM_N22":       systemUTM22N,
	"UTM_S38":       systemUTM38S,
	"UTM_S40":       systemUTM40S,
}

// finessSystemCodes are the EPSG codes of each system, on the French frame
// and on WGS84 (the same projection, the frames agreeing at the metre level).
var finessSystemCodes = map[int]finessSystem{
	2154:  systemLambert93, // RGF93 v1 / Lambert-93
	5490:  systemUTM20N,    // RGAF09 / UTM zone 20N
	4559:  systemUTM20N,    // RRAF 1991 / UTM zone 20N
	32620: systemUTM20N,    // WGS 84 / UTM zone 20N
	4467:  systemUTM21N,    // RGSPM06 / UTM zone 21N
	32621: systemUTM21N,
	2972:  systemUTM22N, // RGFG95 / UTM zone 22N
	32622: systemUTM22N,
	4471:  systemUTM38S, // RGM04 / UTM zone 38S
	32738: systemUTM38S,
	2975:  systemUTM40S, // RGR92 / UTM zone 40S
	32740: systemUTM40S,
}

// UnknownSystemError is a FINESS source field whose coordinate system is not
// one FromFinessSource knows.
type UnknownSystemError struct {
	Source string // the source field as given
}

func (e *UnknownSystemError) Error() string {
	if strings.TrimSpace(e.Source) == "" {
		return "no coordinate system: the source field is empty"
	}
	return fmt.Sprintf("unknown coordinate system in source %q", e.Source)
}

// CoordinateError is a pair of coordinates that does not fall in the
// territory its system covers: not numbers, swapped, or in another system.
type CoordinateError struct {
	System    string // "Lambert-93", "UTM 40S"
	Territory string // "metropolitan France", "La Réunion"
	X, Y      float64
}

func (e *CoordinateError) Error() string {
	return fmt.Sprintf("%s (%s, %s) is not in %s", e.System,
		strconv.FormatFloat(e.X, 'f', -1, 64), strconv.FormatFloat(e.Y, 'f', -1, 64), e.Territory)
}

// FromFinessSource returns the point at (x, y) in the coordinate system the
// source field of a FINESS geolocalisation line names. It returns an
// *UnknownSystemError for a system it does not know, and a *CoordinateError
// when the point is not in the territory of that system.
func FromFinessSource(source string, x, y float64) (Point, error) {
	sys, ok := finessSystemOf(source)
	if !ok {
		return Point{}, &UnknownSystemError{Source: source}
	}
	var p Point
	if sys.zone == 0 {
		p = FromLambert93(x, y)
	} else {
		p = FromUTM(sys.zone, sys.south, x, y)
	}
	// NaN fails every comparison, and so is outside every area.
	if !sys.area.Contains(p) {
		return Point{}, &CoordinateError{System: sys.name, Territory: sys.territory, X: x, Y: y}
	}
	return p, nil
}

func finessSystemOf(source string) (finessSystem, bool) {
	name := strings.TrimSpace(source[strings.LastIndexByte(source, ',')+1:])
	if sys, ok := finessSystemNames[strings.ToUpper(name)]; ok {
		return sys, true
	}
	if rest, ok := cutPrefixFold(name, "EPSG:"); ok {
		end := 0
		for end < len(rest) && end < 6 && '0' <= rest[end] && rest[end] <= '9' {
			end++
		}
		code, err := strconv.Atoi(rest[:end])
		if err != nil {
			return finessSystem{}, false
		}
		sys, ok := finessSystemCodes[code]
		return sys, ok
	}
	upper := strings.ToUpper(name)
	if strings.Contains(upper, "LAMBERT-93") || strings.Contains(upper, "LAMBERT 93") {
		return systemLambert93, true
	}
	// "UTM zone 21N", "UTM Zone 20N".
	if i := strings.Index(upper, "UTM ZONE "); i >= 0 {
		z := upper[i+len("UTM ZONE "):]
		if len(z) >= 3 {
			for _, sys := range []finessSystem{systemUTM20N, systemUTM21N, systemUTM22N, systemUTM38S, systemUTM40S} {
				hemisphere := byte('N')
				if sys.south {
					hemisphere = 'S'
				}
				if z[:3] == strconv.Itoa(sys.zone)+string(hemisphere) {
					return sys, true
				}
			}
		}
	}
	return finessSystem{}, false
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}
