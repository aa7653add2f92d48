package exporter

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// TechDocsAnnotation points TechDocs at the docs next to the entity file.
const TechDocsAnnotation = "backstage.io/techdocs-ref"

func ref(kind, ns, name string) string { return kind + ":" + ns + "/" + name }

func meta(name, title string, o Options) catalog.Metadata {
	return catalog.Metadata{Name: name, Namespace: o.Namespace, Title: title}
}

func systemEntity(s *systemPlan, o Options) catalog.Entity {
	m := meta(s.name, s.title, o)
	m.Description = "The " + s.title + " career ladder: " + plural(len(s.pathways), "learning pathway") + ", " + plural(len(s.roles), "role") + "."
	m.Annotations = map[string]string{TechDocsAnnotation: "dir:."}
	if t := tag(s.name); t != "" {
		m.Tags = []string{t}
	}
	if u := o.docsURL(catalog.KindSystem, s.name, ""); u != "" {
		m.Links = []catalog.Link{{URL: u, Title: "Career ladder", Icon: "docs"}}
	}
	return catalog.Entity{APIVersion: catalog.APIVersion, Kind: catalog.KindSystem, Metadata: m,
		Spec: map[string]any{"owner": o.Owner, "type": TypeDiscipline}}
}

// plural is "1 role", "2 roles".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

func roleEntity(r *rolePlan, o Options) catalog.Entity {
	m := meta(r.name, r.title, o)
	m.Description = roleDescription(r)
	m.Annotations = map[string]string{TechDocsAnnotation: "dir:."}
	m.Tags = []string{TypeRole}
	for _, sp := range r.systems {
		if t := tag(sp.name); t != "" {
			m.Tags = append(m.Tags, t)
		}
	}
	// Short titles, as the Links card shows them in narrow columns: the
	// next step first, then the way in; each opens the pathway.
	for _, pp := range r.out {
		if u := o.entityURL(catalog.KindComponent, pp.name); u != "" {
			m.Links = append(m.Links, catalog.Link{URL: u, Title: "Next step: " + pp.to.title + stepFacts(pp, true), Icon: "dashboard"})
		}
	}
	for _, pp := range r.in {
		if u := o.entityURL(catalog.KindComponent, pp.name); u != "" {
			m.Links = append(m.Links, catalog.Link{URL: u, Title: "Way in: from " + pp.from.title + stepFacts(pp, true), Icon: "dashboard"})
		}
	}
	if r.url != "" {
		m.Links = append(m.Links, catalog.Link{URL: r.url, Title: "Role archetype page", Type: "role-archetype"})
	}
	spec := map[string]any{"type": TypeRole, "owner": o.Owner}
	if r.system != nil {
		spec["system"] = ref("system", o.Namespace, r.system.name)
	}
	return catalog.Entity{APIVersion: catalog.APIVersion, Kind: catalog.KindResource, Metadata: m, Spec: spec}
}

// stepFacts is what a role says about a step beside the other role's
// title: " (24 months, incomplete source)", with the duration only when
// withDuration and known, "" when there is nothing to say.
func stepFacts(pp *pathwayPlan, withDuration bool) string {
	var facts []string
	if d := durationText(pp.p.Duration); withDuration && d != "" {
		facts = append(facts, d)
	}
	if pp.p.Incomplete != "" {
		facts = append(facts, "incomplete source")
	}
	if len(facts) == 0 {
		return ""
	}
	return " (" + strings.Join(facts, ", ") + ")"
}

// roleDescription says where the role leads, where it is reached from
// (a few roles each, then a count, each marked when its pathway's source
// was cut off) and its disciplines: the next step first, because tables show only the start of a description and the
// role's title is beside it already.
func roleDescription(r *rolePlan) string {
	var parts []string
	list := func(lead string, ps []*pathwayPlan, other func(*pathwayPlan) *rolePlan) {
		if len(ps) == 0 {
			return
		}
		const most = 3
		names := make([]string, 0, most+1)
		for i, pp := range ps {
			if i == most {
				names = append(names, "and "+plural(len(ps)-most, "more"))
				break
			}
			names = append(names, other(pp).title+stepFacts(pp, false))
		}
		parts = append(parts, lead+" "+strings.Join(names, ", ")+".")
	}
	list("Next step:", r.out, func(pp *pathwayPlan) *rolePlan { return pp.to })
	list("Reached from", r.in, func(pp *pathwayPlan) *rolePlan { return pp.from })
	if len(r.systems) > 0 {
		names := make([]string, len(r.systems))
		for i, sp := range r.systems {
			names[i] = sp.title
		}
		parts = append(parts, "Role archetype in "+strings.Join(names, ", ")+".")
	} else {
		parts = append(parts, "Role archetype.")
	}
	return strings.Join(parts, " ")
}

// pathwaySpec is the structured extra data under spec.pathway: the role
// titles, counts and the pathway's whole content in the JSON shapes of
// pathway.Pathway, so that a reader of two versions of the file can quote
// what changed. Source is the pathway's source as sourceRef gives it.
type pathwaySpec struct {
	From       string         `json:"from"`
	To         string         `json:"to"`
	Discipline string         `json:"discipline,omitempty"`
	Duration   *durationSpec  `json:"duration,omitempty"`
	Counts     map[string]int `json:"counts"`
	Source     string         `json:"source,omitempty"`
	Summary    string         `json:"summary,omitempty"`

	FocusAreas []pathway.FocusArea `json:"focusAreas,omitempty"`
	Skills     []string            `json:"skills,omitempty"`
	Behaviours []string            `json:"behaviours,omitempty"`
	Projects   []string            `json:"projects,omitempty"`
	AILiteracy *pathway.AILiteracy `json:"aiLiteracy,omitempty"`
	Reading    []pathway.Book      `json:"reading,omitempty"`
	Courses    []pathway.Course    `json:"courses,omitempty"`
	Archetypes *pathway.Archetypes `json:"roleArchetypes,omitempty"`
	// Incomplete is the section a cut-off source stops in.
	Incomplete string `json:"incomplete,omitempty"`
}

type durationSpec struct {
	MinMonths int    `json:"minMonths,omitempty"`
	MaxMonths int    `json:"maxMonths,omitempty"`
	Text      string `json:"text,omitempty"`
}

func pathwayEntity(pp *pathwayPlan, o Options) catalog.Entity {
	p := pp.p
	m := meta(pp.name, oneLine(p.Title), o)
	desc := glance(pp) + "."
	if p.Incomplete != "" {
		desc += " Incomplete source."
	}
	if sum := oneLine(p.Summary); sum != "" {
		desc += " " + sum
	}
	m.Description = desc
	m.Annotations = map[string]string{TechDocsAnnotation: "dir:."}
	m.Tags = []string{TagPathway}
	from, to := pp.from, pp.to
	lifecycle := o.Lifecycle
	if p.Incomplete != "" {
		lifecycle = LifecycleIncomplete
	}
	spec := map[string]any{
		"type":      TypePathway,
		"lifecycle": lifecycle,
		"owner":     o.Owner,
		// The pathway depends on the role it leads to and is a dependency
		// of the role it starts from, so the stock relations graph (left
		// to right) reads starting role → pathway → target role.
		"dependsOn":    []string{ref("resource", o.Namespace, to.name)},
		"dependencyOf": []string{ref("resource", o.Namespace, from.name)},
	}
	ps := pathwaySpec{From: from.title, To: to.title, Discipline: oneLine(p.Discipline), Counts: counts(p),
		Source: sourceRef(p.Source), Summary: p.Summary, FocusAreas: p.FocusAreas, Skills: p.Skills,
		Behaviours: p.Behaviours, Projects: p.Projects, AILiteracy: p.AILiteracy, Reading: p.Reading,
		Courses: p.Courses, Archetypes: safeArchetypes(p.Archetypes), Incomplete: oneLine(p.Incomplete)}
	if sys := pp.system; sys != nil {
		spec["system"] = ref("system", o.Namespace, sys.name)
		m.Annotations[AnnotationDiscipline] = sys.name
		if t := tag(sys.name); t != "" {
			m.Tags = append(m.Tags, t)
		}
	}
	if !p.Duration.IsZero() {
		ps.Duration = &durationSpec{MinMonths: p.Duration.MinMonths, MaxMonths: p.Duration.MaxMonths, Text: oneLine(p.Duration.Text)}
		if lo, hi := p.Duration.MinMonths, p.Duration.MaxMonths; lo > 0 || hi > 0 {
			lo, hi = cmp.Or(lo, hi), cmp.Or(hi, lo)
			m.Annotations[AnnotationMonths] = strconv.Itoa(lo) + "-" + strconv.Itoa(hi) + " months"
		}
	}
	if d := durationText(p.Duration); d != "" {
		m.Annotations[AnnotationDuration] = d
	}
	if p.Incomplete != "" {
		m.Tags = append(m.Tags, TagIncomplete)
		m.Annotations[AnnotationSourceComplete] = "false"
		m.Annotations[AnnotationPartialSource] = oneLine(p.Incomplete)
	}

	// Links, in the order a reader wants them: the two roles and the
	// discipline, each docs section with its size (marked "cut off" for
	// the section a cut-off source stops in), the source, then the role
	// archetype pages.
	if u := o.entityURL(catalog.KindResource, from.name); u != "" {
		m.Links = append(m.Links, catalog.Link{URL: u, Title: "From: " + from.title, Icon: "group"})
	}
	if u := o.entityURL(catalog.KindResource, to.name); u != "" {
		m.Links = append(m.Links, catalog.Link{URL: u, Title: "To: " + to.title, Icon: "group"})
	}
	if sys := pp.system; sys != nil {
		if u := o.entityURL(catalog.KindSystem, sys.name); u != "" {
			m.Links = append(m.Links, catalog.Link{URL: u, Title: "Discipline: " + sys.title, Icon: "catalog"})
		}
	}
	if o.BackstageURL != "" {
		stop, known := cutOffPage(p)
		for i, pg := range pages {
			if pg.present(p) {
				n := strconv.Itoa(pg.count(p))
				if known && i == stop {
					n += ", cut off"
				}
				m.Links = append(m.Links, catalog.Link{URL: o.docsURL(catalog.KindComponent, pp.name, strings.TrimSuffix(pg.file, ".md")),
					Title: pg.title + " (" + n + ")", Icon: "docs"})
			}
		}
	}
	view, edit := sourcePages(p, o)
	if view != "" {
		m.Links = append(m.Links, catalog.Link{URL: view, Title: "Source page", Icon: "web", Type: "source"})
		m.Annotations[annotationSourceLocation] = "url:" + view
		m.Annotations[annotationViewURL] = view
	}
	if edit != "" {
		m.Annotations[annotationEditURL] = edit
	}
	seen := map[string]bool{}
	addRoleLink := func(prefix string, rp *rolePlan) {
		if rp.url != "" && !seen[rp.url] {
			seen[rp.url] = true
			m.Links = append(m.Links, catalog.Link{URL: rp.url, Title: prefix + rp.title, Type: "role-archetype"})
		}
	}
	addRoleLink("Role archetype: ", from)
	addRoleLink("Role archetype: ", to)
	if p.Archetypes != nil {
		for _, role := range p.Archetypes.Roles {
			if u, ok := safeURL(role.URL); ok && !seen[u] && oneLine(role.Title) != "" {
				seen[u] = true
				m.Links = append(m.Links, catalog.Link{URL: u, Title: "Role archetype: " + oneLine(role.Title), Type: "role-archetype"})
			}
		}
	}
	spec["pathway"] = ps
	return catalog.Entity{APIVersion: catalog.APIVersion, Kind: catalog.KindComponent, Metadata: m, Spec: spec}
}

// safeArchetypes is a keeping only the role URLs that may be links (http or
// https): spec.pathway quotes the page, it never carries a javascript:
// link.
func safeArchetypes(a *pathway.Archetypes) *pathway.Archetypes {
	if a == nil {
		return nil
	}
	c := *a
	c.Roles = slices.Clone(a.Roles)
	for i := range c.Roles {
		if _, ok := safeURL(c.Roles[i].URL); !ok {
			c.Roles[i].URL = ""
		}
	}
	return &c
}

func counts(p *pathway.Pathway) map[string]int {
	c := map[string]int{
		"focusAreas": len(p.FocusAreas), "skills": len(p.Skills), "behaviours": len(p.Behaviours),
		"projects": len(p.Projects), "reading": len(p.Reading), "courses": len(p.Courses),
	}
	if p.AILiteracy != nil {
		c["aiLiteracy"] = len(p.AILiteracy.Items)
	}
	return c
}

// tag turns an entity name (a slug) into a tag, or "" when it cannot be one.
func tag(name string) string {
	if len(name) > 63 {
		return ""
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return ""
		}
	}
	return name
}

func locationEntity(targets []string, o Options) catalog.Entity {
	m := meta(LocationName, "Learning pathways", o)
	m.Description = "Every entity pathwaysync generated from the learning pathways."
	return catalog.Entity{APIVersion: catalog.APIVersion, Kind: catalog.KindLocation, Metadata: m,
		Spec: map[string]any{"targets": targets}}
}
