package catalogapi

import (
	"encoding/json"
	"strings"
)

// parseFields reads fields parameters (repeated and/or comma-separated),
// deduplicated in order; nil means the whole entity.
func parseFields(params []string, extra []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, p := range append(append([]string(nil), extra...), params...) {
		for _, f := range strings.Split(p, ",") {
			f = strings.TrimSpace(f)
			if f == "" || seen[f] {
				continue
			}
			if strings.Contains(f, "[") {
				return nil, inputErrorf("Invalid field \"%s\", array type fields are not supported", f)
			}
			seen[f] = true
			out = append(out, f)
		}
	}
	return out, nil
}

// project keeps only fields of the entity JSON raw, as the catalog does: a
// dotted path whose part is missing is retried joined with the next part,
// so "metadata.annotations.backstage.io/techdocs-ref" works.
func project(raw []byte, fields []string) ([]byte, error) {
	var in map[string]any
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, err
	}
	out := map[string]any{}
	for _, f := range fields {
		path, v, ok := lookupPath(in, strings.Split(f, "."))
		if !ok {
			continue
		}
		setPath(out, path, v)
	}
	return json.Marshal(out)
}

func lookupPath(in map[string]any, parts []string) ([]string, any, bool) {
	var path []string
	var cur any = in
	for i := 0; i < len(parts); i++ {
		m, isMap := cur.(map[string]any)
		if isMap {
			if v, ok := m[parts[i]]; ok {
				path = append(path, parts[i])
				cur = v
				continue
			}
		}
		if i+1 < len(parts) {
			parts[i+1] = parts[i] + "." + parts[i+1]
			continue
		}
		return nil, nil, false
	}
	if len(path) == 0 {
		return nil, nil, false
	}
	return path, cur, true
}

func setPath(out map[string]any, path []string, v any) {
	m := out
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
}
