package serafin

import "strings"

// AnswersVersion names the mapping below, for what is computed with it.
const AnswersVersion = "maillage-serafin-besoins-prestations-v1"

// answers maps a need's branch to the prestations that answer it. The
// two trees of the nomenclature are parallel at these levels: the needs
// of health (1.1) are answered by care (2.1), those of autonomy (1.2) by
// the support of autonomy (2.2), and each need of social participation
// (1.3.x) by the support of the same name (2.3.x). This is Maillage's
// own reading of SERAFIN-PH, explicit so that it can be reviewed and
// versioned, not a published crosswalk.
var answers = map[string][]string{
	"1.1":   {"2.1"},
	"1.2":   {"2.2"},
	"1.3":   {"2.3"},
	"1.3.1": {"2.3.1"},
	"1.3.2": {"2.3.2"},
	"1.3.3": {"2.3.3"},
	"1.3.4": {"2.3.4"},
	"1.3.5": {"2.3.5"},
}

// Answering returns the prestations that answer a need (their children
// answer it too), from the most precise branch of the mapping the need
// belongs to; nil for a code outside it.
func Answering(need string) []string {
	for code := need; code != ""; {
		if p, ok := answers[code]; ok {
			return p
		}
		i := strings.LastIndexByte(code, '.')
		if i < 0 {
			break
		}
		code = code[:i]
	}
	return nil
}
