package identifier_test

import (
	"errors"
	"fmt"

	"github.com/maillage/maillage/services/partners/identifier"
)

func ExampleParse() {
	for _, s := range []string{"750 712 184", "26010004500012", "750712185"} {
		id, err := identifier.Parse(s)
		var bad *identifier.Error
		if errors.As(err, &bad) {
			// A gRPC layer makes a field violation of it.
			fmt.Printf("%s: %s (%v)\n", bad.Kind, bad.Detail, bad.Reason)
			continue
		}
		fmt.Println(id.Kind(), id)
	}
	// Output:
	// FINESS 750712184
	// SIRET 26010004500012
	// FINESS: key digit 5, want 4 (bad key)
}
