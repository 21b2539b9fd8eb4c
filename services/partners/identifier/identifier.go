// Package identifier checks the numbers French registries give organisations:
// the FINESS number of an établissement or entité juridique of the health and
// social sector (Fichier national des établissements sanitaires et sociaux),
// and the SIREN and SIRET numbers of INSEE's business register (SIRENE).
//
// Parse tells a FINESS number (9 characters) from a SIRET number (14 digits)
// by its shape; ParseFINESS, ParseSIRET and ParseSIREN expect one kind. Every
// parser removes spaces, as people write "750 712 184", and changes nothing
// else. A number that fails its check gives an *Error that names the kind, the
// value and what is wrong, for a gRPC layer to turn into a field violation.
//
// The checks, and where they come from:
//   - FINESS: 9 digits whose 9th is a Luhn key over the other 8 (the key of the
//     répertoire FINESS); Corsican numbers start with 2A or 2B followed by 7
//     digits, and their key is not checked.
//   - SIREN: 9 digits, Luhn key (INSEE).
//   - SIRET: the SIREN and a 5-digit NIC, Luhn key over the 14 digits, except
//     for La Poste (SIREN 356000000): its establishments are numbered so that
//     the sum of the 14 digits is a multiple of 5, but for its siège,
//     35600000000048, which keeps a Luhn key (its digits add up to 26).
package identifier

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind is the register an identifier belongs to.
type Kind int

const (
	// FINESS is the 9-character number of an établissement (FINESS ET) or an
	// entité juridique (FINESS EJ) in the répertoire FINESS.
	FINESS Kind = iota + 1
	// SIRET is the 14-digit number of an establishment in SIRENE: SIREN + NIC.
	SIRET
	// SIREN is the 9-digit number of a legal unit in SIRENE.
	SIREN
)

func (k Kind) String() string {
	switch k {
	case FINESS:
		return "FINESS"
	case SIRET:
		return "SIRET"
	case SIREN:
		return "SIREN"
	}
	return "identifier"
}

// ID is a checked identifier. Its zero value is no identifier (IsZero).
type ID struct {
	kind  Kind
	value string
}

// Kind returns the register the identifier belongs to; 0 for the zero ID.
func (id ID) Kind() Kind { return id.kind }

// String returns the identifier without spaces, as registries write it.
func (id ID) String() string { return id.value }

// IsZero reports whether id holds no identifier.
func (id ID) IsZero() bool { return id.kind == 0 }

// SIREN returns the SIREN a SIRET starts with; for any other kind, the zero
// ID.
func (id ID) SIREN() ID {
	if id.kind != SIRET {
		return ID{}
	}
	return ID{kind: SIREN, value: id.value[:9]}
}

// Reason says what is wrong with a value, so that callers can tell a typo in
// the key from a value of the wrong shape.
type Reason int

const (
	// BadLength: the value has a length no identifier of the kind has.
	BadLength Reason = iota + 1
	// BadCharacter: the value holds a character its kind does not allow.
	BadCharacter
	// BadKey: the value has the right shape but fails its check digit or sum.
	BadKey
)

func (r Reason) String() string {
	switch r {
	case BadLength:
		return "bad length"
	case BadCharacter:
		return "bad character"
	case BadKey:
		return "bad key"
	}
	return "invalid"
}

// Error is a value that is not a valid identifier. Use errors.As to get it.
type Error struct {
	Kind   Kind   // the kind expected, or 0 when the shape fits none (Parse)
	Value  string // the value as given
	Reason Reason
	Detail string // what is wrong, with the values that show it: "key digit 2, want 1"
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s %s: %s", e.Kind, quoteIfOdd(e.Value), e.Detail)
}

// Parse reads a FINESS number (9 characters) or a SIRET number (14
// characters), told apart by their length once spaces are removed.
func Parse(s string) (ID, error) {
	v := removeSpaces(s)
	switch n := utf8.RuneCountInString(v); n {
	case 9:
		return parseFINESS(s, v)
	case 14:
		return parseSIRET(s, v)
	default:
		return ID{}, &Error{Value: s, Reason: BadLength,
			Detail: fmt.Sprintf("%d characters, want 9 (FINESS) or 14 (SIRET)", n)}
	}
}

// ParseFINESS reads a FINESS number.
func ParseFINESS(s string) (ID, error) { return parseFINESS(s, removeSpaces(s)) }

// ParseSIRET reads a SIRET number.
func ParseSIRET(s string) (ID, error) { return parseSIRET(s, removeSpaces(s)) }

// ParseSIREN reads a SIREN number.
func ParseSIREN(s string) (ID, error) {
	v := removeSpaces(s)
	if err := digits(SIREN, s, v, 9, 0); err != nil {
		return ID{}, err
	}
	if err := luhn(SIREN, s, v); err != nil {
		return ID{}, err
	}
	return ID{kind: SIREN, value: v}, nil
}

func parseFINESS(given, v string) (ID, error) {
	// Corsica: 2A or 2B then 7 digits; the key is not a Luhn key over digits.
	if len(v) >= 2 && v[0] == '2' && (v[1] == 'A' || v[1] == 'B') {
		if err := digits(FINESS, given, v, 9, 2); err != nil {
			return ID{}, err
		}
		return ID{kind: FINESS, value: v}, nil
	}
	if err := digits(FINESS, given, v, 9, 0); err != nil {
		return ID{}, err
	}
	if err := luhn(FINESS, given, v); err != nil {
		return ID{}, err
	}
	return ID{kind: FINESS, value: v}, nil
}

// La Poste numbers its establishments by their own rule; its siège is the
// exception to that rule.
const (
	laPoste      = "356000000"
	laPosteSiege = "35600000000048"
)

func parseSIRET(given, v string) (ID, error) {
	if err := digits(SIRET, given, v, 14, 0); err != nil {
		return ID{}, err
	}
	if v[:9] == laPoste && v != laPosteSiege {
		sum := 0
		for i := 0; i < len(v); i++ {
			sum += int(v[i] - '0')
		}
		if sum%5 != 0 {
			return ID{}, &Error{Kind: SIRET, Value: given, Reason: BadKey,
				Detail: fmt.Sprintf("La Poste numbers have a digit sum that is a multiple of 5, this one %d", sum)}
		}
		return ID{kind: SIRET, value: v}, nil
	}
	if err := luhn(SIRET, given, v); err != nil {
		return ID{}, err
	}
	return ID{kind: SIRET, value: v}, nil
}

// digits checks that v is n characters, ASCII digits from the one at index
// from (the ones before it were checked by the caller).
func digits(k Kind, given, v string, n, from int) error {
	if c := utf8.RuneCountInString(v); c != n {
		return &Error{Kind: k, Value: given, Reason: BadLength,
			Detail: fmt.Sprintf("%d characters, want %d", c, n)}
	}
	for i, pos := 0, 1; i < len(v); pos++ {
		r, size := utf8.DecodeRuneInString(v[i:])
		if pos > from && !('0' <= r && r <= '9') {
			what := "character " + strconv.QuoteRune(r)
			if r == utf8.RuneError && size == 1 {
				what = fmt.Sprintf("byte %#x", v[i])
			}
			return &Error{Kind: k, Value: given, Reason: BadCharacter,
				Detail: fmt.Sprintf("%s at position %d, want a digit", what, pos)}
		}
		i += size
	}
	return nil
}

// luhn checks the last digit of v, all digits, as a Luhn key over the others.
func luhn(k Kind, given, v string) error {
	want := LuhnKey(v[:len(v)-1])
	if got := v[len(v)-1]; got != want {
		return &Error{Kind: k, Value: given, Reason: BadKey,
			Detail: fmt.Sprintf("key digit %c, want %c", got, want)}
	}
	return nil
}

// LuhnKey returns the digit that, appended to digits, makes a number whose
// Luhn sum is a multiple of 10. digits must be ASCII digits only.
func LuhnKey(digits string) byte {
	sum := 0
	// The key will be the rightmost digit: the digit before it is doubled.
	for i, double := len(digits)-1, true; i >= 0; i, double = i-1, !double {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// removeSpaces drops the spaces people put between groups of digits: the
// ASCII space, and the no-break and narrow no-break spaces French typography
// puts there.
func removeSpaces(s string) string {
	if !strings.ContainsAny(s, " \u00a0\u202f") {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\u00a0', '\u202f':
			return -1
		}
		return r
	}, s)
}

// quoteIfOdd returns s as is when it reads plainly in a message (letters,
// digits, spaces), quoted otherwise, so that an empty or odd value shows.
func quoteIfOdd(s string) string {
	if s == "" {
		return `""`
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isDigit(c) || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == ' ') {
			return strconv.Quote(s)
		}
	}
	return s
}
