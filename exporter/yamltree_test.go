package exporter

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	sigsyaml "sigs.k8s.io/yaml"

	"github.com/pathwaysync/pathwaysync/catalog"
)

type inner struct {
	A string `json:"a"`
}

type treeCases struct {
	Plain     string            `json:"plain"`
	Omit      string            `json:"omit,omitempty"`
	NoTag     int               // named by the field
	Skipped   string            `json:"-"`
	hidden    string            // unexported: never encoded
	NilSlice  []string          `json:"nilSlice"`
	Empty     []string          `json:"empty"`
	NilMap    map[string]int    `json:"nilMap"`
	EmptyMap  map[string]int    `json:"emptyMap,omitempty"`
	Ptr       *inner            `json:"ptr"`
	NilPtr    *inner            `json:"nilPtr"`
	OmitPtr   *inner            `json:"omitPtr,omitempty"`
	Any       any               `json:"any"`
	Big       int64             `json:"big"`
	Neg       int               `json:"neg"`
	Uint      uint64            `json:"uint"`
	Float     float64           `json:"float"`
	NegZero   float64           `json:"negZero"`
	Bool      bool              `json:"bool,omitempty"`
	Array     [2]int            `json:"array"`
	Nested    map[string]any    `json:"nested"`
	Strs      map[string]string `json:"strs"`
	Structs   []inner           `json:"structs"`
	Untouched []any             `json:"untouched"`
}

// TestJSONTreeMatchesRoundTrip proves jsonTree builds what the JSON round
// trip decodes, and says no (so the round trip is taken) where it does not
// model encoding/json.
func TestJSONTreeMatchesRoundTrip(t *testing.T) {
	odd := "bad \xff\xfe utf-8 <b>&amp;</b> \u2028 ünï\x00"
	full := treeCases{
		Plain: odd, NoTag: 7, Skipped: "x", hidden: "y", Empty: []string{}, EmptyMap: map[string]int{},
		Ptr: &inner{A: "p"}, Any: map[string]any{"k": []any{1, "two", 3.5, nil, true}},
		Big: 1<<53 - 1, Neg: -42, Uint: 1 << 52, // beyond 2^53 both paths round, as before (sigs.k8s.io/yaml does not)
		Float: 1e21, NegZero: math.Copysign(0, -1),
		Array: [2]int{1, 2}, Nested: map[string]any{odd: odd, "n": nil, "f": 0.1},
		Strs: map[string]string{"yes": "no", "1e3": "null", "": "- x"}, Structs: []inner{{A: ": y"}, {}},
		Untouched: []any{},
	}
	modelled := []any{
		&full, treeCases{}, &catalog.Entity{}, fullEntity(),
		map[string]any{"a": 1000000, "b": 1.5, "c": []any{"yes", "no", "1e3", "", "null"}}, []int{}, nil,
		map[string]any{"\xfe": 1, "\xff": 2, "\ufffd": 3, "a\xff": 4, "a": 5}, // keys that become equal
	}
	for i, v := range modelled {
		tree, ok := jsonTree(reflect.ValueOf(v))
		if !ok {
			t.Errorf("case %d (%T): not modelled", i, v)
			continue
		}
		if want := jsonRoundTrip(t, v); !reflect.DeepEqual(plainTree(tree), want) {
			t.Errorf("case %d (%T):\n got %#v\nwant %#v", i, v, tree, want)
		}
		checkMemberOrder(t, tree)
		got, err := marshalYAML(v)
		if err != nil {
			t.Fatal(err)
		}
		if sy, err := sigsyaml.Marshal(v); err != nil || !bytes.Equal(got, sy) {
			t.Errorf("case %d (%T): marshalYAML\n%s\nsigs.k8s.io/yaml (%v)\n%s", i, v, got, err, sy)
		}
	}
	type withString struct {
		N int `json:"n,string"`
	}
	type embedded struct {
		inner
	}
	for i, v := range []any{
		withString{N: 1}, embedded{}, []byte("x"), time.Unix(0, 0).UTC(), float32(0.1),
		map[int]string{1: "a"}, struct{ F float32 }{0.1},
	} {
		if _, ok := jsonTree(reflect.ValueOf(v)); ok {
			t.Errorf("case %d (%T): modelled, want the JSON round trip", i, v)
		}
		got, err := marshalYAML(v)
		if err != nil {
			t.Fatal(err)
		}
		if sy, err := sigsyaml.Marshal(v); err != nil || !bytes.Equal(got, sy) {
			t.Errorf("fallback case %d (%T): marshalYAML\n%s\nsigs.k8s.io/yaml (%v)\n%s", i, v, got, err, sy)
		}
	}
	if _, err := marshalYAML(math.NaN()); err == nil {
		t.Error("NaN marshalled")
	}
}

// jsonRoundTrip is the tree sigs.k8s.io/yaml writes for v: its JSON
// decoded into an any, whole numbers as integers.
func jsonRoundTrip(t *testing.T, v any) any {
	t.Helper()
	j, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var tree any
	if err := json.Unmarshal(j, &tree); err != nil {
		t.Fatal(err)
	}
	return intify(tree)
}

// TestMkdocsTreeMatchesRoundTrip: mkdocs.yml's hand-built tree is the
// JSON round trip's, and its YAML is sigs.k8s.io/yaml's.
func TestMkdocsTreeMatchesRoundTrip(t *testing.T) {
	odd := "bad \xff utf-8 <b>&amp;</b> ünï: - x"
	for i, c := range []*mkdocsConfig{
		{},
		{SiteName: "x", DocsDir: "docs", Nav: []navEntry{}, Plugins: []string{}},
		{SiteName: odd, SiteDescription: odd + strings.Repeat(" long", 30), DocsDir: "docs",
			Nav: []navEntry{{"Overview", "index.md"}, {odd, odd}, {"yes", "1e3"}}, Plugins: []string{"techdocs-core", odd}},
	} {
		tree := c.yamlTree()
		if want := jsonRoundTrip(t, c); !reflect.DeepEqual(plainTree(tree), want) {
			t.Errorf("case %d:\n got %#v\nwant %#v", i, tree, want)
		}
		checkMemberOrder(t, tree)
		got, err := marshalYAML(c)
		if err != nil {
			t.Fatal(err)
		}
		if sy, err := sigsyaml.Marshal(c); err != nil || !bytes.Equal(got, sy) {
			t.Errorf("case %d: marshalYAML\n%s\nsigs.k8s.io/yaml (%v)\n%s", i, got, err, sy)
		}
	}
}

// checkMemberOrder fails unless every yamlMap in tree has unique keys in
// yaml.v2's order.
func checkMemberOrder(t *testing.T, tree any) {
	t.Helper()
	switch x := tree.(type) {
	case yamlMap:
		for i, p := range x {
			if i > 0 && yamlKeyCompare(x[i-1].key, p.key) >= 0 {
				t.Errorf("members %q and %q out of order", x[i-1].key, p.key)
			}
			checkMemberOrder(t, p.value)
		}
	case []any:
		for _, v := range x {
			checkMemberOrder(t, v)
		}
	case map[string]any:
		t.Errorf("map[string]any in a jsonTree result")
	}
}

// fullEntity sets every field of catalog.Entity, found by reflection, so a
// field added later is compared too.
func fullEntity() *catalog.Entity {
	e := &catalog.Entity{}
	setAll(reflect.ValueOf(e).Elem())
	return e
}

func setAll(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("v " + v.Type().Name() + " #x: 'q' \"d\"")
	case reflect.Int, reflect.Int64:
		v.SetInt(3)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				setAll(v.Field(i))
			}
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		setAll(s.Index(0))
		setAll(s.Index(1))
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		k.SetString("key/x")
		if e.Kind() == reflect.Interface {
			e.Set(reflect.ValueOf([]any{"a", 1}))
		} else {
			setAll(e)
		}
		m.SetMapIndex(k, e)
		v.Set(m)
	}
}
