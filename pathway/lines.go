package pathway

import (
	"bytes"
	"iter"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// line is one block of a document as the importers see it: a line of page
// text, or a heading, paragraph or list item of an HTML page.
type line struct {
	n       int    // 1-based source line, 0 when unknown
	text    string // content with surrounding space trimmed
	heading int    // HTML heading level 1–6; 0 when not marked up as a heading
	item    bool   // marked up as a list item
	links   []link // anchors on this line (HTML only)
}

// link is an anchor: its text and its href resolved as far as possible.
type link struct {
	text string
	href string
}

// textLines yields the non-blank lines of page text, normalising CRLF,
// CR, a BOM and non-breaking spaces. It yields rather than returns them:
// a page's line slice was the importer's largest allocation.
func textLines(data []byte) iter.Seq[line] {
	return func(yield func(line) bool) {
		s := strings.TrimPrefix(string(data), "\uFEFF")
		if strings.IndexByte(s, '\r') >= 0 {
			s = strings.ReplaceAll(s, "\r\n", "\n")
			s = strings.ReplaceAll(s, "\r", "\n")
		}
		for n := 1; ; n++ {
			raw, rest, more := strings.Cut(s, "\n")
			if t := cleanSpace(raw); t != "" && !yield(line{n: n, text: t}) {
				return
			}
			if !more {
				return
			}
			s = rest
		}
	}
}

// cleanSpace maps non-breaking and zero-width spaces to plain spaces or
// nothing, drops other control characters and trims the ends.
func cleanSpace(s string) string {
	if !isClean(s) {
		s = strings.Map(cleanRune, s)
	}
	return strings.TrimSpace(s)
}

// cleanRune is cleanSpace's mapping of one character (-1 drops it).
func cleanRune(r rune) rune {
	switch {
	case r == '\u00a0' || r == '\t':
		return ' '
	case r == '\u200b' || r == '\ufeff':
		return -1
	case unicode.IsControl(r):
		return -1
	}
	return r
}

// isClean reports whether s holds none of the characters cleanSpace maps:
// C0 and C1 controls, U+00A0, U+200B and U+FEFF. In UTF-8 those are the
// bytes below 0x20, 0x7F, and sequences led by 0xC2, 0xE2 or 0xEF; as
// those are lead bytes only, a byte scan finds exactly what a rune scan
// would, invalid UTF-8 included.
func isClean(s string) bool {
	for i := 0; i < len(s); i++ {
		if !suspect[s[i]] {
			continue
		}
		switch c := s[i]; c {
		case 0xC2: // U+0080–U+009F are C1 controls; U+00A0 is the no-break space
			if i+1 < len(s) && (0x80 <= s[i+1] && s[i+1] <= 0xA0) {
				return false
			}
		case 0xE2: // U+200B
			if strings.HasPrefix(s[i+1:], "\x80\x8b") {
				return false
			}
		case 0xEF: // U+FEFF
			if strings.HasPrefix(s[i+1:], "\xbb\xbf") {
				return false
			}
		default: // C0 controls and DEL
			return false
		}
	}
	return true
}

// suspect marks the bytes isClean looks at twice.
var suspect = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = true
	}
	t[0x7f], t[0xc2], t[0xe2], t[0xef] = true, true, true, true
	return t
}()

// trimMarker strips leading symbols (emoji, arrows, variation selectors)
// and spaces: what is left starts with a letter or digit.
func trimMarker(s string) string {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf:
			return strings.TrimLeftFunc(s[i:], func(r rune) bool {
				return !unicode.IsLetter(r) && !unicode.IsDigit(r)
			})
		case 'a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9':
			return s[i:]
		}
	}
	return ""
}

// startsWithSymbol reports whether s opens with an emoji or other symbol.
func startsWithSymbol(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r) || r >= 0x1F000
}

// stripBullet removes a list marker and the spaces after it ("•", "-",
// "*", "+", "–", "—", "‣", "◦", "▪", "●", "·", or "1." / "1)" with one to
// three digits) and reports whether one was there. A marker counts only
// when a space, tab or line break follows it.
func stripBullet(s string) (string, bool) {
	n := 0
	switch r, size := utf8.DecodeRuneInString(s); r {
	case '•', '‣', '◦', '▪', '●', '·', '*', '+', '-', '–', '—':
		n = size
	default:
		d := leadingDigits(s)
		if d == 0 || d > 3 || d == len(s) || (s[d] != '.' && s[d] != ')') {
			return s, false
		}
		n = d + 1
	}
	m := n
	for m < len(s) && isSpaceRE(s[m]) {
		m++
	}
	if m == n {
		return s, false
	}
	return strings.TrimSpace(s[m:]), true
}

// leadingDigits counts the ASCII digits s starts with.
func leadingDigits(s string) int {
	n := 0
	for n < len(s) && '0' <= s[n] && s[n] <= '9' {
		n++
	}
	return n
}

// isSpaceRE reports whether c is a space as RE2's \s means it.
func isSpaceRE(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// itemNumber reads an item number: "3 text", "3. text" or "3) text" gives
// 3 and "text"; "3", "3." or "3)" alone gives 3 and "". ok is false for
// anything else, and for numbers of more than three digits.
func itemNumber(s string) (n int, text string, ok bool) {
	d := leadingDigits(s)
	if d == 0 || d > 3 {
		return 0, "", false
	}
	n, _ = strconv.Atoi(s[:d])
	i := d
	if i < len(s) && (s[i] == '.' || s[i] == ')') {
		i++
	}
	if i == len(s) {
		return n, "", true
	}
	j := i
	for j < len(s) && isSpaceRE(s[j]) {
		j++
	}
	if j == i || j == len(s) || strings.IndexByte(s[j:], '\n') >= 0 {
		return 0, "", false
	}
	return n, s[j:], true
}

// section is a part of a pathway page.
type section int

const (
	secPreamble section = iota // title, duration, summary and (in the compact rendering) focus areas
	secFocus
	secSkillsBehaviours
	secSkills
	secBehaviours
	secProjects
	secAI
	secReading
	secCourses
	secArchetypes
	secUnknown
)

var sectionNames = [...]string{
	secPreamble:         "summary",
	secFocus:            "Focus Areas",
	secSkillsBehaviours: "Skills & Behaviours to Develop",
	secSkills:           "Skills to Develop",
	secBehaviours:       "Behaviours to Demonstrate",
	secProjects:         "Hands-On Projects",
	secAI:               "AI Literacy for This Transition",
	secReading:          "Recommended Reading",
	secCourses:          "Courses & Resources",
	secArchetypes:       "Role Archetypes",
	secUnknown:          "unknown section",
}

func (s section) String() string { return sectionNames[s] }

var headings = map[string]section{
	"focus areas":                      secFocus,
	"skills and behaviours to develop": secSkillsBehaviours,
	"skills and behaviours":            secSkillsBehaviours,
	"skills to develop":                secSkills,
	"behaviours to demonstrate":        secBehaviours,
	"behaviours to develop":            secBehaviours,
	"hands on projects":                secProjects,
	"ai literacy for this transition":  secAI,
	"ai literacy":                      secAI,
	"recommended reading":              secReading,
	"courses and resources":            secCourses,
	"role archetypes":                  secArchetypes,
}

// headingStart marks the first bytes of the keys of headings.
var headingStart = func() (t [256]bool) {
	for k := range headings {
		t[k[0]] = true
	}
	return t
}()

// headingSection returns the section a heading line opens, if it is one:
// the line without its marker, lowercased, without a closing colon, with
// "&" read as "and", hyphens as spaces, "behaviors" as "behaviours" and
// spaces collapsed, names one of headings.
func headingSection(s string) (section, bool) {
	if len(s) > 100 { // the longest heading is well under this many bytes
		return 0, false
	}
	t := trimMarker(s)
	if k, ok := asciiHeadingKey(t); ok {
		sec, found := headings[k]
		return sec, found
	}
	h := strings.ToLower(t)
	h = strings.TrimSuffix(h, ":")
	h = strings.ReplaceAll(h, "&", " and ")
	h = strings.ReplaceAll(h, "-", " ")
	h = strings.ReplaceAll(h, "behaviors", "behaviours")
	h = strings.Join(strings.Fields(h), " ")
	sec, ok := headings[h]
	return sec, ok
}

// asciiHeadingKey is headingSection's normalisation of an ASCII line,
// without allocating for lines that cannot be headings; ok is false when
// t is not ASCII (the caller takes the general path). A key too long to
// be a heading comes back as "" with ok true.
func asciiHeadingKey(t string) (string, bool) {
	const max = 40 // longer than any heading key
	if t != "" && t[0] < utf8.RuneSelf && !headingStart[t[0]|0x20] {
		return "", true // trimMarker left a letter or digit no heading starts with
	}
	var buf [max + 8]byte
	k := buf[:0]
	t = strings.TrimSuffix(t, ":")
	space := false
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c >= utf8.RuneSelf:
			return "", false
		case c == ' ' || c == '-' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r':
			space = len(k) > 0
			continue
		case c == '&':
			if len(k) > 0 {
				k = append(k, ' ')
			}
			k = append(k, "and"...)
			space = true
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		if space {
			k = append(k, ' ')
			space = false
		}
		k = append(k, c)
		if len(k) > max {
			// Non-ASCII later on would not make it shorter: done.
			return "", true
		}
	}
	if i := bytes.Index(k, []byte("behaviors")); i >= 0 {
		return strings.ReplaceAll(string(k), "behaviors", "behaviours"), true
	}
	return string(k), true
}

// isChrome reports whether a line is page navigation rather than content.
func isChrome(s string) bool {
	if strings.HasPrefix(s, "←") {
		return true
	}
	// No character but l, L, b and B folds to the first letter of those
	// below: most lines are told apart by their first byte.
	if len(s) > 30 || s == "" || s[0]|0x20 != 'l' && s[0]|0x20 != 'b' {
		return false
	}
	for _, c := range []string{"learning pathway", "learning pathways", "back to learning pathways"} {
		if strings.EqualFold(s, c) {
			return true
		}
	}
	return false
}

// titleLike reports whether s reads as a title rather than a sentence:
// short, and not ending in sentence punctuation.
func titleLike(s string) bool {
	if s == "" || utf8.RuneCountInString(s) > 120 || wordCount(s) > 16 {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(strings.TrimRight(s, "\"'”’)]*"))
	return !strings.ContainsRune(".!?;:,…", last)
}

// wordCount is len(strings.Fields(s)), without making the slice: the
// line tests ask it of every line.
func wordCount(s string) int {
	n, inWord := 0, false
	for i := 0; i < len(s); {
		c := s[i]
		var space bool
		if c < utf8.RuneSelf {
			space = c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
			i++
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			space = unicode.IsSpace(r)
			i += size
		}
		if !space && !inWord {
			n++
		}
		inWord = !space
	}
	return n
}

// proseLike reports whether s reads as a sentence of several words.
func proseLike(s string) bool {
	last, _ := utf8.DecodeLastRuneInString(strings.TrimRight(s, "\"'”’)]*"))
	return strings.ContainsRune(".!?…", last) && wordCount(s) >= 6
}

// roleLike reports whether s can be a role title: a few words, capitalised,
// without sentence punctuation.
func roleLike(s string) bool {
	if s != strings.TrimSpace(s) || s == "" || utf8.RuneCountInString(s) > 80 || wordCount(s) > 8 {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	if !unicode.IsUpper(first) && !unicode.IsDigit(first) {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	if strings.ContainsAny(s, ",;:!?|[]{}<>\"·") || last == '.' {
		return false
	}
	for _, dash := range []string{" - ", " – ", " — "} {
		if strings.Contains(s, dash) {
			return false
		}
	}
	return true
}

// splitTitle splits "X to Y" on the last " to " (any case) that leaves two
// role-like halves.
func splitTitle(title string) (from, to string, ok bool) {
	for i := len(title) - 4; i > 0; i-- {
		if title[i] != ' ' || title[i+3] != ' ' || !strings.EqualFold(title[i+1:i+3], "to") {
			continue
		}
		from, to = title[:i], title[i+4:]
		if roleLike(from) && roleLike(to) {
			return from, to, true
		}
	}
	return "", "", false
}

var slugRE = regexp.MustCompile(`^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$`)

// titleFromName derives "Junior Software Engineer to Intermediate Software
// Engineer" from a pathway slug such as
// "junior-software-engineer-to-intermediate-software-engineer.txt" or
// "https://…/learn/pathway-platform-intermediate-to-senior".
func titleFromName(name string) (string, bool) {
	base := path.Base(strings.ReplaceAll(stripQuery(name), "\\", "/"))
	if ext := path.Ext(base); ext != "" && !strings.Contains(ext, "-") {
		base = strings.TrimSuffix(base, ext)
	}
	base = strings.TrimPrefix(strings.ToLower(base), "pathway-")
	if !slugRE.MatchString(base) || !strings.Contains(base, "-to-") {
		return "", false
	}
	words := strings.Split(base, "-")
	for i, w := range words {
		if w != "to" {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	title := strings.Join(words, " ")
	if _, _, ok := splitTitle(title); !ok {
		return "", false
	}
	return title, true
}

var durationRE = regexp.MustCompile(`^(\d{1,3})(?:\s*(?:-|–|—|to)\s*(\d{1,3}))?(\+)?\s*(months?|years?)(?:$|[^\p{Ll}])`)

// parseDuration reads "18-36 months Platform Engineering" (after any emoji)
// into a Duration and the discipline that follows it.
func parseDuration(s string) (Duration, string, bool) {
	t := trimMarker(s)
	m := durationRE.FindStringSubmatchIndex(t)
	if m == nil {
		return Duration{}, "", false
	}
	num := func(k int) int {
		if m[2*k] < 0 {
			return 0
		}
		v, _ := strconv.Atoi(t[m[2*k]:m[2*k+1]])
		return v
	}
	end := m[9] // the unit's end; the pattern may have matched one more character
	d := Duration{Text: t[:end], MinMonths: num(1), MaxMonths: num(2)}
	plus := m[6] >= 0
	if d.MaxMonths == 0 && !plus {
		d.MaxMonths = d.MinMonths
	}
	if strings.HasPrefix(t[m[8]:m[9]], "year") {
		d.MinMonths *= 12
		d.MaxMonths *= 12
	}
	rest := strings.TrimLeft(t[end:], " ·|•-–—,")
	return d, strings.TrimSpace(rest), true
}
