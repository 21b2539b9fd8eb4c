package finess

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/maillage/maillage/services/partners/geo"
	"github.com/maillage/maillage/services/partners/identifier"
)

// Encoding is the character set the Reader found the extract to be in.
type Encoding int

const (
	// ASCII: no line so far held anything but ASCII, which reads the same in
	// both encodings.
	ASCII Encoding = iota
	// UTF8: the first line beyond ASCII was valid UTF-8. Later invalid bytes
	// become U+FFFD.
	UTF8
	// Latin1: the first line beyond ASCII was not valid UTF-8, and the file
	// is read as ISO-8859-1, where every byte is the character of that code.
	Latin1
)

func (e Encoding) String() string {
	switch e {
	case UTF8:
		return "UTF-8"
	case Latin1:
		return "ISO-8859-1"
	}
	return "ASCII"
}

// Field counts of the two record lines, section name included.
const (
	structureFields = 32
	geolocFields    = 6
)

// maxLineLength bounds a line: an extract's lines are a few hundred bytes,
// and a longer one is not a record (a binary file, a missing newline).
const maxLineLength = 64 << 10

// Reader reads the records of a FINESS extract one line at a time.
//
// Next returns a *Rejected error for a line it cannot use, and reading may go
// on; any other error (the underlying reader's) ends the reading and is
// returned again by every later call. A Reader is not safe for concurrent use.
type Reader struct {
	in       *bufio.Reader
	line     int
	encoding Encoding
	err      error    // sticky: io.EOF or the underlying reader's error
	long     []byte   // a line longer than the bufio buffer, assembled
	fields   []string // reused between lines
	latin1   []byte   // reused for decoding
}

// NewReader returns a Reader of the extract r.
func NewReader(r io.Reader) *Reader {
	return &Reader{in: bufio.NewReaderSize(r, 64<<10)}
}

// Encoding returns the character set found so far.
func (r *Reader) Encoding() Encoding { return r.encoding }

// Next returns the next record: a *Header, an *Establishment or a
// *Geolocation. At the end of the extract it returns io.EOF. Blank lines are
// passed over.
func (r *Reader) Next() (Record, error) {
	for {
		raw, err := r.readLine()
		if err != nil {
			return nil, err
		}
		if raw == nil { // a line too long: its bytes were skipped
			return nil, &Rejected{Line: r.line, Reason: fmt.Sprintf("line longer than %d bytes", maxLineLength)}
		}
		text := r.decode(raw)
		if r.line == 1 {
			text = strings.TrimPrefix(text, "\uFEFF")
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		return r.record(text)
	}
}

// readLine returns the next line without its end of line, nil for a line
// longer than maxLineLength (whose bytes are skipped), or the sticky error.
func (r *Reader) readLine() ([]byte, error) {
	if r.err != nil {
		return nil, r.err
	}
	r.long = r.long[:0]
	size := 0
	for {
		chunk, err := r.in.ReadSlice('\n')
		size += len(chunk)
		// A line longer than the buffer comes in pieces, each overwritten by
		// the next read: keep a copy, up to the limit (+ CR LF).
		if size <= maxLineLength+2 && (err == bufio.ErrBufferFull || len(r.long) > 0) {
			r.long = append(r.long, chunk...)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			r.err = err
			if err != io.EOF || size == 0 {
				return nil, err
			}
			// A last line without an end of line: return it, io.EOF comes next.
		}
		r.line++
		if size > maxLineLength+2 {
			return nil, nil
		}
		line := chunk
		if len(r.long) > 0 {
			line = r.long
		}
		line = bytes.TrimSuffix(line, []byte{'\n'})
		return bytes.TrimSuffix(line, []byte{'\r'}), nil
	}
}

// decode returns the line as UTF-8, deciding the file's encoding on the first
// line that is not ASCII.
func (r *Reader) decode(line []byte) string {
	ascii := true
	for _, c := range line {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return string(line)
	}
	if r.encoding == ASCII {
		if utf8.Valid(line) {
			r.encoding = UTF8
		} else {
			r.encoding = Latin1
		}
	}
	if r.encoding == UTF8 {
		return strings.ToValidUTF8(string(line), "\uFFFD")
	}
	// Latin-1: byte b is code point b, two bytes in UTF-8 beyond ASCII.
	buf := r.latin1[:0]
	for _, c := range line {
		if c < utf8.RuneSelf {
			buf = append(buf, c)
		} else {
			buf = append(buf, 0xC0|c>>6, 0x80|c&0x3F)
		}
	}
	r.latin1 = buf
	return string(buf)
}

// record parses one decoded, non-blank line.
func (r *Reader) record(text string) (Record, error) {
	fields, err := splitFields(text, r.fields[:0])
	r.fields = fields[:0]
	if err != nil {
		return nil, &Rejected{Line: r.line, Reason: err.Error()}
	}
	for i := range fields {
		fields[i] = strings.TrimSpace(fields[i])
	}
	switch fields[0] {
	case "structureet":
		return r.establishment(fields)
	case "geolocalisation":
		return r.geolocation(fields)
	case "finess":
		return r.header(fields)
	}
	return nil, &Rejected{Line: r.line, Reason: fmt.Sprintf("unknown section %s", quoteShort(fields[0]))}
}

// checkCount accepts a line of want fields, and a longer one whose extra
// fields are empty (a trailing separator).
func (r *Reader) checkCount(fields []string, want int) *Rejected {
	if len(fields) > want {
		extra := true
		for _, f := range fields[want:] {
			if f != "" {
				extra = false
				break
			}
		}
		if extra {
			return nil
		}
	} else if len(fields) == want {
		return nil
	}
	rej := &Rejected{Line: r.line, Reason: fmt.Sprintf("%s: %d fields, want %d", fields[0], len(fields), want)}
	if len(fields) > 1 {
		rej.FINESS = fields[1]
	}
	return rej
}

func (r *Reader) header(fields []string) (Record, error) {
	if len(fields) < 4 || (len(fields) > 4 && !allEmpty(fields[4:])) {
		return nil, &Rejected{Line: r.line, Reason: fmt.Sprintf("header: %d fields, want 4 (finess;etalab;N;DATE)", len(fields))}
	}
	if fields[1] != "etalab" {
		return nil, &Rejected{Line: r.line, Reason: fmt.Sprintf(`header: second field %s, want "etalab"`, quoteShort(fields[1]))}
	}
	n, err := strconv.Atoi(fields[2])
	if err != nil {
		return nil, &Rejected{Line: r.line, Reason: fmt.Sprintf("header: number %s is not an integer", quoteShort(fields[2]))}
	}
	date, err := time.Parse(time.DateOnly, fields[3])
	if err != nil {
		return nil, &Rejected{Line: r.line, Reason: fmt.Sprintf("header: date %s is not YYYY-MM-DD", quoteShort(fields[3]))}
	}
	return &Header{Line: r.line, Number: n, Date: date}, nil
}

func (r *Reader) establishment(f []string) (Record, error) {
	if rej := r.checkCount(f, structureFields); rej != nil {
		return nil, rej
	}
	reject := func(field string, err error) error {
		return &Rejected{Line: r.line, FINESS: f[1], Reason: field + ": " + err.Error(), Err: err}
	}
	et, err := identifier.ParseFINESS(f[1])
	if err != nil {
		return nil, reject("nofinesset", err)
	}
	ej, err := identifier.ParseFINESS(f[2])
	if err != nil {
		return nil, reject("nofinessej", err)
	}
	var siret identifier.ID
	if f[22] != "" {
		if siret, err = identifier.ParseSIRET(f[22]); err != nil {
			return nil, reject("siret", err)
		}
	}
	name := f[4]
	if name == "" {
		name = f[3]
	}
	return &Establishment{
		Line:           r.line,
		FINESS:         et,
		LegalEntity:    ej,
		Name:           name,
		ShortName:      f[3],
		NameComplement: f[5],
		Address: Address{
			Distribution:    f[6],
			Number:          f[7],
			StreetType:      f[8],
			Street:          f[9],
			Repetition:      f[10],
			Locality:        f[11],
			Commune:         f[12],
			Departement:     f[13],
			DepartementName: f[14],
			PostalLine:      f[15],
			INSEE:           inseeCode(f[13], f[12]),
		},
		Phone:         f[16],
		Fax:           f[17],
		Category:      Code{f[18], f[19]},
		CategoryGroup: Code{f[20], f[21]},
		SIRET:         siret,
		APE:           f[23],
		Tariff:        Code{f[24], f[25]},
		PublicService: Code{f[26], f[27]},
		Opened:        date(f[28]),
		Authorised:    date(f[29]),
		Updated:       date(f[30]),
		UAI:           f[31],
	}, nil
}

func (r *Reader) geolocation(f []string) (Record, error) {
	if rej := r.checkCount(f, geolocFields); rej != nil {
		return nil, rej
	}
	id, err := identifier.ParseFINESS(f[1])
	if err != nil {
		return nil, &Rejected{Line: r.line, FINESS: f[1], Reason: "nofinesset: " + err.Error(), Err: err}
	}
	g := &Geolocation{Line: r.line, FINESS: id, Updated: date(f[5])}
	if f[2] == "" && f[3] == "" && f[4] == "" {
		return g, nil
	}
	reject := func(reason string, err error) error {
		return &Rejected{Line: r.line, FINESS: f[1], Reason: "geolocalisation of " + f[1] + ": " + reason, Err: err}
	}
	x, okX := coordinate(f[2])
	y, okY := coordinate(f[3])
	if !okX {
		return nil, reject(fmt.Sprintf("x %s is not a number", quoteShort(f[2])), nil)
	}
	if !okY {
		return nil, reject(fmt.Sprintf("y %s is not a number", quoteShort(f[3])), nil)
	}
	p, err := geo.FromFinessSource(f[4], x, y)
	if err != nil {
		return nil, reject(err.Error(), err)
	}
	g.Located, g.X, g.Y, g.Source, g.Point = true, x, y, f[4], p
	return g, nil
}

// coordinate parses a coordinate, with a decimal point or a decimal comma.
func coordinate(s string) (float64, bool) {
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

// date parses a YYYY-MM-DD date. The dates of a line are not what a partner
// is identified by: one that does not parse is left out (the zero Time)
// rather than losing the établissement.
func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func allEmpty(fields []string) bool {
	for _, f := range fields {
		if f != "" {
			return false
		}
	}
	return true
}

// quoteShort quotes s for a message, cut to 40 characters.
func quoteShort(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max]) + "…"
	}
	return strconv.Quote(s)
}

var (
	errUnterminated = errors.New("a quoted field has no closing quote")
	errAfterQuote   = errors.New("text after the closing quote of a field")
)

// splitFields splits a line on semicolons, appending to dst. A field may be
// quoted with double quotes, a doubled quote standing for one; a quote inside
// an unquoted field is an ordinary character.
func splitFields(line string, dst []string) ([]string, error) {
	if strings.IndexByte(line, '"') < 0 {
		for {
			i := strings.IndexByte(line, ';')
			if i < 0 {
				return append(dst, line), nil
			}
			dst = append(dst, line[:i])
			line = line[i+1:]
		}
	}
	for {
		if len(line) == 0 || line[0] != '"' {
			i := strings.IndexByte(line, ';')
			if i < 0 {
				return append(dst, line), nil
			}
			dst = append(dst, line[:i])
			line = line[i+1:]
			continue
		}
		// A quoted field.
		var b strings.Builder
		rest := line[1:]
		for {
			i := strings.IndexByte(rest, '"')
			if i < 0 {
				return dst, fmt.Errorf("field %d: %w", len(dst)+1, errUnterminated)
			}
			b.WriteString(rest[:i])
			rest = rest[i+1:]
			if strings.HasPrefix(rest, `"`) {
				b.WriteByte('"')
				rest = rest[1:]
				continue
			}
			break
		}
		dst = append(dst, b.String())
		switch {
		case rest == "":
			return dst, nil
		case rest[0] == ';':
			line = rest[1:]
		default:
			return dst, fmt.Errorf("field %d: %w", len(dst), errAfterQuote)
		}
	}
}
