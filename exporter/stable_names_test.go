package exporter

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pathwaysync/pathwaysync/manifest"
	"github.com/pathwaysync/pathwaysync/pathway"
)

func fromSource(src, title, from, to string) pathway.Pathway {
	p := mkPathway(title, from, to, "Engineering")
	p.Source = src
	return p
}

// entityNames maps each entity's kind and title to its name.
func entityNames(res *Result) map[string]string {
	m := map[string]string{}
	for _, e := range res.Entities {
		m[e.Kind+" "+e.Metadata.Title] = e.Metadata.Name
	}
	return m
}

// TestNamesStable is issue 9 item 5: adding, removing or reordering other
// pathways never renames a pathway or a role the previous tree published.
func TestNamesStable(t *testing.T) {
	a := fromSource("a.txt", "Senior Engineer to Lead Engineer", "Senior Engineer", "Lead Engineer")
	b := fromSource("b.txt", "Senior-Engineer to Lead-Engineer", "Senior-Engineer", "Lead-Engineer")
	first, err := Render([]pathway.Pathway{a}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	was := entityNames(first)
	if was["Component Senior Engineer to Lead Engineer"] != "senior-engineer-to-lead-engineer" {
		t.Fatalf("first export names %v", was)
	}

	// b alone maps to a's name: an error naming both sources.
	_, err = Render([]pathway.Pathway{a, b}, Options{Previous: &first.Manifest})
	if err == nil || !strings.Contains(err.Error(), "a.txt") || !strings.Contains(err.Error(), "b.txt") ||
		!strings.Contains(err.Error(), `"senior-engineer-to-lead-engineer"`) {
		t.Fatalf("a clash: %v", err)
	}

	// With an explicit name for b (by config, the page text has none),
	// nothing of a's is renamed, its roles included, in any order.
	for _, ps := range [][]pathway.Pathway{{a, b}, {b, a}} {
		res, err := Render(ps, Options{Previous: &first.Manifest, Names: map[string]string{"b.txt": "senior-engineer-to-lead-engineer-b"}})
		if err != nil {
			t.Fatal(err)
		}
		now := entityNames(res)
		for k, n := range was {
			if now[k] != n {
				t.Errorf("%s renamed %q → %q", k, n, now[k])
			}
		}
		if now["Component Senior-Engineer to Lead-Engineer"] != "senior-engineer-to-lead-engineer-b" {
			t.Errorf("explicit name not used: %v", now)
		}
		if r := now["Resource Senior-Engineer"]; r == "" || r == was["Resource Senior Engineer"] {
			t.Errorf("new role named %q", r)
		}
		if got := res.Manifest.Roles["Senior Engineer"]; got != "senior-engineer" {
			t.Errorf("manifest role name %q", got)
		}
	}
}

// TestNamesKeptOnUpgrade: names today's releases publish — hash-suffixed
// ones from a version 1 manifest without sources included — are kept, and
// removing one of two clashing pathways renames neither.
func TestNamesKeptOnUpgrade(t *testing.T) {
	a := fromSource("a.txt", "Foo Bar", "A", "B")
	b := fromSource("b.txt", "Foo-Bar", "A", "B")
	old := &manifest.Manifest{Generator: manifest.Generator, Version: 1, Pathways: []manifest.Pathway{
		{Name: "foo-bar-0c5a1f", Title: "Foo Bar"}, {Name: "foo-bar-9e1d2b", Title: "Foo-Bar"}}}
	for _, ps := range [][]pathway.Pathway{{a, b}, {b, a}, {a}, {b}} {
		res, err := Render(ps, Options{Previous: old})
		if err != nil {
			t.Fatal(err)
		}
		now := entityNames(res)
		for _, p := range ps {
			want := map[string]string{"Foo Bar": "foo-bar-0c5a1f", "Foo-Bar": "foo-bar-9e1d2b"}[p.Title]
			if got := now["Component "+p.Title]; got != want {
				t.Errorf("%s: %q, want the published %q", p.Title, got, want)
			}
		}
	}
	// A pathway retitled in the same source keeps its name.
	v2, err := Render([]pathway.Pathway{a}, Options{Previous: old})
	if err != nil {
		t.Fatal(err)
	}
	re := fromSource("a.txt", "Foo Bar Renamed", "A", "B")
	res, err := Render([]pathway.Pathway{re}, Options{Previous: &v2.Manifest})
	if err != nil {
		t.Fatal(err)
	}
	if got := entityNames(res)["Component Foo Bar Renamed"]; got != "foo-bar-0c5a1f" {
		t.Errorf("retitled pathway named %q", got)
	}
}

func TestExplicitNames(t *testing.T) {
	a := fromSource("/abs/pages/a.txt", "Foo Bar", "A", "B")
	b := named(fromSource("b.yaml", "Foo-Bar", "A", "B"), "foo-bar-yaml")
	res, err := Render([]pathway.Pathway{a, b}, Options{Names: map[string]string{"a.txt": "the-a"}})
	if err != nil {
		t.Fatal(err)
	}
	now := entityNames(res)
	if now["Component Foo Bar"] != "the-a" || now["Component Foo-Bar"] != "foo-bar-yaml" {
		t.Errorf("explicit names not used: %v", now)
	}
	for _, tc := range []struct {
		ps   []pathway.Pathway
		want string
	}{
		{[]pathway.Pathway{named(a, "Not_A_Name")}, `/abs/pages/a.txt: name: "Not_A_Name" is not an entity name`},
		{[]pathway.Pathway{named(a, "same"), named(b, "same")}, `both map to entity name "same"`},
		{[]pathway.Pathway{a, b}, ""},
	} {
		_, err := Render(tc.ps, Options{Names: map[string]string{"/abs/pages/a.txt": strings.Repeat("x", 64)}})
		want := tc.want
		if want == "" {
			want = `catalog.names: "xxxx`
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want %s", err, want)
		}
	}
}

// TestExportKeepsTargetNames: Export reads the names its target published.
func TestExportKeepsTargetNames(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	a := fromSource("a.txt", "Senior Engineer to Lead Engineer", "Senior Engineer", "Lead Engineer")
	b := fromSource("b.txt", "Senior-Engineer to Lead-Engineer", "Senior-Engineer", "Lead-Engineer")
	if _, err := Export(context.Background(), dir, []pathway.Pathway{b}, Options{}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	before := treeNames(t, dir)
	if _, err := Export(context.Background(), dir, []pathway.Pathway{a, b}, Options{Names: map[string]string{"a.txt": "a-pathway"}}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	after := treeNames(t, dir)
	for _, n := range before {
		if !slices.Contains(after, n) {
			t.Errorf("%s renamed; before %v, after %v", n, before, after)
		}
	}
}

// treeNames are the entity files of the tree in dir.
func treeNames(t *testing.T, dir string) []string {
	t.Helper()
	m := readTreeNames(dir)
	if m == nil {
		t.Fatal("no manifest")
	}
	var out []string
	for _, f := range m.Files {
		if strings.HasSuffix(f, ".yaml") && !strings.HasPrefix(f, "pathways/") || strings.HasSuffix(f, "/catalog-info.yaml") {
			out = append(out, f)
		}
	}
	return slices.Sorted(slices.Values(out))
}

// TestPreviousNamesMustBeSlugs: a hand-edited manifest cannot make a name
// (and so a folder) of anything but a slug.
func TestPreviousNamesMustBeSlugs(t *testing.T) {
	a := fromSource("a.txt", "Foo Bar", "A", "B")
	old := &manifest.Manifest{Generator: manifest.Generator, Version: manifest.Version,
		Pathways: []manifest.Pathway{{Name: "../../etc", Title: "Foo Bar", Source: "a.txt"}},
		Roles:    map[string]string{"A": "Bad Name"}}
	res, err := Render([]pathway.Pathway{a}, Options{Previous: old})
	if err != nil {
		t.Fatal(err)
	}
	now := entityNames(res)
	if now["Component Foo Bar"] != "foo-bar" || now["Resource A"] != "a" {
		t.Errorf("names %v", now)
	}
}
