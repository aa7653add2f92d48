package exporter

import (
	"bytes"
	"reflect"
	"testing"

	sigsyaml "sigs.k8s.io/yaml"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/internal/yamlemit"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// checkSigs fails unless got is sigs.k8s.io/yaml.Marshal(v).
func checkSigs(t *testing.T, what string, v any, got []byte, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	want, err := sigsyaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s:\n%s\nwant (sigs.k8s.io/yaml):\n%s", what, got, want)
	}
}

// TestEntityYAMLCoversEntity: every field of catalog.Entity (found by
// reflection, so a field added later is compared too), odd strings and
// every spec value type the exporter uses come out as sigs.k8s.io/yaml
// writes them.
func TestEntityYAMLCoversEntity(t *testing.T) {
	odd := "bad \xff\xfe utf-8 <b>&amp;</b> \u2028 ünï\x00"
	full := &catalog.Entity{}
	setAll(reflect.ValueOf(full).Elem())
	withSpec := func(spec map[string]any) *catalog.Entity {
		e := &catalog.Entity{APIVersion: catalog.APIVersion, Kind: catalog.KindComponent,
			Metadata: catalog.Metadata{Name: "x", Annotations: map[string]string{odd: odd, "a\xfe": "1", "a\xff": "2", "yes": "no"},
				Tags: []string{odd, "ok"}, Links: []catalog.Link{{URL: odd}}}, Spec: spec}
		return e
	}
	ps := pathwaySpec{From: odd, To: "- x", Counts: map[string]int{"b": 1, "a": 0, "a10": 2, "a2": 3}, Skills: []string{"1e3", "null"},
		Duration: &durationSpec{MinMonths: 3}, FocusAreas: []pathway.FocusArea{{Title: odd}, {Title: "t", Text: "line\nbreak: 'q'"}},
		AILiteracy: &pathway.AILiteracy{}, Archetypes: &pathway.Archetypes{Roles: []pathway.Role{{Title: "r"}}}}
	var fullSpec pathwaySpec // every field, found by reflection
	setAll(reflect.ValueOf(&fullSpec).Elem())
	for _, e := range []*catalog.Entity{
		full,
		{Kind: "Empty"},
		withSpec(map[string]any{"pathway": ps, "ptr": &ps, "nilPtr": (*pathwaySpec)(nil), "list": []string{}, "nilList": []string(nil),
			"nested": map[string]any{"n": nil, "b": true, "i": int64(-2), "l": []any{"x", 1, map[string]any{}}}, "nilMap": map[string]int(nil)}),
		withSpec(map[string]any{"pathway": pathwaySpec{}}),
		withSpec(map[string]any{"pathway": fullSpec}),
	} {
		got, err := entityYAML(e)
		checkSigs(t, e.Kind, e, got, err)
	}
	cfg := mkdocsConfig{SiteName: odd, DocsDir: "docs", Nav: []navEntry{{"yes", odd}, {odd, "x.md"}}}
	got, err := yamlemit.Marshal(cfg.tree())
	checkSigs(t, "mkdocs.yml", &cfg, got, err)
	if _, err := entityYAML(withSpec(map[string]any{"f": 1.5})); err == nil {
		t.Error("a float in a spec was accepted")
	}
}

func setAll(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("v " + v.Type().Name() + " #x: 'q' \"d\"")
	case reflect.Int, reflect.Int64:
		v.SetInt(3)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		setAll(v.Elem())
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
