package exporter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/internal/yamlemit"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// mkdocsConfig is the whole mkdocs.yml: only the keys TechDocs keeps.
type mkdocsConfig struct {
	SiteName        string     `json:"site_name"`
	SiteDescription string     `json:"site_description,omitempty"`
	DocsDir         string     `json:"docs_dir"`
	Nav             []navEntry `json:"nav"`
	Plugins         []string   `json:"plugins"`
}

// navEntry is one page of the nav, written as {title: file}.
type navEntry struct{ title, file string }

func (n navEntry) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{n.title: n.file})
}

func (n *navEntry) UnmarshalJSON(b []byte) error {
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	if len(m) != 1 {
		return fmt.Errorf("nav entry: want one title, got %d", len(m))
	}
	for title, file := range m {
		n.title, n.file = title, file
	}
	return nil
}

// page is a section page of a pathway's docs.
type page struct {
	file, title string
	path        string // "docs/" + file
	present     func(p *pathway.Pathway) bool
	body        func(b *bytes.Buffer, p *pathway.Pathway, l roleLinker)
	count       func(p *pathway.Pathway) int // items, for the links to the page
}

// pages lists the section pages in nav order, which is the source page's
// order; each is written only when its section has content.
var pages = []page{
	{"focus-areas.md", "Focus areas", "docs/focus-areas.md", func(p *pathway.Pathway) bool { return len(p.FocusAreas) > 0 },
		func(b *bytes.Buffer, p *pathway.Pathway, _ roleLinker) { focusAreasPage(b, p) }, func(p *pathway.Pathway) int { return len(p.FocusAreas) }},
	{"skills.md", "Skills", "docs/skills.md", func(p *pathway.Pathway) bool { return len(p.Skills) > 0 },
		func(b *bytes.Buffer, p *pathway.Pathway, _ roleLinker) { bullets(b, p.Skills) }, func(p *pathway.Pathway) int { return len(p.Skills) }},
	{"behaviours.md", "Behaviours", "docs/behaviours.md", func(p *pathway.Pathway) bool { return len(p.Behaviours) > 0 },
		func(b *bytes.Buffer, p *pathway.Pathway, _ roleLinker) { bullets(b, p.Behaviours) }, func(p *pathway.Pathway) int { return len(p.Behaviours) }},
	{"projects.md", "Hands-on projects", "docs/projects.md", func(p *pathway.Pathway) bool { return len(p.Projects) > 0 },
		func(b *bytes.Buffer, p *pathway.Pathway, _ roleLinker) { numbered(b, p.Projects) }, func(p *pathway.Pathway) int { return len(p.Projects) }},
	{"ai-literacy.md", "AI literacy", "docs/ai-literacy.md", func(p *pathway.Pathway) bool {
		return p.AILiteracy != nil && (p.AILiteracy.Theme != "" || len(p.AILiteracy.Items) > 0)
	}, func(b *bytes.Buffer, p *pathway.Pathway, _ roleLinker) { aiLiteracyPage(b, p) }, func(p *pathway.Pathway) int { return len(p.AILiteracy.Items) }},
	{"reading.md", "Recommended reading", "docs/reading.md", func(p *pathway.Pathway) bool { return len(p.Reading) > 0 },
		func(b *bytes.Buffer, p *pathway.Pathway, _ roleLinker) { readingPage(b, p) }, func(p *pathway.Pathway) int { return len(p.Reading) }},
	{"courses.md", "Courses and resources", "docs/courses.md", func(p *pathway.Pathway) bool { return len(p.Courses) > 0 },
		func(b *bytes.Buffer, p *pathway.Pathway, _ roleLinker) { coursesPage(b, p) }, func(p *pathway.Pathway) int { return len(p.Courses) }},
	{"role-archetypes.md", "Role archetypes", "docs/role-archetypes.md", func(p *pathway.Pathway) bool {
		return p.Archetypes != nil && (p.Archetypes.Intro != "" || len(p.Archetypes.Roles) > 0)
	}, archetypesPage, func(p *pathway.Pathway) int { return len(p.Archetypes.Roles) }},
}

// roleLinker gives the entity page of a role named in a pathway's text
// ("" when it is not one of the tree's roles or there is no Backstage URL)
// and the role's archetype page as the tree knows it ("" when unknown).
type roleLinker func(title string) (entity, archetype string)

// techdocs renders mkdocs.yml and docs/*.md for one pathway; paths are
// relative to the pathway's folder.
func techdocs(pp *pathwayPlan, r *planned, o Options) ([]File, error) {
	p := pp.p
	linker := func(title string) (string, string) {
		k := key(title)
		rp := r.roleByKey[k]
		switch {
		case rp != nil:
		case k != "" && k == key(p.From.Archetype):
			rp = pp.from
		case k != "" && k == key(p.To.Archetype):
			rp = pp.to
		default:
			return "", ""
		}
		return o.entityURL(catalog.KindResource, rp.name), rp.url
	}
	cfg := mkdocsConfig{
		SiteName:        escapeHTML(p.Title),
		SiteDescription: escapeHTML(p.Summary),
		DocsDir:         "docs",
		Nav:             append(make([]navEntry, 0, 1+len(pages)), navEntry{"Overview", "index.md"}),
		Plugins:         []string{"techdocs-core"},
	}
	files := make([]File, 0, 2+len(pages))
	// Every page is a capped slice of one buffer sized from the text: one
	// allocation for the docs of a pathway.
	var all bytes.Buffer
	all.Grow(docsSize(p))
	stop, known := cutOffPage(p)
	for i, pg := range pages {
		if !pg.present(p) {
			continue
		}
		cfg.Nav = append(cfg.Nav, navEntry{pg.title, pg.file})
		start := all.Len()
		all.WriteString("# " + pg.title + "\n")
		if known && i == stop {
			all.WriteString(cutShortNote)
		}
		pg.body(&all, p, linker)
		files = append(files, File{Path: pg.path, Data: all.Bytes()[start:all.Len():all.Len()]})
	}
	start := all.Len()
	b := &all
	b.WriteString("# " + escapeInline(p.Title) + "\n")
	if p.Incomplete != "" {
		view, _ := sourcePages(p, o)
		incompleteNote(b, p, view)
	}
	paragraph(b, p.Summary)
	b.WriteString("\n")
	if d := durationText(p.Duration); d != "" {
		b.WriteString("- **Duration:** " + escapeInline(d) + "\n")
	}
	if p.Discipline != "" {
		d := escapeInline(p.Discipline)
		if pp.system != nil {
			d = mdLink(p.Discipline, o.entityURL(catalog.KindSystem, pp.system.name))
		}
		b.WriteString("- **Discipline:** " + d + "\n")
	}
	b.WriteString("- **From:** " + roleLink(pp.from, o) + "\n")
	b.WriteString("- **To:** " + roleLink(pp.to, o) + "\n")
	files = append(files, File{Path: "docs/index.md", Data: all.Bytes()[start:all.Len():all.Len()]})
	y, err := yamlemit.Marshal(cfg.tree())
	if err != nil {
		return nil, fmt.Errorf("marshal mkdocs.yml of %s: %w", pp.name, err)
	}
	files = append(files, File{Path: "mkdocs.yml", Data: y})
	return files, nil
}

// docsSize estimates the bytes of a pathway's docs: its text, a little
// for escaping, and the fixed headings and links.
func docsSize(p *pathway.Pathway) int {
	n := len(p.Title) + len(p.Summary) + len(p.Duration.Text) + len(p.Discipline) +
		len(p.From.Title) + len(p.From.URL) + len(p.To.Title) + len(p.To.URL)
	for _, f := range p.FocusAreas {
		n += len(f.Title) + len(f.Text) + 8
	}
	for _, list := range [][]string{p.Skills, p.Behaviours, p.Projects} {
		for _, v := range list {
			n += len(v) + 5
		}
	}
	if a := p.AILiteracy; a != nil {
		n += len(a.Theme)
		for _, v := range a.Items {
			n += len(v) + 5
		}
	}
	for _, b := range p.Reading {
		n += len(b.Title) + len(b.Authors) + len(b.Description) + 16
	}
	for _, c := range p.Courses {
		n += len(c.Title) + len(c.Provider) + len(c.Description) + 24
	}
	if a := p.Archetypes; a != nil {
		n += len(a.Intro)
		for _, r := range a.Roles {
			n += len(r.Title) + len(r.URL) + 8
		}
	}
	return n + n/16 + 1024
}

func months(d pathway.Duration) string {
	switch {
	case d.MinMonths > 0 && d.MaxMonths > 0 && d.MinMonths != d.MaxMonths:
		return strconv.Itoa(d.MinMonths) + "-" + strconv.Itoa(d.MaxMonths) + " months"
	case d.MaxMonths > 0:
		return strconv.Itoa(d.MaxMonths) + " months"
	}
	return strconv.Itoa(d.MinMonths) + " months"
}

// roleLink links the role's entity page when there is a Backstage URL,
// followed by its archetype page when known; without either, the title.
func roleLink(rp *rolePlan, o Options) string {
	l := mdLink(rp.title, o.entityURL(catalog.KindResource, rp.name))
	if _, ok := safeURL(rp.url); ok {
		if o.BackstageURL == "" {
			return mdLink(rp.title, rp.url)
		}
		l += " (" + mdLink("role archetype page", rp.url) + ")"
	}
	return l
}

// incompleteNote writes the admonition that heads the docs of a pathway
// whose source was cut off: the section it stops in (linked to its page
// here, if any), the sections after it that are missing here, and the
// source page when known (view, the entity's source link).
func incompleteNote(b *bytes.Buffer, p *pathway.Pathway, view string) {
	source := "source page"
	if view != "" {
		source = mdLink(source, view)
	}
	b.WriteString("\n!!! warning \"Incomplete source\"\n    The " + source + " stops ")
	name := "*" + escapeInline(p.Incomplete) + "*"
	stop, known := cutOffPage(p)
	switch {
	case !known:
		b.WriteString("in the section " + name + ": what follows it is missing here.\n")
		return
	case stop < 0:
		b.WriteString("in its summary, before any section.")
	case pages[stop].present(p):
		b.WriteString("in the section [" + name + "](" + pages[stop].file + "), whose list may be cut short.")
	default:
		b.WriteString("in the section " + name + ", before any of its items.")
	}
	if missing := missingAfter(p, stop); len(missing) > 0 {
		b.WriteString(" Missing here: the sections after it (" + strings.Join(missing, ", ") + ").")
	}
	b.WriteString("\n")
}

// cutShortNote heads the page of the section a cut-off source stops in.
const cutShortNote = "\n!!! warning \"Cut off\"\n    The source page stops in this section: this list may be incomplete.\n"

// cutOffPage returns the index in pages of the section a cut-off source
// stops in (p.Incomplete), -1 when it stops in the summary, before any
// section; known is false for a name that is no section (the importer's
// "unknown section", or anything a canonical file says).
func cutOffPage(p *pathway.Pathway) (i int, known bool) {
	if p.Incomplete == "" {
		return 0, false
	}
	i, known = stopSections[sectionKey(p.Incomplete)]
	return i, known
}

// missingAfter lists the titles of the section pages after index stop
// that this pathway has no content for.
func missingAfter(p *pathway.Pathway, stop int) []string {
	var out []string
	for _, pg := range pages[stop+1:] {
		if !pg.present(p) {
			out = append(out, pg.title)
		}
	}
	return out
}

// sectionKey normalises a section name: case, spacing, "&" for "and" and
// hyphens ignored, as the importer matches headings.
func sectionKey(s string) string {
	return key(strings.NewReplacer("&", " and ", "-", " ").Replace(s))
}

// stopSections maps a section name (sectionKey) to its page in pages, -1
// for the summary: the importer's names of the source's headings and their
// variants, and the pages' own titles.
var stopSections = func() map[string]int {
	m := map[string]int{"summary": -1}
	at := func(file string) int {
		return slices.IndexFunc(pages, func(pg page) bool { return pg.file == file })
	}
	for name, file := range map[string]string{
		"Focus Areas":                     "focus-areas.md",
		"Skills & Behaviours to Develop":  "skills.md", // both lists after it are lost; skills come first
		"Skills & Behaviours":             "skills.md",
		"Skills to Develop":               "skills.md",
		"Behaviours to Demonstrate":       "behaviours.md",
		"Behaviours to Develop":           "behaviours.md",
		"Hands-On Projects":               "projects.md",
		"AI Literacy for This Transition": "ai-literacy.md",
		"Recommended Reading":             "reading.md",
		"Courses & Resources":             "courses.md",
		"Role Archetypes":                 "role-archetypes.md",
	} {
		m[sectionKey(name)] = at(file)
	}
	for i, pg := range pages {
		m[sectionKey(pg.title)] = i
	}
	return m
}()

// paragraph writes a blank line and s as one escaped paragraph, if any.
func paragraph(b *bytes.Buffer, s string) {
	writeInline(b, "\n", s, "\n")
}

func heading(b *bytes.Buffer, s string) {
	writeInline(b, "\n## ", s, "\n")
}

// bullets writes a blank line and one list item per non-empty string.
func bullets(b *bytes.Buffer, items []string) {
	b.WriteString("\n")
	for _, it := range items {
		writeInline(b, "- ", it, "\n")
	}
}

func numbered(b *bytes.Buffer, items []string) {
	b.WriteString("\n")
	n := 0
	for _, it := range items {
		if t := oneLine(it); t != "" {
			n++
			b.Write(strconv.AppendInt(b.AvailableBuffer(), int64(n), 10))
			b.WriteString(". ")
			b.Write(appendEscaped(b.AvailableBuffer(), t))
			b.WriteString("\n")
		}
	}
}

func focusAreasPage(b *bytes.Buffer, p *pathway.Pathway) {
	for _, f := range p.FocusAreas {
		heading(b, f.Title)
		paragraph(b, f.Text)
	}
}

func aiLiteracyPage(b *bytes.Buffer, p *pathway.Pathway) {
	writeInline(b, "\n**Theme:** ", p.AILiteracy.Theme, "\n")
	if len(p.AILiteracy.Items) > 0 {
		numbered(b, p.AILiteracy.Items)
	}
}

func readingPage(b *bytes.Buffer, p *pathway.Pathway) {
	for _, bk := range p.Reading {
		heading(b, bk.Title)
		writeInline(b, "\n*By ", bk.Authors, "*\n")
		paragraph(b, bk.Description)
	}
}

func coursesPage(b *bytes.Buffer, p *pathway.Pathway) {
	for _, c := range p.Courses {
		heading(b, c.Title)
		writeInline(b, "\n*Provider: ", c.Provider, "*\n")
		paragraph(b, c.Description)
	}
}

func archetypesPage(b *bytes.Buffer, p *pathway.Pathway, entity roleLinker) {
	paragraph(b, p.Archetypes.Intro)
	if len(p.Archetypes.Roles) == 0 {
		return
	}
	b.WriteString("\n")
	for _, role := range p.Archetypes.Roles {
		page, l := role.URL, ""
		entity, known := entity(role.Title)
		if _, ok := safeURL(page); !ok {
			page = known
		}
		if entity != "" {
			l = mdLink(role.Title, entity)
			if _, ok := safeURL(page); ok {
				l += " (" + mdLink("role archetype page", page) + ")"
			}
		} else {
			l = mdLink(role.Title, page)
		}
		if l != "" {
			b.WriteString("- " + l + "\n")
		}
	}
}
