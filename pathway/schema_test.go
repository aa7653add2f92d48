package pathway

import (
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// schemaNode is the part of a JSON Schema the parity test reads.
type schemaNode struct {
	Ref                  string                 `json:"$ref"`
	Type                 string                 `json:"type"`
	Const                any                    `json:"const"`
	Required             []string               `json:"required"`
	AdditionalProperties *bool                  `json:"additionalProperties"`
	Properties           map[string]*schemaNode `json:"properties"`
	Items                *schemaNode            `json:"items"`
	Defs                 map[string]*schemaNode `json:"$defs"`
	Schema               string                 `json:"$schema"`
}

// TestSchemaMatchesTypes walks Pathway by reflection and fails when the
// schema's properties, required lists or types differ from the json fields.
func TestSchemaMatchesTypes(t *testing.T) {
	var root schemaNode
	if err := json.Unmarshal(Schema, &root); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	if root.Schema != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %q", root.Schema)
	}
	resolve := func(n *schemaNode, path string) *schemaNode {
		for n != nil && n.Ref != "" {
			name, ok := strings.CutPrefix(n.Ref, "#/$defs/")
			if !ok || root.Defs[name] == nil {
				t.Fatalf("%s: unresolvable $ref %q", path, n.Ref)
			}
			n = root.Defs[name]
		}
		return n
	}
	var walk func(typ reflect.Type, n *schemaNode, path string)
	walk = func(typ reflect.Type, n *schemaNode, path string) {
		n = resolve(n, path)
		if n == nil {
			t.Errorf("%s: no schema", path)
			return
		}
		switch typ.Kind() {
		case reflect.Pointer:
			walk(typ.Elem(), n, path)
		case reflect.Struct:
			if n.Type != "object" || n.AdditionalProperties == nil || *n.AdditionalProperties {
				t.Errorf("%s: want type object with additionalProperties false", path)
			}
			var names, required []string
			for i := range typ.NumField() {
				name, omitempty, ok := jsonName(typ.Field(i))
				if !ok {
					continue
				}
				names = append(names, name)
				if !omitempty {
					required = append(required, name)
				}
				walk(typ.Field(i).Type, n.Properties[name], path+"."+name)
			}
			var props []string
			for k := range n.Properties {
				props = append(props, k)
			}
			sort.Strings(names)
			sort.Strings(props)
			if !slices.Equal(names, props) {
				t.Errorf("%s: Go fields %v, schema properties %v", path, names, props)
			}
			req := slices.Clone(n.Required)
			sort.Strings(required)
			sort.Strings(req)
			if !slices.Equal(required, req) {
				t.Errorf("%s: Go required %v, schema required %v", path, required, req)
			}
		case reflect.Slice:
			if n.Type != "array" {
				t.Errorf("%s: want type array, got %q", path, n.Type)
			}
			walk(typ.Elem(), n.Items, path+"[]")
		case reflect.String:
			if n.Type != "string" {
				t.Errorf("%s: want type string, got %q", path, n.Type)
			}
		case reflect.Int:
			if n.Type != "integer" {
				t.Errorf("%s: want type integer, got %q", path, n.Type)
			}
		default:
			t.Errorf("%s: Go kind %s has no schema mapping", path, typ.Kind())
		}
	}
	walk(reflect.TypeOf(Pathway{}), &root, "pathway")
	if c := resolve(root.Properties["apiVersion"], "apiVersion").Const; c != APIVersion {
		t.Errorf("apiVersion const = %v", c)
	}
	if c := resolve(root.Properties["kind"], "kind").Const; c != Kind {
		t.Errorf("kind const = %v", c)
	}
	// Every object in $defs is closed, used or not.
	for name, d := range root.Defs {
		if d.Type == "object" && (d.AdditionalProperties == nil || *d.AdditionalProperties) {
			t.Errorf("$defs/%s: additionalProperties must be false", name)
		}
	}
}
