package pathway

import (
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

// textLines splits page text into non-blank lines, normalising CRLF, CR,
// a BOM and non-breaking spaces.
func textLines(data []byte) []line {
	s := strings.TrimPrefix(string(data), "\uFEFF")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var out []line
	for i, raw := range strings.Split(s, "\n") {
		t := cleanSpace(raw)
		if t == "" {
			continue
		}
		out = append(out, line{n: i + 1, text: t})
	}
	return out
}

// cleanSpace maps non-breaking and zero-width spaces to plain spaces or
// nothing, drops other control characters and trims the ends.
func cleanSpace(s string) string {
	clean := true
	for _, r := range s {
		if r == '\u00a0' || r == '\u200b' || r == '\ufeff' || (unicode.IsControl(r) && r != ' ') {
			clean = false
			break
		}
	}
	if !clean {
		s = strings.Map(func(r rune) rune {
			switch {
			case r == '\u00a0' || r == '\t':
				return ' '
			case r == '\u200b' || r == '\ufeff':
				return -1
			case unicode.IsControl(r):
				return -1
			}
			return r
		}, s)
	}
	return strings.TrimSpace(s)
}

// trimMarker strips leading symbols (emoji, arrows, variation selectors)
// and spaces: what is left starts with a letter or digit.
func trimMarker(s string) string {
	return strings.TrimLeftFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// startsWithSymbol reports whether s opens with an emoji or other symbol.
func startsWithSymbol(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r) || r >= 0x1F000
}

var bulletRE = regexp.MustCompile(`^(?:[•‣◦▪●·*+\-–—]|\d{1,3}[.)])\s+`)

// stripBullet removes a list marker ("•", "-", "*", "1.") and reports whether one was there.
func stripBullet(s string) (string, bool) {
	if m := bulletRE.FindString(s); m != "" {
		return strings.TrimSpace(s[len(m):]), true
	}
	return s, false
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

// headingSection returns the section a heading line opens, if it is one.
func headingSection(s string) (section, bool) {
	if len(s) > 100 { // the longest heading is well under this many bytes
		return 0, false
	}
	h := strings.ToLower(trimMarker(s))
	h = strings.TrimSuffix(h, ":")
	h = strings.ReplaceAll(h, "&", " and ")
	h = strings.ReplaceAll(h, "-", " ")
	h = strings.ReplaceAll(h, "behaviors", "behaviours")
	h = strings.Join(strings.Fields(h), " ")
	sec, ok := headings[h]
	return sec, ok
}

// isChrome reports whether a line is page navigation rather than content.
func isChrome(s string) bool {
	if strings.HasPrefix(s, "←") {
		return true
	}
	if len(s) > 30 {
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
	if s == "" || utf8.RuneCountInString(s) > 120 || len(strings.Fields(s)) > 16 {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(strings.TrimRight(s, "\"'”’)]*"))
	return !strings.ContainsRune(".!?;:,…", last)
}

// proseLike reports whether s reads as a sentence of several words.
func proseLike(s string) bool {
	last, _ := utf8.DecodeLastRuneInString(strings.TrimRight(s, "\"'”’)]*"))
	return strings.ContainsRune(".!?…", last) && len(strings.Fields(s)) >= 6
}

// roleLike reports whether s can be a role title: a few words, capitalised,
// without sentence punctuation.
func roleLike(s string) bool {
	if s != strings.TrimSpace(s) || s == "" || utf8.RuneCountInString(s) > 80 || len(strings.Fields(s)) > 8 {
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
