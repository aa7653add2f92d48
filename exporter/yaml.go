package exporter

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"

	yamlv2 "go.yaml.in/yaml/v2"
)

// marshalYAML writes v as YAML exactly as sigs.k8s.io/yaml.Marshal does
// (JSON field names, keys sorted, same quoting: both end in yaml.v2), several
// times faster: the tree sigs.k8s.io/yaml would decode from v's JSON is
// built directly (jsonTree), or, for values jsonTree does not model,
// decoded with encoding/json rather than re-parsed as YAML; the tree is
// written by emitYAML, a port of yaml.v2's emitter for the trees we make,
// or by yaml.v2 itself for anything else. Tests compare the results with
// sigs.k8s.io/yaml and yaml.v2 byte for byte.
func marshalYAML(v any) ([]byte, error) {
	var tree any
	ok := false
	if t, direct := v.(yamlTreer); direct {
		tree, ok = t.yamlTree(), true
	} else {
		tree, ok = jsonTree(reflect.ValueOf(v))
	}
	if !ok {
		j, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("marshal yaml: %w", err)
		}
		if err := json.Unmarshal(j, &tree); err != nil {
			return nil, fmt.Errorf("marshal yaml: %w", err)
		}
		tree = intify(tree)
	}
	if b, ok := emitYAML(tree); ok {
		return b, nil
	}
	b, err := yamlv2.Marshal(plainTree(tree))
	if err != nil {
		return nil, fmt.Errorf("marshal yaml: %w", err)
	}
	return b, nil
}

// yamlTreer is a type that builds its own jsonTree result.
type yamlTreer interface{ yamlTree() any }

// intify turns whole float64s back into integers, as the YAML decoder
// sigs.k8s.io/yaml uses would have read them.
func intify(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = intify(e)
		}
	case []any:
		for i, e := range x {
			x[i] = intify(e)
		}
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x)
		}
	}
	return v
}
