package manifest_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/pathwaysync/pathwaysync/manifest"
	"github.com/pathwaysync/pathwaysync/pathway"
)

func seed() *pathway.Pathway {
	return &pathway.Pathway{
		Title:      "Junior Engineer to Senior Engineer",
		From:       pathway.Role{Title: "Junior Engineer"},
		To:         pathway.Role{Title: "Senior Engineer"},
		Summary:    "Grow.",
		Discipline: "Engineering",
		Skills:     []string{"a", "b", "c"},
		Behaviours: []string{"x"},
		Projects:   []string{"p1", "p2"},
	}
}

func build(ps map[string]*pathway.Pathway) *manifest.Manifest {
	m := &manifest.Manifest{Generator: manifest.Generator, Version: manifest.Version}
	for name, p := range ps {
		m.Pathways = append(m.Pathways, manifest.ForPathway(name, p))
	}
	return m
}

func TestDiff(t *testing.T) {
	base := seed()
	for _, tc := range []struct {
		name   string
		change func(p *pathway.Pathway)
		want   []manifest.Change
	}{
		{"unchanged", func(p *pathway.Pathway) {}, nil},
		{"skills +2 -1", func(p *pathway.Pathway) { p.Skills = []string{"a", "c", "d", "e"} }, []manifest.Change{{
			Type: manifest.Changed, Name: "p", Title: base.Title,
			Sections: []manifest.SectionChange{{Name: "Skills", Added: 2, Removed: 1}},
		}}},
		{"reordered projects", func(p *pathway.Pathway) { p.Projects = []string{"p2", "p1"} }, []manifest.Change{{
			Type: manifest.Changed, Name: "p", Title: base.Title,
			Sections: []manifest.SectionChange{{Name: "Projects", Reordered: true}},
		}}},
		{"summary and title", func(p *pathway.Pathway) { p.Summary = "Grow more."; p.Title = "Renamed" }, []manifest.Change{{
			Type: manifest.Changed, Name: "p", Title: "Renamed", OldTitle: base.Title, SummaryChanged: true,
		}}},
		{"discipline and to-role", func(p *pathway.Pathway) { p.Discipline = "Platform"; p.To.URL = "https://x.example/r" }, []manifest.Change{{
			Type: manifest.Changed, Name: "p", Title: base.Title,
			Sections: []manifest.SectionChange{{Name: "Discipline", Added: 1, Removed: 1}, {Name: "Role archetypes", Added: 1, Removed: 1}},
		}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := seed()
			tc.change(p)
			got := manifest.Diff(build(map[string]*pathway.Pathway{"p": base}), build(map[string]*pathway.Pathway{"p": p}))
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestDiffAddedRemoved(t *testing.T) {
	old := build(map[string]*pathway.Pathway{"a": seed(), "b": seed()})
	nw := build(map[string]*pathway.Pathway{"b": seed(), "c": seed()})
	got := manifest.Diff(old, nw)
	if len(got) != 2 || got[0].Name != "a" || got[0].Type != manifest.Removed || got[1].Name != "c" || got[1].Type != manifest.Added {
		t.Fatalf("got %+v", got)
	}
	if all := manifest.Diff(nil, nw); len(all) != 2 || all[0].Type != manifest.Added {
		t.Fatalf("nil old: %+v", all)
	}
}

func TestMarshalParse(t *testing.T) {
	m := build(map[string]*pathway.Pathway{"b": seed(), "a": seed()})
	m.Files = []string{"z", "a"}
	b1, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := m.Marshal()
	if string(b1) != string(b2) || !strings.HasSuffix(string(b1), "\n") {
		t.Fatal("Marshal is not stable")
	}
	got, err := manifest.Parse(b1)
	if err != nil {
		t.Fatal(err)
	}
	if got.Pathways[0].Name != "a" || got.Files[0] != "a" {
		t.Fatalf("not sorted: %+v", got)
	}
	for _, bad := range []string{`{`, `{"generator":"other","version":1}`, `{"generator":"pathwaysync","version":9}`} {
		if _, err := manifest.Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%s) accepted", bad)
		}
	}
}

func TestFingerprintSeparatesParts(t *testing.T) {
	if manifest.Fingerprint("ab", "c") == manifest.Fingerprint("a", "bc") {
		t.Fatal("parts run together")
	}
}

// TestParseVersion1: trees written before version 2 (no pathway sources)
// are still read, and a version 1 manifest diffs against a version 2 one
// by content, not by the source that version 1 lacks.
func TestParseVersion1(t *testing.T) {
	v1 := `{
 "generator": "pathwaysync",
 "version": 1,
 "files": [
  "catalog-info.yaml"
 ],
 "pathways": [
  {
   "name": "p",
   "title": "Junior Engineer to Senior Engineer",
   "summary": "` + manifest.Fingerprint("Grow.") + `"
  }
 ]
}
`
	old, err := manifest.Parse([]byte(v1))
	if err != nil {
		t.Fatalf("version 1: %v", err)
	}
	if old.Version != 1 || old.Pathways[0].Source != "" || old.Pathways[0].Name != "p" {
		t.Fatalf("version 1 read as %+v", old)
	}
	if err := manifest.CheckHeader(strings.NewReader(v1)); err != nil {
		t.Fatalf("CheckHeader(version 1): %v", err)
	}
	p := &pathway.Pathway{Title: "Junior Engineer to Senior Engineer", Summary: "Grow."}
	nw := build(map[string]*pathway.Pathway{"p": p})
	nw.Pathways[0].Source = "pathways/p.txt"
	nw.Version = 2
	b, err := nw.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"version": 2,`) || !strings.Contains(string(b), `"source": "pathways/p.txt",`) {
		t.Fatalf("version 2 manifest lacks its version or source:\n%s", b)
	}
	got, err := manifest.Parse(b)
	if err != nil || got.Pathways[0].Source != "pathways/p.txt" {
		t.Fatalf("Parse(version 2) = %+v, %v", got, err)
	}
	for _, c := range manifest.Diff(old, got) {
		if c.Type != manifest.Changed || c.SummaryChanged {
			t.Errorf("v1 → v2 of the same pathway: %+v", c)
		}
	}
}

// TestReadNames: ReadNames keeps what Parse reads but the fingerprints,
// for version 2 and version 1 manifests, and refuses what Parse refuses.
func TestReadNames(t *testing.T) {
	m := build(map[string]*pathway.Pathway{"b": seed(), "a": seed()})
	m.Files = []string{"x", "y"}
	m.Pathways[0].Source = "s.txt"
	m.Roles = map[string]string{"Junior Engineer": "junior-engineer"}
	m.Systems = map[string]string{"Engineering": "engineering"}
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	got, err := manifest.ReadNames(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := manifest.Parse(b)
	for i := range want.Pathways {
		want.Pathways[i].Summary, want.Pathways[i].Sections, want.Pathways[i].IndexOnly = "", nil, true
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ReadNames = %+v\nwant %+v", got, want)
	}
	v1 := `{"generator":"pathwaysync","version":1,"files":["a"],"pathways":[{"name":"n","title":"T","sections":{"Skills":["x"]}}]}`
	got, err = manifest.ReadNames(strings.NewReader(v1))
	if err != nil || got.Pathways[0].Name != "n" || got.Pathways[0].Title != "T" || got.Files[0] != "a" {
		t.Fatalf("version 1: %+v, %v", got, err)
	}
	for _, bad := range []string{`{`, `[]`, `{"generator":"other","version":1}`, `{"generator":"pathwaysync","version":9}`, `{"generator":"pathwaysync","version":2,"pathways":{}}`} {
		if _, err := manifest.ReadNames(strings.NewReader(bad)); err == nil {
			t.Errorf("ReadNames(%s) accepted", bad)
		}
	}
}
