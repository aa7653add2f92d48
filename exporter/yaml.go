package exporter

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/internal/yamlemit"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// The files are written as sigs.k8s.io/yaml.Marshal writes the same value
// (JSON field names and omitempty, keys sorted, invalid UTF-8 replaced as
// encoding/json does), by typed builders for the two types the exporter
// writes — catalog.Entity and mkdocsConfig — feeding yamlemit. Tests
// compare the bytes with sigs.k8s.io/yaml.

// entityYAML is e's file.
func entityYAML(e *catalog.Entity) ([]byte, error) {
	t, err := entityTree(e)
	if err != nil {
		return nil, err
	}
	return yamlemit.Marshal(t)
}

func entityTree(e *catalog.Entity) (yamlemit.Map, error) {
	t := make(yamlemit.Map, 0, 5)
	t = append(t, pair("apiVersion", str(e.APIVersion)), pair("kind", str(e.Kind)), pair("metadata", metadataTree(&e.Metadata)))
	if len(e.Spec) > 0 {
		spec, err := anyTree(e.Spec)
		if err != nil {
			return nil, fmt.Errorf("spec: %w", err)
		}
		t = append(t, pair("spec", spec))
	}
	if len(e.Relations) > 0 {
		rels := make([]any, len(e.Relations))
		for i, r := range e.Relations {
			rels[i] = yamlemit.Map{pair("type", str(r.Type)), pair("targetRef", str(r.TargetRef))}
		}
		t = append(t, pair("relations", rels))
	}
	return t, nil
}

func metadataTree(m *catalog.Metadata) yamlemit.Map {
	t := make(yamlemit.Map, 0, 8)
	t = append(t, pair("name", str(m.Name)))
	t = appendString(t, "namespace", m.Namespace)
	t = appendString(t, "title", m.Title)
	t = appendString(t, "description", m.Description)
	if len(m.Labels) > 0 {
		t = append(t, pair("labels", stringMap(m.Labels)))
	}
	if len(m.Annotations) > 0 {
		t = append(t, pair("annotations", stringMap(m.Annotations)))
	}
	if len(m.Tags) > 0 {
		t = append(t, pair("tags", strs(m.Tags)))
	}
	if len(m.Links) > 0 {
		links := make([]any, len(m.Links))
		for i, l := range m.Links {
			lt := make(yamlemit.Map, 0, 4)
			lt = append(lt, pair("url", str(l.URL)))
			lt = appendString(lt, "title", l.Title)
			lt = appendString(lt, "icon", l.Icon)
			lt = appendString(lt, "type", l.Type)
			links[i] = lt
		}
		t = append(t, pair("links", links))
	}
	t = appendString(t, "uid", m.UID)
	t = appendString(t, "etag", m.Etag)
	return t
}

// anyTree builds a spec value: the types the exporter puts in a spec, and
// the plain values a decoded one holds.
func anyTree(v any) (any, error) {
	switch x := v.(type) {
	case nil, bool, int, int64:
		return x, nil
	case string:
		return str(x), nil
	case []string:
		return strs(x), nil
	case pathwaySpec:
		return x.tree(), nil
	case *pathwaySpec:
		if x == nil {
			return nil, nil
		}
		return x.tree(), nil
	case map[string]int:
		if x == nil {
			return nil, nil
		}
		return members(x, func(n int) (any, error) { return n, nil })
	case map[string]any:
		if x == nil {
			return nil, nil
		}
		return members(x, anyTree)
	case []any:
		if x == nil {
			return nil, nil
		}
		out := make([]any, len(x))
		for i, e := range x {
			var err error
			if out[i], err = anyTree(e); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported value of type %T", v)
}

func (s *pathwaySpec) tree() yamlemit.Map {
	t := make(yamlemit.Map, 0, 15)
	t = append(t, pair("from", str(s.From)), pair("to", str(s.To)))
	t = appendString(t, "discipline", s.Discipline)
	if d := s.Duration; d != nil {
		dt := make(yamlemit.Map, 0, 3)
		if d.MinMonths != 0 {
			dt = append(dt, pair("minMonths", d.MinMonths))
		}
		if d.MaxMonths != 0 {
			dt = append(dt, pair("maxMonths", d.MaxMonths))
		}
		dt = appendString(dt, "text", d.Text)
		t = append(t, pair("duration", dt))
	}
	var counts any
	if s.Counts != nil {
		counts, _ = members(s.Counts, func(n int) (any, error) { return n, nil })
	}
	t = append(t, pair("counts", counts))
	t = appendString(t, "source", s.Source)
	t = appendString(t, "summary", s.Summary)
	t = appendString(t, "incomplete", s.Incomplete)
	t = appendList(t, "focusAreas", s.FocusAreas, func(f pathway.FocusArea) yamlemit.Map {
		return appendString(yamlemit.Map{pair("title", str(f.Title))}, "text", f.Text)
	})
	t = appendStrings(t, "skills", s.Skills)
	t = appendStrings(t, "behaviours", s.Behaviours)
	t = appendStrings(t, "projects", s.Projects)
	if a := s.AILiteracy; a != nil {
		at := appendString(make(yamlemit.Map, 0, 2), "theme", a.Theme)
		t = append(t, pair("aiLiteracy", appendStrings(at, "items", a.Items)))
	}
	t = appendList(t, "reading", s.Reading, func(b pathway.Book) yamlemit.Map {
		bt := yamlemit.Map{pair("title", str(b.Title))}
		return appendString(appendString(bt, "authors", b.Authors), "description", b.Description)
	})
	t = appendList(t, "courses", s.Courses, func(c pathway.Course) yamlemit.Map {
		ct := yamlemit.Map{pair("title", str(c.Title))}
		return appendString(appendString(ct, "provider", c.Provider), "description", c.Description)
	})
	if a := s.Archetypes; a != nil {
		at := appendString(make(yamlemit.Map, 0, 2), "intro", a.Intro)
		at = appendList(at, "roles", a.Roles, func(r pathway.Role) yamlemit.Map {
			return appendString(appendString(yamlemit.Map{pair("title", str(r.Title))}, "url", r.URL), "archetype", r.Archetype)
		})
		t = append(t, pair("roleArchetypes", at))
	}
	return t
}

// appendStrings adds an omitempty string list member.
func appendStrings(t yamlemit.Map, k string, v []string) yamlemit.Map {
	if len(v) == 0 {
		return t
	}
	return append(t, pair(k, strs(v)))
}

// appendList adds an omitempty list member of objects built by item.
func appendList[E any](t yamlemit.Map, k string, v []E, item func(E) yamlemit.Map) yamlemit.Map {
	if len(v) == 0 {
		return t
	}
	l := make([]any, len(v))
	for i, e := range v {
		l[i] = item(e)
	}
	return append(t, pair(k, l))
}

// tree is mkdocs.yml's tree.
func (c *mkdocsConfig) tree() yamlemit.Map {
	t := make(yamlemit.Map, 0, 5)
	t = append(t, pair("site_name", str(c.SiteName)))
	t = appendString(t, "site_description", c.SiteDescription)
	t = append(t, pair("docs_dir", str(c.DocsDir)))
	var nav any
	if c.Nav != nil {
		entries := make([]any, len(c.Nav))
		for i, n := range c.Nav {
			entries[i] = yamlemit.Map{pair(str(n.title), str(n.file))}
		}
		nav = entries
	}
	return append(t, pair("nav", nav), pair("plugins", strs(c.Plugins)))
}

func pair(k string, v any) yamlemit.Pair { return yamlemit.Pair{Key: k, Value: v} }

// appendString adds an omitempty string member.
func appendString(t yamlemit.Map, k, v string) yamlemit.Map {
	if v == "" {
		return t
	}
	return append(t, pair(k, str(v)))
}

// str is s as encoding/json writes it: each byte of invalid UTF-8 becomes
// U+FFFD.
func str(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// strs is a string list as encoding/json writes it (nil is null).
func strs(ss []string) any {
	if ss == nil {
		return nil
	}
	for i, s := range ss {
		if !utf8.ValidString(s) {
			out := slices.Clone(ss)
			for j := i; j < len(out); j++ {
				out[j] = str(out[j])
			}
			return out
		}
	}
	return ss
}

func stringMap(m map[string]string) yamlemit.Map {
	t, _ := members(m, func(s string) (any, error) { return str(s), nil })
	return t
}

// members builds a Go map's members as the JSON round trip gives them:
// encoding/json writes them sorted by raw key with invalid UTF-8
// replaced, and decoding keeps the last of the keys that became equal.
func members[V any](m map[string]V, value func(V) (any, error)) (yamlemit.Map, error) {
	t := make(yamlemit.Map, 0, len(m))
	at := map[string]int{} // only for keys of invalid UTF-8
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v, err := value(m[k])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		if sk := str(k); sk != k || len(at) > 0 {
			if i, ok := at[sk]; ok {
				t[i].Value = v
				continue
			}
			if len(at) == 0 {
				for i, p := range t {
					at[p.Key] = i
				}
			}
			at[sk] = len(t)
			k = sk
		}
		t = append(t, pair(k, v))
	}
	return t, nil
}
