package exporter

import (
	"slices"

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
	m.Description = "Learning pathways of the " + s.title + " discipline."
	if t := tag(s.name); t != "" {
		m.Tags = []string{t}
	}
	return catalog.Entity{APIVersion: catalog.APIVersion, Kind: catalog.KindSystem, Metadata: m,
		Spec: map[string]any{"owner": o.Owner, "type": TypeDiscipline}}
}

func roleEntity(r *rolePlan, o Options) catalog.Entity {
	m := meta(r.name, r.title, o)
	m.Description = "Role archetype: " + r.title + "."
	m.Tags = []string{TypeRole}
	if r.url != "" {
		m.Links = []catalog.Link{{URL: r.url, Title: "Role archetype page"}}
	}
	return catalog.Entity{APIVersion: catalog.APIVersion, Kind: catalog.KindResource, Metadata: m,
		Spec: map[string]any{"type": TypeRole, "owner": o.Owner}}
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
}

type durationSpec struct {
	MinMonths int    `json:"minMonths,omitempty"`
	MaxMonths int    `json:"maxMonths,omitempty"`
	Text      string `json:"text,omitempty"`
}

func pathwayEntity(pp *pathwayPlan, r *planned, o Options) catalog.Entity {
	p := pp.p
	m := meta(pp.name, oneLine(p.Title), o)
	m.Description = oneLine(p.Summary)
	m.Annotations = map[string]string{TechDocsAnnotation: "dir:."}
	m.Tags = []string{TagPathway}
	from, to := r.roleByKey[key(p.From.Title)], r.roleByKey[key(p.To.Title)]
	spec := map[string]any{
		"type":         TypePathway,
		"lifecycle":    o.Lifecycle,
		"owner":        o.Owner,
		"dependsOn":    []string{ref("resource", o.Namespace, from.name)},
		"dependencyOf": []string{ref("resource", o.Namespace, to.name)},
	}
	ps := pathwaySpec{From: from.title, To: to.title, Discipline: oneLine(p.Discipline), Counts: counts(p),
		Source: sourceRef(p.Source), Summary: p.Summary, FocusAreas: p.FocusAreas, Skills: p.Skills,
		Behaviours: p.Behaviours, Projects: p.Projects, AILiteracy: p.AILiteracy, Reading: p.Reading,
		Courses: p.Courses, Archetypes: safeArchetypes(p.Archetypes)}
	if sys := r.systemByKey[key(p.Discipline)]; sys != nil {
		spec["system"] = ref("system", o.Namespace, sys.name)
		if t := tag(sys.name); t != "" {
			m.Tags = append(m.Tags, t)
		}
	}
	if !p.Duration.IsZero() {
		ps.Duration = &durationSpec{MinMonths: p.Duration.MinMonths, MaxMonths: p.Duration.MaxMonths, Text: oneLine(p.Duration.Text)}
	}
	if u, ok := sourceURL(p, o); ok {
		m.Links = append(m.Links, catalog.Link{URL: u, Title: "Pathway page", Type: "source"})
	}
	seen := map[string]bool{}
	addRoleLink := func(prefix string, rp *rolePlan) {
		if rp != nil && rp.url != "" && !seen[rp.url] {
			seen[rp.url] = true
			m.Links = append(m.Links, catalog.Link{URL: rp.url, Title: prefix + rp.title, Type: "role-archetype"})
		}
	}
	addRoleLink("From: ", from)
	addRoleLink("To: ", to)
	if p.Archetypes != nil {
		for _, role := range p.Archetypes.Roles {
			if u, ok := safeURL(role.URL); ok && !seen[u] && oneLine(role.Title) != "" {
				seen[u] = true
				m.Links = append(m.Links, catalog.Link{URL: u, Title: oneLine(role.Title), Type: "role-archetype"})
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
