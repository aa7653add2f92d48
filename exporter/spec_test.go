package exporter

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	sigsyaml "sigs.k8s.io/yaml"

	"github.com/pathwaysync/pathwaysync/manifest"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// TestSpecCarriesContent: a reader of catalog-info.yaml gets back each
// pathway's whole content from spec.pathway in pathway.Pathway's JSON
// shapes, with odd text intact, and the source as the manifest records it.
func TestSpecCarriesContent(t *testing.T) {
	ps := loadExamples(t)
	odd := mkPathway(`Odd: "quoted" #x 'q' - [y]`, "A: b", "- c", "Odd")
	odd.Summary = "line one\nline two: yes\n- no"
	odd.FocusAreas = []pathway.FocusArea{{Title: "null", Text: "1e3"}, {Title: "F"}}
	odd.AILiteracy = &pathway.AILiteracy{Items: []string{"&anchor *alias"}}
	odd.Reading = []pathway.Book{{Title: "B", Authors: "A", Description: "{d}"}}
	odd.Courses = []pathway.Course{{Title: "C", Provider: "P"}}
	odd.Archetypes = &pathway.Archetypes{Intro: "in", Roles: []pathway.Role{{Title: "R", URL: "https://x.example/r"}}}
	odd.Source = "/home/someone/secret-folder/odd.yaml"
	ps = append(ps, odd)
	res, err := Render(ps, Options{})
	if err != nil {
		t.Fatal(err)
	}
	files := filesByPath(res)
	sources := map[string]string{}
	for _, mp := range res.Manifest.Pathways {
		sources[mp.Name] = mp.Source
	}
	for i, p := range res.Pathways {
		name := res.Manifest.Pathways[i].Name
		// content is the part of pathway.Pathway spec.pathway carries,
		// in the same JSON shapes.
		type content struct {
			Summary    string              `json:"summary,omitempty"`
			FocusAreas []pathway.FocusArea `json:"focusAreas,omitempty"`
			Skills     []string            `json:"skills,omitempty"`
			Behaviours []string            `json:"behaviours,omitempty"`
			Projects   []string            `json:"projects,omitempty"`
			AILiteracy *pathway.AILiteracy `json:"aiLiteracy,omitempty"`
			Reading    []pathway.Book      `json:"reading,omitempty"`
			Courses    []pathway.Course    `json:"courses,omitempty"`
			Archetypes *pathway.Archetypes `json:"roleArchetypes,omitempty"`
			Source     string              `json:"source,omitempty"`
		}
		var doc struct {
			Spec struct {
				Pathway struct {
					content
					Counts map[string]int `json:"counts"`
				} `json:"pathway"`
			} `json:"spec"`
		}
		if err := sigsyaml.Unmarshal(files["pathways/"+name+"/catalog-info.yaml"], &doc); err != nil {
			t.Fatal(err)
		}
		got := doc.Spec.Pathway.content
		if got.Source != sources[name] || got.Source == "" {
			t.Errorf("%s: spec source %q, manifest source %q", name, got.Source, sources[name])
		}
		if strings.Contains(got.Source, "/home/") || strings.HasPrefix(got.Source, "/") {
			t.Errorf("%s: source %q leaks a local folder", name, got.Source)
		}
		want := content{p.Summary, p.FocusAreas, p.Skills, p.Behaviours, p.Projects, p.AILiteracy, p.Reading, p.Courses, p.Archetypes, got.Source}
		if !reflect.DeepEqual(got, want) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			t.Errorf("%s: spec.pathway content\n%s\nwant\n%s", name, g, w)
		}
		if doc.Spec.Pathway.Counts["skills"] != len(p.Skills) {
			t.Errorf("%s: counts lost: %v", name, doc.Spec.Pathway.Counts)
		}
	}
	var m manifest.Manifest
	if err := json.Unmarshal(files[manifest.FileName], &m); err != nil || m.Version != manifest.Version {
		t.Fatalf("manifest version %d, %v", m.Version, err)
	}
}

func TestSourceRef(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"https://x.example/p?q=1", "https://x.example/p?q=1"},
		{"github://o/r/pathways/a.yaml@main", "github://o/r/pathways/a.yaml@main"},
		{"examples/a.txt", "examples/a.txt"},
		{"./examples//a.txt", "examples/a.txt"},
		{`examples\sub\a.txt`, "examples/sub/a.txt"},
		{"/home/me/pathways/a.txt", "a.txt"},
		{`C:\Users\me\a.txt`, "a.txt"},
		{"../../etc/a.txt", "a.txt"},
		{"..", ""},
		{"/", ""},
	} {
		if got := sourceRef(tc.in); got != tc.want {
			t.Errorf("sourceRef(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
