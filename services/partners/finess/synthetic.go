package finess

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/maillage/maillage/services/partners/geo"
	"github.com/maillage/maillage/services/partners/identifier"
)

// syntheticCategories are the categories a synthetic extract draws from,
// with their labels as published.
var syntheticCategories = [][2]string{
	{"183", "Institut Médico-Educatif (I.M.E.)"},
	{"182", "Service d'Éducation Spéciale et de Soins à Domicile"},
	{"255", "Maison d'Accueil Spécialisée (M.A.S.)"},
	{"448", "Etab.Acc.Médicalisé en tout ou partie personnes handicapées"},
	{"449", "Etab.Accueil Non Médicalisé pour personnes handicapées"},
	{"445", "Service d'accompagnement médico-social adultes handicapés"},
	{"446", "Service d'Accompagnement à la Vie Sociale (S.A.V.S.)"},
	{"500", "Etablissement d'hébergement pour personnes âgées dépendantes"},
	{"354", "Service de Soins Infirmiers A Domicile (S.S.I.A.D)"},
	{"246", "Etablissement et Service d'Aide par le Travail (E.S.A.T.)"},
}

// SyntheticExtract returns a made-up stock extract of about lines lines,
// in Latin-1 as older extracts are: a header, the établissements (valid
// FINESS numbers, categories of the medico-social sector, spread over
// metropolitan France), then one geolocalisation line each, in
// Lambert-93. For benchmarks and demos: no real établissement is in it.
func SyntheticExtract(lines int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 11))
	var b bytes.Buffer
	b.WriteString("finess;etalab;98;2026-12-01\n")
	count := max(lines-1, 0) / 2
	ids := make([]string, count)
	at := make([]geo.Point, count)
	for i := range ids {
		dep := 1 + r.IntN(95)
		if dep == 20 {
			dep = 21
		}
		prefix := fmt.Sprintf("%02d%06d", dep, i%1_000_000)
		ids[i] = prefix + string(identifier.LuhnKey(prefix))
		ejPrefix := fmt.Sprintf("%02d9%05d", dep, i%100_000)
		ej := ejPrefix + string(identifier.LuhnKey(ejPrefix))
		cat := syntheticCategories[r.IntN(len(syntheticCategories))]
		commune := fmt.Sprintf("%03d", 1+r.IntN(300))
		fields := []string{"structureet", ids[i], ej, fmt.Sprintf("ETAB %d", i), fmt.Sprintf("ÉTABLISSEMENT SYNTHÉTIQUE N° %d", i), "", "",
			fmt.Sprint(1 + r.IntN(120)), "R", "DES LILAS", "", "", commune, fmt.Sprintf("%02d", dep), "DÉPARTEMENT", fmt.Sprintf("%02d%s VILLE", dep, commune),
			"0299000000", "", cat[0], cat[1], "", "", "", "8810C", "", "", "", "", "2001-01-01", "2000-06-01", "2026-01-01", ""}
		b.WriteString(latin1(strings.Join(fields, ";")))
		b.WriteByte('\n')
		at[i] = geo.Point{Lat: 43 + r.Float64()*7, Lon: -1.5 + r.Float64()*8}
	}
	for i, id := range ids {
		x, y := geo.ToLambert93(at[i])
		fmt.Fprintf(&b, "geolocalisation;%s;%.1f;%.1f;1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93;2026-11-20\n", id, x, y)
	}
	return b.Bytes()
}

func latin1(s string) string {
	out := make([]byte, 0, len(s))
	for _, c := range s {
		if c > 0xFF {
			c = '?'
		}
		out = append(out, byte(c))
	}
	return string(out)
}
