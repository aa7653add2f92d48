package exporter

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/internal/yamlemit"
	"github.com/pathwaysync/pathwaysync/ladder"
)

// TechDocs of roles and disciplines: an Overview page each, so that no
// generated entity shows a "Missing Annotation" docs tab.

// site renders mkdocs.yml for a one-page site plus its docs files.
func site(title, description, navTitle string, index []byte, extra ...File) ([]File, error) {
	cfg := mkdocsConfig{
		SiteName:        escapeHTML(title),
		SiteDescription: escapeHTML(description),
		DocsDir:         "docs",
		Nav:             []navEntry{{navTitle, "index.md"}},
		Plugins:         []string{"techdocs-core"},
	}
	y, err := yamlemit.Marshal(cfg.tree())
	if err != nil {
		return nil, fmt.Errorf("marshal mkdocs.yml of %s: %w", title, err)
	}
	files := make([]File, 0, 2+len(extra))
	files = append(files, File{Path: "docs/index.md", Data: index})
	for _, f := range extra {
		f.Path = "docs/" + f.Path
		files = append(files, f)
	}
	return append(files, File{Path: "mkdocs.yml", Data: y}), nil
}

// pathwayItem is a list item linking a pathway's entity page, with its
// duration and, when from is set, the role it starts from.
func pathwayItem(b *bytes.Buffer, pp *pathwayPlan, o Options, other *rolePlan, otherLead string) {
	b.WriteString("- " + mdLink(pp.p.Title, o.entityURL(catalog.KindComponent, pp.name)))
	var facts []string
	if other != nil {
		facts = append(facts, otherLead+" "+mdLink(other.title, o.entityURL(catalog.KindResource, other.name)))
	}
	if d := durationText(pp.p.Duration); d != "" {
		facts = append(facts, escapeInline(d))
	}
	if pp.p.Incomplete != "" {
		facts = append(facts, "incomplete source")
	}
	if len(facts) > 0 {
		b.WriteString(" — " + strings.Join(facts, ", "))
	}
	b.WriteString("\n")
}

// roleDocs renders a role's site: its disciplines, the pathways into and
// out of it, and its archetype page.
func roleDocs(rp *rolePlan, o Options) ([]File, error) {
	var b bytes.Buffer
	b.WriteString("# " + escapeInline(rp.title) + "\n")
	paragraph(&b, roleDescription(rp))
	if len(rp.systems) > 0 || rp.url != "" {
		b.WriteString("\n")
	}
	if len(rp.systems) > 0 {
		links := make([]string, len(rp.systems))
		for i, sp := range rp.systems {
			links[i] = mdLink(sp.title, o.entityURL(catalog.KindSystem, sp.name))
		}
		label := "Discipline"
		if len(links) > 1 {
			label = "Disciplines"
		}
		b.WriteString("- **" + label + ":** " + strings.Join(links, ", ") + "\n")
	}
	if rp.url != "" {
		b.WriteString("- **Role archetype page:** " + mdLink(rp.title, rp.url) + "\n")
	}
	for _, sec := range []struct {
		heading, lead string
		ps            []*pathwayPlan
		other         func(*pathwayPlan) *rolePlan
	}{
		{"Pathways into this role", "from", rp.in, func(pp *pathwayPlan) *rolePlan { return pp.from }},
		{"Pathways out of this role", "to", rp.out, func(pp *pathwayPlan) *rolePlan { return pp.to }},
	} {
		b.WriteString("\n## " + sec.heading + "\n\n")
		if len(sec.ps) == 0 {
			b.WriteString("None in this catalog.\n")
			continue
		}
		for _, pp := range sec.ps {
			pathwayItem(&b, pp, o, sec.other(pp), sec.lead)
		}
	}
	return site(rp.title, roleDescription(rp), "Overview", b.Bytes())
}

// ladderWidth is the drawing's width: TechDocs' content column is about
// 590 px wide and scales wider pictures down to fit.
const ladderWidth = 640

// systemDocs renders a discipline's site: its ladder as an inline SVG
// (links work inline; as an image they would not) and the pathways in
// ladder order; the SVG is also written as ladder.svg.
func systemDocs(sp *systemPlan, o Options) ([]File, error) {
	l := ladder.Ladder{Title: sp.title + " career ladder", Roles: make([]ladder.Role, len(sp.roles)), Pathways: make([]ladder.Pathway, len(sp.pathways))}
	for i, rp := range sp.roles {
		l.Roles[i] = ladder.Role{ID: rp.name, Title: rp.title, URL: o.entityURL(catalog.KindResource, rp.name)}
	}
	byName := make(map[string]*pathwayPlan, len(sp.pathways))
	for i, pp := range sp.pathways {
		byName[pp.name] = pp
		l.Pathways[i] = ladder.Pathway{ID: pp.name, Title: oneLine(pp.p.Title), From: pp.from.name, To: pp.to.name,
			Duration: durationText(pp.p.Duration), URL: o.entityURL(catalog.KindComponent, pp.name),
			Incomplete: pp.p.Incomplete != ""} // the picture marks it too, on the step
	}
	svg, err := ladder.SVG(l, ladder.Options{Width: ladderWidth})
	if err != nil {
		return nil, fmt.Errorf("ladder of %s: %w", sp.name, err)
	}
	svg = bytes.TrimRight(svg, "\n")
	var b bytes.Buffer
	b.Grow(len(svg) + 256*len(sp.pathways) + 512)
	b.WriteString("# " + escapeInline(sp.title) + "\n")
	paragraph(&b, "The "+sp.title+" career ladder: "+plural(len(sp.pathways), "learning pathway")+" between "+plural(len(sp.roles), "role")+". Each step names how long it takes; select a role or a pathway to open it.")
	b.WriteString("\n<div class=\"pathwaysync-ladder\">\n")
	b.Write(svg)
	b.WriteString("\n</div>\n\n## Pathways in ladder order\n\n")
	for _, lp := range ladder.Order(l) {
		pp := byName[lp.ID]
		b.WriteString("- " + mdLink(pp.p.Title, o.entityURL(catalog.KindComponent, pp.name)))
		facts := make([]string, 0, 3)
		if d := durationText(pp.p.Duration); d != "" {
			facts = append(facts, escapeInline(d))
		}
		var sizes []string
		stop, known := cutOffPage(pp.p)
		for i, pg := range pages {
			if n, ok := sizeNouns[pg.file]; ok && pg.present(pp.p) {
				size := plural(pg.count(pp.p), n)
				if known && i == stop {
					size += " (cut off)"
				}
				sizes = append(sizes, size)
			}
		}
		if len(sizes) > 0 {
			facts = append(facts, strings.Join(sizes, ", "))
		}
		if pp.p.Incomplete != "" {
			facts = append(facts, "incomplete source")
		}
		if len(facts) > 0 {
			b.WriteString(" — " + strings.Join(facts, "; "))
		}
		b.WriteString("\n")
	}
	return site(sp.title, "The "+sp.title+" career ladder", "Ladder", b.Bytes(), File{Path: "ladder.svg", Data: svg})
}

// sizeNouns name an item of each section page in the ladder's list.
var sizeNouns = map[string]string{"focus-areas.md": "focus area", "skills.md": "skill", "behaviours.md": "behaviour",
	"projects.md": "project", "reading.md": "book", "courses.md": "course"}
