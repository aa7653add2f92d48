package catalogapi

import (
	"sort"
	"strings"

	"github.com/pathwaysync/pathwaysync/catalog"
)

// relationRule is one spec field that yields a relation pair, as the
// catalog's BuiltinKindsEntityProcessor emits them.
type relationRule struct {
	field       string
	defaultKind string // "" = the ref must name its kind
	outgoing    string
	incoming    string
}

// relationRules are the stock catalog's relation-producing fields per kind.
var relationRules = map[string][]relationRule{
	"component": {
		{"owner", "group", "ownedBy", "ownerOf"},
		{"subcomponentOf", "component", "partOf", "hasPart"},
		{"providesApis", "api", "providesApi", "apiProvidedBy"},
		{"consumesApis", "api", "consumesApi", "apiConsumedBy"},
		{"dependsOn", "", "dependsOn", "dependencyOf"},
		{"dependencyOf", "", "dependencyOf", "dependsOn"},
		{"system", "system", "partOf", "hasPart"},
	},
	"api": {
		{"owner", "group", "ownedBy", "ownerOf"},
		{"system", "system", "partOf", "hasPart"},
	},
	"resource": {
		{"owner", "group", "ownedBy", "ownerOf"},
		{"dependsOn", "", "dependsOn", "dependencyOf"},
		{"dependencyOf", "", "dependencyOf", "dependsOn"},
		{"system", "system", "partOf", "hasPart"},
	},
	"system": {
		{"owner", "group", "ownedBy", "ownerOf"},
		{"domain", "domain", "partOf", "hasPart"},
	},
	"domain": {
		{"owner", "group", "ownedBy", "ownerOf"},
		{"subdomainOf", "domain", "partOf", "hasPart"},
	},
	"group": {
		{"parent", "group", "childOf", "parentOf"},
		{"children", "group", "parentOf", "childOf"},
		{"members", "user", "hasMember", "memberOf"},
	},
	"user": {
		{"memberOf", "group", "memberOf", "hasMember"},
	},
}

// sortedSpecFields are the spec arrays the catalog sorts before storing.
var sortedSpecFields = []string{"providesApis", "consumesApis", "dependsOn", "dependencyOf", "memberOf", "children", "members"}

// parseRef parses "[kind:][namespace/]name" with defaults, lowercased as
// "kind:namespace/name"; ok is false when no kind can be determined.
func parseRef(ref, defaultKind, defaultNamespace string) (string, bool) {
	ref = strings.TrimSpace(ref)
	kind, rest, hasKind := strings.Cut(ref, ":")
	if !hasKind {
		kind, rest = defaultKind, ref
	}
	ns, name, hasNS := strings.Cut(rest, "/")
	if !hasNS {
		ns, name = defaultNamespace, rest
	}
	if kind == "" || ns == "" || name == "" {
		return "", false
	}
	return strings.ToLower(kind + ":" + ns + "/" + name), true
}

// computeRelations returns each entity's relations (both directions, as the
// catalog stores them: reverse ones only on entities that exist), sorted by
// type then target, keyed by entity ref.
func computeRelations(entities []*catalog.Entity) map[string][]catalog.Relation {
	sets := map[string]map[catalog.Relation]bool{}
	add := func(src string, rel catalog.Relation) {
		if sets[src] == nil {
			sets[src] = map[catalog.Relation]bool{}
		}
		sets[src][rel] = true
	}
	for _, e := range entities {
		self := e.Ref()
		ns := e.Metadata.Namespace
		if ns == "" {
			ns = "default"
		}
		for _, rule := range relationRules[strings.ToLower(e.Kind)] {
			for _, target := range stringsOf(e.Spec[rule.field]) {
				ref, ok := parseRef(target, rule.defaultKind, ns)
				if !ok {
					continue
				}
				add(self, catalog.Relation{Type: rule.outgoing, TargetRef: ref})
				add(ref, catalog.Relation{Type: rule.incoming, TargetRef: self})
			}
		}
	}
	out := make(map[string][]catalog.Relation, len(entities))
	for _, e := range entities {
		ref := e.Ref()
		rels := make([]catalog.Relation, 0, len(sets[ref]))
		for r := range sets[ref] {
			rels = append(rels, r)
		}
		sort.Slice(rels, func(i, j int) bool {
			if rels[i].Type != rels[j].Type {
				return rels[i].Type < rels[j].Type
			}
			return rels[i].TargetRef < rels[j].TargetRef
		})
		out[ref] = rels
	}
	return out
}

// stringsOf returns v as a list of strings: a string, or the strings of a list.
func stringsOf(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []string:
		return t
	case []any:
		out := make([]string, 0, len(t))
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
