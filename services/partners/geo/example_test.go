package geo_test

import (
	"fmt"

	"github.com/maillage/maillage/services/partners/geo"
)

func ExampleFromFinessSource() {
	p, err := geo.FromFinessSource("1,ATLASANTE,100,IGN,BD_ADRESSE,V2.2,LAMBERT_93", 870262.2, 6571540.8)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.5f %.5f\n", p.Lat, p.Lon)
	bourg := geo.Point{Lat: 46.2052, Lon: 5.2255}
	fmt.Printf("%.1f km from Bourg-en-Bresse\n", geo.Distance(p, bourg)/1000)
	// Output:
	// 46.22229 5.20918
	// 2.3 km from Bourg-en-Bresse
}

func ExampleBoundingBox() {
	rennes := geo.Point{Lat: 48.1113, Lon: -1.6800}
	box := geo.BoundingBox(rennes, 20000) // a 20 km search
	vitre := geo.Point{Lat: 48.1236, Lon: -1.2093}
	fmt.Println(box.Contains(vitre), geo.Distance(rennes, vitre) > 20000)
	// Output:
	// false true
}
