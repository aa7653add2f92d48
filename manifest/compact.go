package manifest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"slices"
	"sort"
	"strconv"

	"github.com/pathwaysync/pathwaysync/pathway"
)

// fpLen is the size of a fingerprint in bytes (it is written as twice as
// many hex digits).
const fpLen = 6

// Compact is one pathway's fingerprints in little memory: ForPathway's
// content with each fingerprint held as 6 bytes instead of a string in a
// map, for building the manifest of a large tree. Expand gives ForPathway's
// value.
type Compact struct {
	Name, Title string
	summary     [fpLen]byte
	hasSummary  bool
	// items hold, per item in page order, its section's index in
	// SectionNames and its fingerprint.
	items []byte
}

// CompactFor fingerprints p under the entity name name; see ForPathway.
func CompactFor(name string, p *pathway.Pathway) Compact {
	var f fingerprinter
	f.items = make([]byte, 0, (fpLen+1)*itemCount(p))
	f.pathway(p)
	c := Compact{Name: name, Title: p.Title, items: f.items}
	if p.Summary != "" {
		c.summary, c.hasSummary = f.sum(p.Summary), true
	}
	return c
}

// Expand returns the Pathway that ForPathway gives for the same input.
func (c *Compact) Expand() Pathway {
	mp := Pathway{Name: c.Name, Title: c.Title, Sections: map[string][]string{}}
	if c.hasSummary {
		mp.Summary = hex.EncodeToString(c.summary[:])
	}
	for i := 0; i+fpLen < len(c.items); i += fpLen + 1 {
		sec := SectionNames[c.items[i]]
		mp.Sections[sec] = append(mp.Sections[sec], hex.EncodeToString(c.items[i+1:i+1+fpLen]))
	}
	return mp
}

// itemCount is an upper bound of the items fingerprinted for p.
func itemCount(p *pathway.Pathway) int {
	n := 6 + len(p.FocusAreas) + len(p.Skills) + len(p.Behaviours) + len(p.Projects) + len(p.Reading) + len(p.Courses)
	if p.AILiteracy != nil {
		n += len(p.AILiteracy.Items)
	}
	if p.Archetypes != nil {
		n += len(p.Archetypes.Roles)
	}
	return n
}

// Section indexes in SectionNames.
const (
	secDuration = iota
	secDiscipline
	secFocus
	secSkills
	secBehaviours
	secProjects
	secAI
	secReading
	secCourses
	secRoles
)

// fingerprinter hashes items with a reused buffer; it is the one place
// that decides which items of a pathway are fingerprinted, and how.
type fingerprinter struct {
	buf   []byte
	items []byte
}

// sum is Fingerprint's hash of parts, before hex encoding and cutting.
func (f *fingerprinter) sum(parts ...string) [fpLen]byte {
	f.buf = f.buf[:0]
	for _, p := range parts {
		f.buf = strconv.AppendInt(f.buf, int64(len(p)), 10)
		f.buf = append(f.buf, ':')
		f.buf = append(f.buf, p...)
		f.buf = append(f.buf, ';')
	}
	h := sha256.Sum256(f.buf)
	return [fpLen]byte(h[:fpLen])
}

func (f *fingerprinter) add(section byte, parts ...string) {
	s := f.sum(parts...)
	f.items = append(f.items, section)
	f.items = append(f.items, s[:]...)
}

// pathway fingerprints p's items in page order.
func (f *fingerprinter) pathway(p *pathway.Pathway) {
	if !p.Duration.IsZero() {
		f.add(secDuration, p.Duration.Text, strconv.Itoa(p.Duration.MinMonths)+" "+strconv.Itoa(p.Duration.MaxMonths))
	}
	if p.Discipline != "" {
		f.add(secDiscipline, p.Discipline)
	}
	for _, a := range p.FocusAreas {
		f.add(secFocus, a.Title, a.Text)
	}
	for _, v := range p.Skills {
		f.add(secSkills, v)
	}
	for _, v := range p.Behaviours {
		f.add(secBehaviours, v)
	}
	for _, v := range p.Projects {
		f.add(secProjects, v)
	}
	if p.AILiteracy != nil {
		if p.AILiteracy.Theme != "" {
			f.add(secAI, "theme", p.AILiteracy.Theme)
		}
		for _, v := range p.AILiteracy.Items {
			f.add(secAI, v)
		}
	}
	for _, b := range p.Reading {
		f.add(secReading, b.Title, b.Authors, b.Description)
	}
	for _, c := range p.Courses {
		f.add(secCourses, c.Title, c.Provider, c.Description)
	}
	f.add(secRoles, "from", p.From.Title, p.From.URL)
	f.add(secRoles, "to", p.To.Title, p.To.URL)
	if p.Archetypes != nil {
		f.add(secRoles, "intro", p.Archetypes.Intro)
		for _, r := range p.Archetypes.Roles {
			f.add(secRoles, r.Title, r.URL)
		}
	}
}

// WriteCompact writes the manifest of files and pathways to w byte for
// byte as Manifest.Marshal would, without building the whole Manifest;
// it sorts files and pathways in place.
func WriteCompact(w io.Writer, files []string, pathways []Compact) error {
	sort.Strings(files)
	sort.Slice(pathways, func(i, j int) bool { return pathways[i].Name < pathways[j].Name })
	e := jsonWriter{w: w, buf: make([]byte, 0, 2*flushSize)}
	e.raw("{")
	e.nl(1)
	e.raw(`"generator": `)
	e.str(Generator)
	e.raw(",")
	e.nl(1)
	e.raw(`"version": `)
	e.raw(strconv.Itoa(Version))
	e.raw(",")
	e.nl(1)
	e.raw(`"files": `)
	e.strings(files, 1)
	e.raw(",")
	e.nl(1)
	e.raw(`"pathways": `)
	switch {
	case pathways == nil:
		e.raw("null")
	case len(pathways) == 0:
		e.raw("[]")
	default:
		e.raw("[")
		for i := range pathways {
			if i > 0 {
				e.raw(",")
			}
			e.pathway(&pathways[i])
			e.flushFull()
		}
		e.nl(1)
		e.raw("]")
	}
	e.raw("\n}\n")
	e.flush()
	return e.err
}

// indent is Marshal's indent unit.
const indent = " "

// jsonWriter writes json.MarshalIndent(v, "", indent)'s layout piece by
// piece into a buffer it hands to w in chunks of about flushSize bytes.
type jsonWriter struct {
	w   io.Writer
	buf []byte
	err error // the first write error; later writes are dropped
}

const flushSize = 64 << 10

func (e *jsonWriter) raw(s string) { e.buf = append(e.buf, s...) }

// flushFull writes the buffer out once it holds flushSize bytes.
func (e *jsonWriter) flushFull() {
	if len(e.buf) >= flushSize {
		e.flush()
	}
}

func (e *jsonWriter) flush() {
	if e.err == nil && len(e.buf) > 0 {
		_, e.err = e.w.Write(e.buf)
	}
	e.buf = e.buf[:0]
}

// str writes s as a JSON string the way encoding/json does.
func (e *jsonWriter) str(s string) {
	if plainJSON(s) {
		e.buf = append(e.buf, '"')
		e.buf = append(e.buf, s...)
		e.buf = append(e.buf, '"')
		return
	}
	b, err := json.Marshal(s)
	if err != nil && e.err == nil {
		e.err = err
	}
	e.buf = append(e.buf, b...)
}

// plainJSON reports whether encoding/json writes s between quotes as is.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// nl starts a new line indented to level.
func (e *jsonWriter) nl(level int) {
	e.buf = append(e.buf, '\n')
	for range level {
		e.buf = append(e.buf, indent...)
	}
}

// strings writes a string array at indent level.
func (e *jsonWriter) strings(ss []string, level int) {
	switch {
	case ss == nil:
		e.raw("null")
		return
	case len(ss) == 0:
		e.raw("[]")
		return
	}
	e.raw("[")
	for i, s := range ss {
		if i > 0 {
			e.raw(",")
		}
		e.nl(level + 1)
		e.str(s)
		e.flushFull()
	}
	e.nl(level)
	e.raw("]")
}

func (e *jsonWriter) fp(b []byte) {
	e.buf = append(e.buf, '"')
	e.buf = hex.AppendEncode(e.buf, b)
	e.buf = append(e.buf, '"')
}

func (e *jsonWriter) pathway(c *Compact) {
	e.nl(2)
	e.raw("{")
	e.nl(3)
	e.raw(`"name": `)
	e.str(c.Name)
	e.raw(",")
	e.nl(3)
	e.raw(`"title": `)
	e.str(c.Title)
	if c.hasSummary {
		e.raw(",")
		e.nl(3)
		e.raw(`"summary": `)
		e.fp(c.summary[:])
	}
	// Sections present, in the order encoding/json sorts map keys.
	var present [secRoles + 1]bool
	for i := 0; i+fpLen < len(c.items); i += fpLen + 1 {
		present[c.items[i]] = true
	}
	secs := make([]int, 0, len(SectionNames))
	for i, ok := range present {
		if ok {
			secs = append(secs, i)
		}
	}
	if len(secs) > 0 {
		slices.SortFunc(secs, func(a, b int) int {
			if SectionNames[a] < SectionNames[b] {
				return -1
			}
			return 1
		})
		e.raw(",")
		e.nl(3)
		e.raw(`"sections": {`)
		for k, sec := range secs {
			if k > 0 {
				e.raw(",")
			}
			e.nl(4)
			e.str(SectionNames[sec])
			e.raw(": [")
			first := true
			for i := 0; i+fpLen < len(c.items); i += fpLen + 1 {
				if int(c.items[i]) != sec {
					continue
				}
				if !first {
					e.raw(",")
				}
				first = false
				e.nl(5)
				e.fp(c.items[i+1 : i+1+fpLen])
			}
			e.nl(4)
			e.raw("]")
		}
		e.nl(3)
		e.raw("}")
	}
	e.nl(2)
	e.raw("}")
}
