package manifest

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"

	"github.com/pathwaysync/pathwaysync/pathway"
)

// fpLen is the size of a fingerprint in bytes (it is written as twice as
// many hex digits).
const fpLen = 6

// Compact is a Pathway held in little memory: ForPathway's content with
// each fingerprint held as 6 bytes instead of a string in a map, for the
// pathways of a large tree waiting to be written. Expand gives the
// Pathway, which is what Write writes.
type Compact struct {
	Name, Title, Source string
	summary             [fpLen]byte
	hasSummary          bool
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
// Its fingerprints share one string, and each section's list is sized
// exactly: the manifest of a large tree expands every pathway.
func (c *Compact) Expand() Pathway {
	n := len(c.items) / (fpLen + 1)
	var counts [secRoles + 1]int
	present := 0
	raw := make([]byte, 0, n*fpLen)
	for i := 0; i+fpLen < len(c.items); i += fpLen + 1 {
		if counts[c.items[i]]++; counts[c.items[i]] == 1 {
			present++
		}
		raw = append(raw, c.items[i+1:i+1+fpLen]...)
	}
	mp := Pathway{Name: c.Name, Title: c.Title, Source: c.Source, Sections: make(map[string][]string, present)}
	if c.hasSummary {
		mp.Summary = hex.EncodeToString(c.summary[:])
	}
	all := hex.EncodeToString(raw)
	lists := make([]string, n)
	for sec, k := range counts {
		if k > 0 {
			mp.Sections[SectionNames[sec]], lists = lists[:0:k], lists[k:]
		}
	}
	const w = 2 * fpLen
	for i, j := 0, 0; i+fpLen < len(c.items); i, j = i+fpLen+1, j+w {
		sec := SectionNames[c.items[i]]
		mp.Sections[sec] = append(mp.Sections[sec], all[j:j+w])
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
