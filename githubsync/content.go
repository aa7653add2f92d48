package githubsync

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"

	"github.com/pathwaysync/pathwaysync/pathway"
	"sigs.k8s.io/yaml"
)

// The generated tree's entity files that the PR description reads.
const (
	pathwayDir  = "pathways/" // pathways/NAME/catalog-info.yaml
	pathwayFile = "catalog-info.yaml"
	roleDir     = "roles/" // roles/NAME.yaml
)

// entityKind tells pathway Components from role Resources.
type entityKind uint8

const (
	kindPathway entityKind = iota + 1
	kindRole
)

// entityKey returns the kind and name of an entity file of the generated
// tree, or ok false for any other file.
func entityKey(rel string) (kind entityKind, name string, ok bool) {
	if rest, found := strings.CutPrefix(rel, pathwayDir); found {
		if n, file, _ := strings.Cut(rest, "/"); file == pathwayFile && n != "" {
			return kindPathway, n, true
		}
		return 0, "", false
	}
	if rest, found := strings.CutPrefix(rel, roleDir); found && !strings.Contains(rest, "/") && strings.HasSuffix(rest, ".yaml") {
		return kindRole, strings.TrimSuffix(rest, ".yaml"), true
	}
	return 0, "", false
}

// entity is what a reviewer needs of one generated entity file: its
// names and, for a pathway whose file carries the full content under
// spec.pathway (Full), its fields and sections in page order.
type entity struct {
	Kind            entityKind
	Name, Namespace string
	Title           string
	// Source identifies the pathway across renames (spec.pathway.source:
	// its page URL or file) or the role (its archetype page link).
	Source   string
	From, To string
	Full     bool
	Fields   []field   // single values, e.g. Duration, Summary
	Sections []section // lists, e.g. Skills, Reading
}

type field struct{ Name, Value string }

type section struct {
	Name  string
	Items []item
}

// item is one list entry: Label is what a reviewer reads (a skill, a
// book's title); Detail the rest of it (a book's authors and
// description); Key what identifies it when its label changes (a book's
// authors, a course's provider).
type item struct{ Label, Detail, Key string }

// specKeys marks a spec.pathway that carries the full content (releases
// before it carried counts only).
var specKeys = []string{"summary", "skills", "behaviours", "projects", "aiLiteracy", "reading", "courses", "roleArchetypes"}

// parseEntity reads an entity file of the generated tree; rel names it in
// errors. A pathway file whose spec.pathway carries only counts gives an
// entity with Full false.
func parseEntity(rel string, raw []byte) (*entity, error) {
	var doc struct {
		Metadata struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
			Title     string `json:"title"`
			Links     []struct {
				URL string `json:"url"`
			} `json:"links"`
		} `json:"metadata"`
		Spec struct {
			Pathway map[string]json.RawMessage `json:"pathway"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("read %s: %w", rel, err)
	}
	kind, name, _ := entityKey(rel)
	e := &entity{Kind: kind, Name: doc.Metadata.Name, Namespace: doc.Metadata.Namespace, Title: doc.Metadata.Title}
	if e.Name == "" {
		e.Name = name
	}
	if e.Title == "" {
		e.Title = e.Name
	}
	if kind == kindRole {
		if len(doc.Metadata.Links) > 0 {
			e.Source = doc.Metadata.Links[0].URL
		}
		return e, nil
	}
	sp := doc.Spec.Pathway
	if sp == nil {
		return e, nil
	}
	var p struct {
		From       string              `json:"from"`
		To         string              `json:"to"`
		Discipline string              `json:"discipline"`
		Duration   *pathway.Duration   `json:"duration"`
		Summary    string              `json:"summary"`
		Source     string              `json:"source"`
		Skills     []string            `json:"skills"`
		Behaviours []string            `json:"behaviours"`
		Projects   []string            `json:"projects"`
		AILiteracy *pathway.AILiteracy `json:"aiLiteracy"`
		Reading    []pathway.Book      `json:"reading"`
		Courses    []pathway.Course    `json:"courses"`
		Archetypes *pathway.Archetypes `json:"roleArchetypes"`
	}
	// Decode field by field so that the older shape of focusAreas (a list
	// of titles) and any unknown key leave the rest readable.
	b, _ := json.Marshal(withoutKey(sp, "focusAreas"))
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("read %s: spec.pathway: %w", rel, err)
	}
	e.From, e.To, e.Source = p.From, p.To, p.Source
	var focus []pathway.FocusArea
	if raw, ok := sp["focusAreas"]; ok {
		if json.Unmarshal(raw, &focus) == nil {
			e.Full = len(focus) > 0
		} else {
			focus = nil
		}
	}
	for _, k := range specKeys {
		if _, ok := sp[k]; ok {
			e.Full = true
		}
	}
	if !e.Full {
		return e, nil
	}
	add := func(name, v string) {
		if v != "" {
			e.Fields = append(e.Fields, field{name, v})
		}
	}
	add("From", p.From)
	add("To", p.To)
	if p.Duration != nil {
		d := p.Duration.Text
		if d == "" && (p.Duration.MinMonths > 0 || p.Duration.MaxMonths > 0) {
			d = fmt.Sprintf("%d-%d months", p.Duration.MinMonths, p.Duration.MaxMonths)
		}
		add("Duration", d)
	}
	add("Discipline", p.Discipline)
	add("Summary", p.Summary)
	strs := func(name string, list []string) {
		s := section{Name: name}
		for _, v := range list {
			s.Items = append(s.Items, item{Label: v})
		}
		e.Sections = append(e.Sections, s)
	}
	fa := section{Name: "Focus areas"}
	for _, f := range focus {
		fa.Items = append(fa.Items, item{Label: f.Title, Detail: f.Text})
	}
	e.Sections = append(e.Sections, fa)
	strs("Skills", p.Skills)
	strs("Behaviours", p.Behaviours)
	strs("Projects", p.Projects)
	if p.AILiteracy != nil {
		add("AI literacy theme", p.AILiteracy.Theme)
		strs("AI literacy", p.AILiteracy.Items)
	}
	rd := section{Name: "Reading"}
	for _, bk := range p.Reading {
		rd.Items = append(rd.Items, item{Label: bk.Title, Detail: bk.Authors + "\x00" + bk.Description, Key: bk.Authors})
	}
	e.Sections = append(e.Sections, rd)
	cs := section{Name: "Courses"}
	for _, c := range p.Courses {
		cs.Items = append(cs.Items, item{Label: c.Title, Detail: c.Provider + "\x00" + c.Description, Key: c.Provider})
	}
	e.Sections = append(e.Sections, cs)
	if p.Archetypes != nil {
		add("Role archetypes introduction", p.Archetypes.Intro)
		ra := section{Name: "Role archetypes"}
		for _, r := range p.Archetypes.Roles {
			ra.Items = append(ra.Items, item{Label: r.Title, Detail: r.URL, Key: r.URL})
		}
		e.Sections = append(e.Sections, ra)
	}
	return e, nil
}

func withoutKey(m map[string]json.RawMessage, key string) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(m))
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}

// entityFiles returns the entity files among the paths of a tree listing
// or a desired tree, by path, with their blob SHAs.
func entityFiles[V any](files map[string]V, sha func(V) string) map[string]string {
	out := map[string]string{}
	for p, v := range files {
		if _, _, ok := entityKey(p); ok {
			out[p] = sha(v)
		}
	}
	return out
}

// cleanName reports whether p is an entity file path that may go into
// the hidden marker verbatim (and be read back from it).
func cleanName(p string) bool {
	if _, _, ok := entityKey(p); !ok || path.Clean(p) != p || strings.Contains(p, "..") {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '/') {
			return false
		}
	}
	return true
}
