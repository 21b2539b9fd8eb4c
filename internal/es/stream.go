package es

import "fmt"

// MaxStreamNameLen bounds stream names so that every backend can hold them
// (a JetStream subject token, a KurrentDB stream name).
const MaxStreamNameLen = 200

// ValidateStream checks that name is "<category>-<id>" with a category of
// lower-case ASCII letters and an id of ASCII letters, digits, '_', '=' or '-'.
// Names are restricted so that they map one to one onto every backend's
// naming (JetStream subjects forbid '.', '*', '>' and white space).
func ValidateStream(name string) error {
	if name == "" || len(name) > MaxStreamNameLen {
		return fmt.Errorf("%w: %q must have 1 to %d characters", ErrInvalidStream, name, MaxStreamNameLen)
	}
	cat := Category(name)
	if cat == name || len(cat) == 0 || len(cat) == len(name)-1 {
		return fmt.Errorf("%w: %q is not <category>-<id>", ErrInvalidStream, name)
	}
	for _, r := range cat {
		if r < 'a' || r > 'z' {
			return fmt.Errorf("%w: category of %q must be lower-case letters", ErrInvalidStream, name)
		}
	}
	for _, r := range name[len(cat)+1:] {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '=' || r == '-'
		if !ok {
			return fmt.Errorf("%w: id of %q has %q", ErrInvalidStream, name, r)
		}
	}
	return nil
}
