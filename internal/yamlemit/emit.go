package yamlemit

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// emit writes tree byte for byte as yaml.v2's Marshal does; it is a port
// of the parts of yaml.v2's emitter the exporter's trees use (block
// mappings and sequences, plain and single-quoted scalars folded at 80
// columns). ok is false when tree holds anything it does not port exactly
// — an empty or non-printable string, a line break, a string YAML might
// read as another type, a long key — and Marshal then uses yaml.v2.
// yaml.v2 allocates an event queue per document that grows with the
// document; at 20k documents per 10k-pathway export this emitter saves
// about a third of the export's CPU and most of its garbage. tree's maps
// are sorted.
func emit(tree Map) (out []byte, ok bool) {
	if len(tree) == 0 {
		return nil, false
	}
	e := yamlEmitter{indent: -1, whitespace: true, indention: true, buf: make([]byte, 0, sizeHint(tree, 0))}
	if !e.mapping(tree) {
		return nil, false
	}
	// Document end: yaml_emitter_write_indent at indent 0.
	e.indent = -1
	e.writeIndent()
	return e.buf, true
}

// sizeHint estimates the bytes tree takes as YAML at nesting depth: its
// text, a line's indentation per member and a little punctuation. Sizing
// the buffer once from it saves the copies of growing it from a guess
// (a pathway's entity is about 10 KB: growing from 1 KB allocated three
// times that).
func sizeHint(v any, depth int) int {
	const perLine = 4 // ": ", "- ", the line break
	switch v := v.(type) {
	case Map:
		n := 0
		for _, p := range v {
			n += 2*depth + len(p.Key) + perLine + sizeHint(p.Value, depth+1)
		}
		return n
	case []any:
		n := 0
		for _, x := range v {
			n += 2*depth + perLine + sizeHint(x, depth+1)
		}
		return n
	case []string:
		n := 0
		for _, x := range v {
			n += 2*depth + perLine + len(x) + len(x)/16 // folded lines re-indent
		}
		return n
	case string:
		return len(v) + len(v)/16
	default:
		return 8
	}
}

// yamlEmitter mirrors the yaml_emitter_t fields the ported code reads.
type yamlEmitter struct {
	buf        []byte
	indent     int
	column     int
	whitespace bool
	indention  bool
	// mappingContext mirrors emitter.mapping_context of the node being
	// emitted.
	mappingContext bool
}

const (
	yamlBestIndent = 2
	yamlBestWidth  = 80
)

func (e *yamlEmitter) put(c byte) {
	e.buf = append(e.buf, c)
	e.column++
}

func (e *yamlEmitter) putBreak() {
	e.buf = append(e.buf, '\n')
	e.column = 0
}

// increaseIndent is yaml_emitter_increase_indent; it returns the indent
// to restore.
func (e *yamlEmitter) increaseIndent(flow, indentless bool) int {
	old := e.indent
	if e.indent < 0 {
		if flow {
			e.indent = yamlBestIndent
		} else {
			e.indent = 0
		}
	} else if !indentless {
		e.indent += yamlBestIndent
	}
	return old
}

// writeIndent is yaml_emitter_write_indent.
func (e *yamlEmitter) writeIndent() {
	indent := max(e.indent, 0)
	if !e.indention || e.column > indent || (e.column == indent && !e.whitespace) {
		e.putBreak()
	}
	for e.column < indent {
		e.put(' ')
	}
	e.whitespace = true
	e.indention = true
}

// writeIndicator is yaml_emitter_write_indicator for ASCII indicators.
func (e *yamlEmitter) writeIndicator(ind string, needWhitespace, isWhitespace, isIndention bool) {
	if needWhitespace && !e.whitespace {
		e.put(' ')
	}
	e.buf = append(e.buf, ind...)
	e.column += len(ind)
	e.whitespace = isWhitespace
	e.indention = e.indention && isIndention
}

// node emits a mapping value or sequence item (emitter.mapping_context is
// mapping).
func (e *yamlEmitter) node(v any, mapping bool) bool {
	e.mappingContext = mapping
	switch x := v.(type) {
	case Map:
		if len(x) == 0 {
			e.flowEmpty("{", "}")
			return true
		}
		return e.mapping(x)
	case []string:
		if len(x) == 0 {
			e.flowEmpty("[", "]")
			return true
		}
		return e.strings(x)
	case []any:
		if len(x) == 0 {
			e.flowEmpty("[", "]")
			return true
		}
		return e.sequence(x)
	case string:
		return e.scalar(x, false)
	case int64:
		return e.plainScalar(strconv.FormatInt(x, 10), false)
	case int:
		return e.plainScalar(strconv.Itoa(x), false)
	case bool:
		return e.plainScalar(strconv.FormatBool(x), false)
	case nil:
		return e.plainScalar("null", false)
	}
	return false
}

// flowEmpty writes an empty flow collection ("[]" or "{}").
func (e *yamlEmitter) flowEmpty(open, close string) {
	e.writeIndicator(open, true, true, false)
	e.writeIndicator(close, false, false, false)
}

// mapping is the block mapping states; m is in yaml.v2's key order.
func (e *yamlEmitter) mapping(m Map) bool {
	old := e.increaseIndent(false, false)
	for _, p := range m {
		e.writeIndent()
		// A simple key: at most 128 bytes and on one line (scalar
		// checks lines).
		if len(p.Key) > 128 || !e.scalar(p.Key, true) {
			return false
		}
		e.writeIndicator(":", false, false, false)
		if !e.node(p.Value, true) {
			return false
		}
	}
	e.indent = old
	return true
}

// sequence is the block sequence states.
func (e *yamlEmitter) sequence(s []any) bool {
	old := e.increaseIndent(false, e.mappingContext && !e.indention)
	for _, v := range s {
		e.writeIndent()
		e.writeIndicator("-", true, false, true)
		if !e.node(v, false) {
			return false
		}
	}
	e.indent = old
	return true
}

// strings is sequence for a sequence of strings.
func (e *yamlEmitter) strings(s []string) bool {
	old := e.increaseIndent(false, e.mappingContext && !e.indention)
	for _, v := range s {
		e.writeIndent()
		e.writeIndicator("-", true, false, true)
		e.mappingContext = false
		if !e.scalar(v, false) {
			return false
		}
	}
	e.indent = old
	return true
}

// scalar emits a string as stringv and the scalar states would: plain when
// YAML reads it back as this string and the block context allows it,
// otherwise single-quoted.
func (e *yamlEmitter) scalar(s string, key bool) bool {
	if !surelyString(s) {
		return false // double-quoted by yaml.v2
	}
	plain, ok := analyzeScalar(s)
	if !ok {
		return false
	}
	if plain {
		return e.plainScalar(s, key)
	}
	return e.singleQuoted(s, key)
}

// plainScalar is yaml_emitter_write_plain_scalar inside emit_scalar's
// indent; breaks are allowed outside keys. s has no line breaks.
func (e *yamlEmitter) plainScalar(s string, key bool) bool {
	old := e.increaseIndent(true, false)
	if !e.whitespace {
		e.put(' ')
	}
	spaces := false
	for i := 0; i < len(s); {
		if s[i] == ' ' {
			if !key && !spaces && e.column > yamlBestWidth && !(i+1 < len(s) && s[i+1] == ' ') {
				e.writeIndent()
				i++
			} else {
				e.put(' ')
				i++
			}
			spaces = true
			continue
		}
		i = e.writeRun(s, i, ' ')
		e.indention = false
		spaces = false
	}
	e.whitespace = false
	e.indention = false
	e.indent = old
	return true
}

// writeRun copies the characters of s from i up to the next space or
// stop byte (one column each, stepped as writeChar steps) and returns the
// index after them. The caller has checked s with analyzeScalar, so no
// step runs past the end.
func (e *yamlEmitter) writeRun(s string, i int, stop byte) int {
	j := i
	for j < len(s) && s[j] != ' ' && s[j] != stop {
		j += yamlWidth(s[j])
		e.column++
	}
	e.buf = append(e.buf, s[i:j]...)
	return j
}

// singleQuoted is yaml_emitter_write_single_quoted_scalar inside
// emit_scalar's indent. s has no line breaks.
func (e *yamlEmitter) singleQuoted(s string, key bool) bool {
	old := e.increaseIndent(true, false)
	e.writeIndicator("'", true, false, false)
	spaces := false
	for i := 0; i < len(s); {
		if s[i] == ' ' {
			if !key && !spaces && e.column > yamlBestWidth && i > 0 && i < len(s)-1 && s[i+1] != ' ' {
				e.writeIndent()
				i++
			} else {
				e.put(' ')
				i++
			}
			spaces = true
			continue
		}
		if s[i] == '\'' {
			e.put('\'')
			i = e.writeChar(s, i)
		} else {
			i = e.writeRun(s, i, '\'')
		}
		e.indention = false
		spaces = false
	}
	e.writeIndicator("'", false, false, false)
	e.whitespace = false
	e.indention = false
	e.indent = old
	return true
}

// writeChar copies the UTF-8 character at s[i] (one column) and returns
// the index after it.
func (e *yamlEmitter) writeChar(s string, i int) int {
	w := yamlWidth(s[i])
	e.buf = append(e.buf, s[i:i+w]...)
	e.column++
	return i + w
}

func yamlWidth(b byte) int {
	switch {
	case b&0x80 == 0:
		return 1
	case b&0xE0 == 0xC0:
		return 2
	case b&0xF0 == 0xE0:
		return 3
	case b&0xF8 == 0xF0:
		return 4
	}
	return 1
}

// surelyString reports whether yaml.v2 certainly resolves the plain s as a
// string (and not a base-60 float): the only strings it accepts plain.
// False means "maybe not": the caller falls back to yaml.v2.
func surelyString(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	switch {
	case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		// A letter starts a string unless the whole word is a bool or
		// null in yaml.v2's resolve table.
		return !yamlWords[s]
	case c == '.':
		// Not one of the resolve table's ".inf"/".nan" words nor a float:
		// a relative path such as a Location's "./x/catalog-info.yaml".
		return len(s) > 1 && s[1] == '/'
	case '0' <= c && c <= '9' || c == '+' || c == '-':
		// Numbers never contain a space; a timestamp with one starts
		// with a four-digit year and a dash.
		for i := 0; i < len(s); i++ {
			if s[i] == ' ' {
				return !(len(s) > 4 && allDigits(s[:4]) && s[4] == '-')
			}
		}
	}
	return false
}

// yamlWords are the letter-initial plain scalars yaml.v2 resolves to a
// bool or null (its resolveMap).
var yamlWords = map[string]bool{
	"y": true, "Y": true, "yes": true, "Yes": true, "YES": true,
	"true": true, "True": true, "TRUE": true, "on": true, "On": true, "ON": true,
	"n": true, "N": true, "no": true, "No": true, "NO": true,
	"false": true, "False": true, "FALSE": true, "off": true, "Off": true, "OFF": true,
	"null": true, "Null": true, "NULL": true,
}

// analyzeScalar is yaml_emitter_analyze_scalar for a non-empty one-line
// printable s in block context: plain reports block_plain_allowed. ok is
// false for what the port leaves to yaml.v2 (line breaks, characters that
// are not printable, invalid UTF-8, and "---" or "..." at the start).
func analyzeScalar(s string) (plain, ok bool) {
	if len(s) >= 3 && (s[:3] == "---" || s[:3] == "...") {
		return false, false
	}
	block := false
	preceded := true
	for i, w := 0, 0; i < len(s); i += w {
		if b := s[i]; b < utf8.RuneSelf {
			// yamlPrintable and yamlBreak for one byte: printable
			// ASCII, the line break excluded.
			if w = 1; b < 0x20 || b == 0x7f {
				return false, false
			}
		} else if w = yamlWidth(b); i+w > len(s) || !yamlPrintable(s, i) || yamlBreak(s, i) {
			return false, false
		} else if r, n := utf8.DecodeRuneInString(s[i:]); r == utf8.RuneError && n == 1 {
			return false, false // yaml.v2 writes invalid UTF-8 as !!binary
		}
		followed := i+w >= len(s) || s[i+w] == ' ' || s[i+w] == '\t'
		if i == 0 {
			switch s[i] {
			case '#', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
				block = true
			case '?', ':', '-':
				if followed {
					block = true
				}
			}
		} else {
			switch s[i] {
			case ':':
				if followed {
					block = true
				}
			case '#':
				if preceded {
					block = true
				}
			}
		}
		preceded = s[i] == ' ' || s[i] == '\t'
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		block = true // leading or trailing space
	}
	return !block, true
}

// yamlPrintable is yaml.v2's is_printable.
func yamlPrintable(s string, i int) bool {
	b := s[i]
	at := func(j int) byte {
		if j < len(s) {
			return s[j]
		}
		return 0
	}
	return b == 0x0A ||
		(b >= 0x20 && b <= 0x7E) ||
		(b == 0xC2 && at(i+1) >= 0xA0) ||
		(b > 0xC2 && b < 0xED) ||
		(b == 0xED && at(i+1) < 0xA0) ||
		(b == 0xEE) ||
		(b == 0xEF && !(at(i+1) == 0xBB && at(i+2) == 0xBF) && !(at(i+1) == 0xBF && (at(i+2) == 0xBE || at(i+2) == 0xBF)))
}

// yamlBreak is yaml.v2's is_break: \r \n NEL LS PS.
func yamlBreak(s string, i int) bool {
	switch s[i] {
	case '\r', '\n':
		return true
	case 0xC2:
		return i+1 < len(s) && s[i+1] == 0x85
	case 0xE2:
		return i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9)
	}
	return false
}

// keyCompare orders string keys as yaml.v2's keyList.Less does.
func keyCompare(a, b string) int {
	if keyLess(a, b) {
		return -1
	}
	if keyLess(b, a) {
		return 1
	}
	return 0
}

// keyLess is yaml.v2's keyList.Less for two strings; ASCII keys, the
// usual case, are compared without converting them to runes.
func keyLess(a, b string) bool {
	if ascii(a) && ascii(b) {
		return runesLess([]byte(a), []byte(b))
	}
	return runesLess([]rune(a), []rune(b))
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func runesLess[E byte | rune](ar, br []E) bool {
	for i := 0; i < len(ar) && i < len(br); i++ {
		if ar[i] == br[i] {
			continue
		}
		al := unicode.IsLetter(rune(ar[i]))
		bl := unicode.IsLetter(rune(br[i]))
		if al && bl {
			return ar[i] < br[i]
		}
		if al || bl {
			return bl
		}
		var ai, bi int
		var an, bn int64
		if ar[i] == '0' || br[i] == '0' {
			for j := i - 1; j >= 0 && unicode.IsDigit(rune(ar[j])); j-- {
				if ar[j] != '0' {
					an = 1
					bn = 1
					break
				}
			}
		}
		for ai = i; ai < len(ar) && unicode.IsDigit(rune(ar[ai])); ai++ {
			an = an*10 + int64(ar[ai]-'0')
		}
		for bi = i; bi < len(br) && unicode.IsDigit(rune(br[bi])); bi++ {
			bn = bn*10 + int64(br[bi]-'0')
		}
		if an != bn {
			return an < bn
		}
		if ai != bi {
			return ai < bi
		}
		return ar[i] < br[i]
	}
	return len(ar) < len(br)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
