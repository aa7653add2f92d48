package pathway

import (
	"fmt"
	"strings"
)

// builder turns a document's lines into a Pathway, section by section. The
// page-text and HTML importers share it; HTML adds heading levels and links.
type builder struct {
	file  string
	p     Pathway
	warns []Warning

	sec         section
	secLine     int  // line that opened sec
	titleLine   int  // line of the title, 0 when none
	sawDuration bool // the duration line has been read
	sawProse    bool // the summary has started
	pending     bool // a bare item number awaits its text
	pendingLine int  // the line of that number (0 when unknown)
	triple      int  // position in a reading/course entry: 0 title next, 1 authors/provider, 2 description
	lastLine    int
	docURL      string // the document's own URL, when it names one
	usedDocURL  bool   // a line was read differently for docURL being set or not
	resolveHref func(string) (string, bool)
	// fallbackTitle is the HTML <title>, used when the body names no title.
	fallbackTitle string

	// Paragraphs are collected here and joined once in finish: joining as
	// they come copied the text so far for every line, quadratic in the
	// length of a section.
	summary   paras // Summary
	focusText paras // the Text of the last of FocusAreas
	intro     paras // Archetypes.Intro

	// suffixed[i] tells whether the link of Archetypes.Roles[i] ended in
	// "Archetype": then it is whole, not the start a cut-off page ends in.
	suffixed      []bool
	archetypeLine int // the line of the first archetype link

	finishing bool // finish has begun: warnings are no longer capped
	dropped   int  // line warnings beyond maxLineWarnings
}

func newBuilder(file string) *builder {
	return &builder{file: file, p: Pathway{APIVersion: APIVersion, Kind: Kind}}
}

// maxLineWarnings caps the warnings that lines of one document raise: a
// page of a hundred thousand unknown sections needs a few examples and a
// count, not a hundred thousand lines. Warnings about the whole document,
// raised when it is finished, are never dropped.
const maxLineWarnings = 20

func (b *builder) warn(n int, format string, args ...any) {
	if !b.finishing && len(b.warns) >= maxLineWarnings {
		b.dropped++
		return
	}
	b.warns = append(b.warns, Warning{File: b.file, Line: n, Msg: fmt.Sprintf(format, args...)})
}

// add feeds one line to the builder.
func (b *builder) add(l line) {
	t := l.text
	if t == "" {
		return
	}
	if l.n > 0 {
		b.lastLine = l.n
	}
	if isChrome(t) {
		return
	}
	if b.sec == secPreamble && !strings.ContainsAny(t, " \t") && isAbsHTTP(t) {
		b.usedDocURL = true
		if b.docURL == "" {
			b.docURL = t
			return
		}
	}
	if sec, ok := headingSection(t); ok && (l.heading > 0 || !l.item) {
		b.open(sec, l.n)
		return
	}
	switch b.sec {
	case secPreamble:
		b.preamble(l)
	case secFocus:
		b.focus(l)
	case secSkillsBehaviours:
		if _, bullet := stripBullet(t); bullet || l.item {
			b.warn(l.n, "list item before the %q heading: read as a skill", secSkills.String())
			b.p.Skills = append(b.p.Skills, bulletText(l))
			return
		}
		b.unknownHeading(l)
	case secSkills:
		if b.unknownHeading(l) {
			return
		}
		b.p.Skills = append(b.p.Skills, bulletText(l))
	case secBehaviours:
		if b.unknownHeading(l) {
			return
		}
		b.p.Behaviours = append(b.p.Behaviours, bulletText(l))
	case secProjects:
		if b.unknownHeading(l) {
			return
		}
		b.p.Projects = b.numbered(b.p.Projects, l)
	case secAI:
		if b.unknownHeading(l) {
			return
		}
		if b.p.AILiteracy == nil {
			b.p.AILiteracy = &AILiteracy{}
		}
		ai := b.p.AILiteracy
		if _, _, numbered := itemNumber(t); ai.Theme == "" && len(ai.Items) == 0 && !b.pending && !l.item && !numbered {
			ai.Theme = t
			return
		}
		ai.Items = b.numbered(ai.Items, l)
	case secReading, secCourses:
		b.entry(l)
	case secArchetypes:
		b.archetypes(l)
	case secUnknown:
		// Skipped; open() warned once.
	}
}

// open starts a section.
func (b *builder) open(sec section, n int) {
	b.closeSection()
	b.sec, b.secLine = sec, n
	b.triple = 0
}

// closeSection finishes the current section: a bare item number that never
// got its text is dropped.
func (b *builder) closeSection() {
	if b.pending {
		b.warn(b.pendingLine, "item number without text in %q: dropped", b.sec.String())
		b.pending = false
	}
}

// unknownHeading treats an emoji-led or marked-up heading that names no
// known section as the start of an unknown section, skipped with a warning.
func (b *builder) unknownHeading(l line) bool {
	if l.heading == 0 && !(startsWithSymbol(l.text) && titleLike(l.text)) {
		return false
	}
	b.open(secUnknown, l.n)
	b.warn(l.n, "unknown section %q: skipped", l.text)
	return true
}

// preamble reads the title, the duration line, the summary and, in the
// compact rendering that drops the Focus Areas heading, the focus areas.
func (b *builder) preamble(l line) {
	t := l.text
	if !b.sawProse && !b.sawDuration {
		if d, disc, ok := parseDuration(t); ok {
			b.setDuration(l.n, d, disc)
			return
		}
		// An h1 replaces an earlier title that did not read as "X to Y".
		if b.p.Title == "" && l.heading <= 1 && titleLike(t) && !l.item || l.heading == 1 && b.p.From.Title == "" {
			b.setTitle(l.n, t)
			return
		}
	}
	if !b.sawProse {
		if l.heading > 1 {
			// A marked-up heading before any summary: a focus area title.
			b.sec, b.secLine = secFocus, l.n
			b.focus(l)
			return
		}
		b.sawProse = true
		b.summary.add(t)
		return
	}
	if l.heading > 0 || titleLike(t) {
		// Compact rendering: focus areas follow the summary without a heading.
		b.sec, b.secLine = secFocus, l.n
		b.focus(l)
		return
	}
	b.summary.add(t)
}

func (b *builder) setTitle(n int, t string) {
	b.p.Title = t
	b.titleLine = n
	if from, to, ok := splitTitle(t); ok {
		b.p.From.Title, b.p.To.Title = from, to
	}
}

func (b *builder) setDuration(n int, d Duration, disc string) {
	b.sawDuration = true
	if d.MaxMonths > 0 && d.MinMonths > d.MaxMonths {
		b.warn(n, "duration %q runs backwards: months not set", d.Text)
		d.MinMonths, d.MaxMonths = 0, 0
	}
	b.p.Duration = d
	b.p.Discipline = disc
}

// focus reads focus areas: a title line, then its paragraph(s).
func (b *builder) focus(l line) {
	t := l.text
	if b.unknownSymbolHeading(l) {
		return
	}
	if l.heading > 0 || (titleLike(t) && !l.item) {
		b.flushFocus()
		b.p.FocusAreas = append(b.p.FocusAreas, FocusArea{Title: t})
		return
	}
	if len(b.p.FocusAreas) == 0 {
		b.warn(l.n, "text before the first focus area title: added to the summary")
		b.summary.add(t)
		return
	}
	b.focusText.add(bulletText(l))
}

// unknownSymbolHeading is unknownHeading for emoji-led lines only (focus
// titles may be marked-up headings).
func (b *builder) unknownSymbolHeading(l line) bool {
	if startsWithSymbol(l.text) && titleLike(l.text) {
		b.open(secUnknown, l.n)
		b.warn(l.n, "unknown section %q: skipped", l.text)
		return true
	}
	return false
}

// numbered reads items numbered "1 text", "1" then text, bullets, or bare lines.
func (b *builder) numbered(items []string, l line) []string {
	t := l.text
	next := len(items) + 1
	if b.pending {
		b.pending = false
		return append(items, bulletText(l))
	}
	if n, text, ok := itemNumber(t); ok && n == next {
		if text == "" {
			b.pending, b.pendingLine = true, l.n
			return items
		}
		return append(items, text)
	}
	return append(items, bulletText(l))
}

// entry reads reading and course entries: title, authors or provider, description.
func (b *builder) entry(l line) {
	if b.unknownSymbolHeading(l) {
		return
	}
	t := bulletText(l)
	if l.heading > 0 {
		b.triple = 0
	}
	switch b.triple {
	case 0:
		if b.sec == secReading {
			b.p.Reading = append(b.p.Reading, Book{Title: t})
		} else {
			b.p.Courses = append(b.p.Courses, Course{Title: t})
		}
		b.triple = 1
	case 1:
		if proseLike(t) {
			b.setDescription(t)
			b.triple = 0
			return
		}
		if b.sec == secReading {
			b.p.Reading[len(b.p.Reading)-1].Authors = t
		} else {
			b.p.Courses[len(b.p.Courses)-1].Provider = t
		}
		b.triple = 2
	case 2:
		b.setDescription(t)
		b.triple = 0
	}
}

func (b *builder) setDescription(t string) {
	if b.sec == secReading {
		b.p.Reading[len(b.p.Reading)-1].Description = t
	} else {
		b.p.Courses[len(b.p.Courses)-1].Description = t
	}
}

// archetypes reads the intro and the "→ X Archetype" links.
func (b *builder) archetypes(l line) {
	if b.p.Archetypes == nil {
		b.p.Archetypes = &Archetypes{}
	}
	if len(l.links) > 0 {
		for _, k := range l.links {
			title := roleTitle(k.text)
			if title == "" {
				continue
			}
			r := Role{Title: title}
			if b.resolveHref != nil {
				if u, ok := b.resolveHref(k.href); ok {
					r.URL = u
				} else if k.href != "" {
					b.warn(l.n, "link %q for role %q is not an http(s) URL and the page names no base URL to resolve it: dropped", k.href, title)
				}
			}
			b.addArchetype(l.n, r, title != strings.TrimSpace(strings.Trim(strings.TrimSpace(k.text), "→")))
		}
		return
	}
	parts := strings.Split(l.text, "→")
	if intro := strings.TrimSpace(parts[0]); intro != "" {
		b.intro.add(intro)
	}
	for _, p := range parts[1:] {
		if title := roleTitle(p); title != "" {
			b.addArchetype(l.n, Role{Title: title}, title != strings.TrimSpace(strings.Trim(strings.TrimSpace(p), "→")))
		}
	}
}

// addArchetype adds an archetype link; suffixed tells whether its text
// ended in "Archetype" (see matchArchetypes).
func (b *builder) addArchetype(n int, r Role, suffixed bool) {
	a := b.p.Archetypes
	if len(a.Roles) == 0 {
		b.archetypeLine = n
	}
	a.Roles = append(a.Roles, r)
	b.suffixed = append(b.suffixed, suffixed)
}

// roleTitle turns "→ Senior Platform Engineer Archetype" into "Senior Platform Engineer".
func roleTitle(s string) string {
	s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), "→"))
	if t := strings.TrimSpace(trimSuffixFold(s, " archetype")); t != "" {
		return t
	}
	return s
}

// trimSuffixFold removes suffix from s ignoring ASCII case.
func trimSuffixFold(s, suffix string) string {
	if len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix) {
		return s[:len(s)-len(suffix)]
	}
	return s
}

// bulletText is a line's text without its list marker.
func bulletText(l line) string {
	t, _ := stripBullet(l.text)
	if t == "" {
		return l.text
	}
	return t
}

// paras collects paragraphs; String joins them, separated by a blank line.
// One paragraph, the usual case, is kept without a slice.
type paras struct {
	one  string
	more []string // every paragraph, once there are two
}

func (p *paras) add(t string) {
	switch {
	case p.one == "" && p.more == nil:
		p.one = t
	case p.more == nil:
		p.more = []string{p.one, t}
	default:
		p.more = append(p.more, t)
	}
}

func (p *paras) String() string {
	if p.more == nil {
		return p.one
	}
	return strings.Join(p.more, "\n\n")
}

// flushFocus sets the Text of the last focus area from its paragraphs.
func (b *builder) flushFocus() {
	if n := len(b.p.FocusAreas); n > 0 {
		b.p.FocusAreas[n-1].Text = b.focusText.String()
	}
	b.focusText = paras{}
}

// finish completes the pathway: title fallbacks, role URLs, cut-off
// detection and validation.
func (b *builder) finish() (*Pathway, []Warning, error) {
	b.closeSection()
	b.finishing = true
	if b.dropped > 0 {
		b.warn(b.lastLine, "%d more warnings like those above not shown", b.dropped)
	}
	p := &b.p
	p.Summary = b.summary.String()
	b.flushFocus()
	if p.Archetypes != nil {
		p.Archetypes.Intro = b.intro.String()
	}
	if p.Title == "" || p.From.Title == "" {
		if t, ok := titleFromHead(b.fallbackTitle); ok {
			b.setTitle(0, t)
		}
	}
	if p.Title == "" {
		title, ok := titleFromName(b.file)
		if !ok {
			return nil, b.warns, &Error{File: b.file, Field: "title", Msg: "no title found", Err: ErrNoTitle}
		}
		b.warn(0, "no title in the document: title %q derived from the source name", title)
		b.setTitle(0, title)
	}
	if p.From.Title == "" || p.To.Title == "" {
		return nil, b.warns, &Error{File: b.file, Line: b.titleLine, Field: "title",
			Msg: fmt.Sprintf("cannot read %q as \"<from role> to <to role>\"", p.Title)}
	}
	complete := b.sec == secArchetypes
	if a := p.Archetypes; a != nil {
		from, to := matchArchetypes(p, b.suffixed)
		for _, end := range []struct {
			role *Role
			link int
		}{{&p.From, from}, {&p.To, to}} {
			if end.link < 0 {
				complete = false
				continue
			}
			r := a.Roles[end.link]
			if !strings.EqualFold(r.Title, end.role.Title) {
				end.role.Archetype = r.Title
			}
			if end.role.URL == "" {
				end.role.URL = r.URL
			}
		}
		if a.Intro == "" && len(a.Roles) == 0 {
			p.Archetypes = nil
		}
	} else {
		complete = false
	}
	if p.AILiteracy != nil && p.AILiteracy.Theme == "" && len(p.AILiteracy.Items) == 0 {
		p.AILiteracy = nil
	}
	switch {
	case !complete:
		p.Incomplete = b.sec.String()
		b.warn(b.lastLine, "page appears cut off: it ends in %q without the closing Role Archetypes links to both roles; imported what is there", b.sec.String())
	case p.From.Archetype != "" || p.To.Archetype != "":
		var names []string
		for _, r := range []Role{p.From, p.To} {
			if r.Archetype != "" {
				names = append(names, fmt.Sprintf("%q for %q", r.Archetype, r.Title))
			}
		}
		b.warn(b.archetypeLine, "role archetype links name roles other than the title: %s; the roles keep the title's names", strings.Join(names, ", "))
	}
	p.Source = b.file
	if b.docURL != "" {
		p.Source = b.docURL
	}
	if err := p.validate(b.file); err != nil {
		return nil, b.warns, err
	}
	return p, b.warns, nil
}

// titleFromHead finds "X to Y" in an HTML <title> such as
// "Intermediate Platform Engineer to Senior Platform Engineer | Site".
func titleFromHead(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	if _, _, ok := splitTitle(s); ok {
		return s, true
	}
	for _, sep := range []string{" | ", " – ", " — ", " - ", " · ", " :: "} {
		for _, part := range strings.Split(s, sep) {
			part = strings.TrimSpace(part)
			if _, _, ok := splitTitle(part); ok {
				return part, true
			}
		}
	}
	return "", false
}

// matchArchetypes finds the archetype links of p's from-role and to-role
// (indexes into p.Archetypes.Roles, -1 when none): a link naming the role
// as the title does, else, as the section lists the from-role first and
// the to-role last, the first or last link left over. A left-over link
// counts only when it ended in "Archetype" (suffixed) or cannot be the
// cut-off start of "<role> Archetype".
func matchArchetypes(p *Pathway, suffixed []bool) (from, to int) {
	roles := p.Archetypes.Roles
	from, to = -1, -1
	for i, r := range roles {
		if from < 0 && strings.EqualFold(r.Title, p.From.Title) {
			from = i
		}
		if strings.EqualFold(r.Title, p.To.Title) && i != from {
			to = i
		}
	}
	usable := func(i int, role string) bool {
		return i != from && i != to && (suffixed[i] || !hasPrefixFold(role+" Archetype", roles[i].Title))
	}
	if from < 0 {
		for i := range roles {
			if (to < 0 || i < to) && usable(i, p.From.Title) {
				from = i
				break
			}
		}
	}
	if to < 0 {
		for i := len(roles) - 1; i > from; i-- {
			if usable(i, p.To.Title) {
				to = i
				break
			}
		}
	}
	return from, to
}

// hasPrefixFold reports whether s starts with prefix, ignoring case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// parseText imports the published page text (either rendering).
func parseText(name string, data []byte) (*Pathway, []Warning, error) {
	b := newBuilder(name)
	for l := range textLines(data) {
		b.add(l)
	}
	return b.finish()
}
