package finess_test

import (
	"fmt"
	"os"

	"github.com/maillage/maillage/services/partners/finess"
)

func ExampleReadAll() {
	f, err := os.Open("testdata/etalab-cs1100507-stock-sample.csv")
	if err != nil {
		panic(err)
	}
	defer f.Close()
	stock, err := finess.ReadAll(f)
	if err != nil {
		panic(err)
	}
	fmt.Println(stock.Header.Date.Format("2006-01-02"), stock.Encoding, len(stock.Establishments), "établissements")
	e := stock.Establishments[0]
	fmt.Println(e.FINESS, e.Name, e.Category.Code, e.Address.INSEE)
	fmt.Printf("%.4f %.4f\n", e.Location.Point.Lat, e.Location.Point.Lon)
	fmt.Println(stock.Rejected[0].Error())
	// Output:
	// 2024-12-18 ISO-8859-1 45 établissements
	// 350041208 INSTITUT MEDICO-EDUCATIF LES AJONCS 183 35238
	// 48.1274 -1.6530
	// line 47: nofinesset: FINESS 350099901: key digit 1, want 9
}
