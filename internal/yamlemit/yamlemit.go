// Package yamlemit writes YAML documents byte for byte as yaml.v2's
// Marshal — and so sigs.k8s.io/yaml's, which ends in it — writes the same
// map, several times faster for the trees the exporter makes. Callers
// build the tree with typed code (Map, Pair) instead of going through
// reflection or a JSON round trip.
package yamlemit

import (
	"fmt"
	"slices"

	yamlv2 "go.yaml.in/yaml/v2"
)

// Map is a YAML mapping: its members with unique keys, in any order
// (Marshal sorts them in yaml.v2's key order).
type Map []Pair

// Pair is one member of a Map.
type Pair struct {
	Key   string
	Value any
}

// Marshal returns tree as yaml.v2's Marshal writes the equivalent
// map[string]any. Values are Map, []any, []string, string, int, int64, bool
// or nil; anything else is an error. Marshal sorts every Map of tree in
// place. A tree the port does not write exactly (a string YAML would
// read as another type, a line break, an empty string…) is written by
// yaml.v2 itself.
func Marshal(tree Map) ([]byte, error) {
	if err := sortTree(tree); err != nil {
		return nil, fmt.Errorf("marshal yaml: %w", err)
	}
	if b, ok := emit(tree); ok {
		return b, nil
	}
	b, err := yamlv2.Marshal(plain(tree))
	if err != nil {
		return nil, fmt.Errorf("marshal yaml: %w", err)
	}
	return b, nil
}

// sortTree sorts every Map of v in yaml.v2's key order and rejects a
// value Marshal does not take.
func sortTree(v any) error {
	switch x := v.(type) {
	case Map:
		if !slices.IsSortedFunc(x, comparePairs) {
			slices.SortFunc(x, comparePairs)
		}
		for _, p := range x {
			if err := sortTree(p.Value); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range x {
			if err := sortTree(e); err != nil {
				return err
			}
		}
	case []string, string, int, int64, bool, nil:
	default:
		return fmt.Errorf("unsupported value of type %T", v)
	}
	return nil
}

func comparePairs(a, b Pair) int { return keyCompare(a.Key, b.Key) }

// plain turns the Maps of v into map[string]any, the tree as yaml.v2 knows
// it.
func plain(v any) any {
	switch x := v.(type) {
	case Map:
		m := make(map[string]any, len(x))
		for _, p := range x {
			m[p.Key] = plain(p.Value)
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = plain(e)
		}
		return out
	}
	return v
}
