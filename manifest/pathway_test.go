package manifest_test

import (
	"encoding/json"
	"io/fs"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pathwaysync/pathwaysync/manifest"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// splitTree is a version 3 tree of two pathways with two files each and
// one file outside them.
func splitTree(t *testing.T) (*manifest.Manifest, map[string][]byte) {
	t.Helper()
	b := seed()
	b.Title, b.Skills = "Senior Engineer to Lead Engineer", []string{"z"}
	m := build(map[string]*pathway.Pathway{"a": seed(), "b": b})
	m.Pathways[0].Source, m.Pathways[1].Source = "a.txt", "b.html"
	m.Roles = map[string]string{"Junior Engineer": "junior-engineer"}
	m.Files = []string{"catalog-info.yaml", "pathways/a/catalog-info.yaml", "pathways/a/docs/index.md",
		"pathways/b/catalog-info.yaml", "pathways/b/docs/index.md", "roles/junior-engineer/catalog-info.yaml"}
	files, err := m.MarshalTree()
	if err != nil {
		t.Fatal(err)
	}
	return m, files
}

// TestSplitRoundTrip: MarshalTree writes the root index and one part per
// pathway; ParseTree gives back the whole manifest, every file listed.
func TestSplitRoundTrip(t *testing.T) {
	m, files := splitTree(t)
	if len(files) != 3 {
		t.Fatalf("files %v", keys(files))
	}
	root := string(files[manifest.FileName])
	if strings.Contains(root, "sections") || strings.Contains(root, "docs/index.md") || !strings.Contains(root, `"source": "b.html"`) {
		t.Errorf("the root holds more (or less) than the index:\n%s", root)
	}
	got, err := manifest.ParseTree(files[manifest.FileName], func(p string) ([]byte, error) { return files[p], nil })
	if err != nil {
		t.Fatal(err)
	}
	want := *m
	want.Files = append(want.Files, manifest.PathwayFile("a"), manifest.PathwayFile("b"))
	got.Files = sorted(got.Files)
	want.Files = sorted(want.Files)
	if !reflect.DeepEqual(got, &want) {
		t.Errorf("ParseTree = %+v\nwant %+v", got, &want)
	}
	if d := manifest.Diff(m, got); len(d) != 0 {
		t.Errorf("diff against itself: %+v", d)
	}
}

// TestWritePathwayMatchesEncodingJSON: a part is json.MarshalIndent's
// layout of its fields.
func TestWritePathwayMatchesEncodingJSON(t *testing.T) {
	p := manifest.ForPathway("a", seed())
	p.Source = "odd <&> \"source\"\u2028.txt"
	var b strings.Builder
	if err := manifest.WritePathway(&b, &p, []string{"catalog-info.yaml", "docs/index.md"}); err != nil {
		t.Fatal(err)
	}
	want, err := json.MarshalIndent(struct {
		Generator string `json:"generator"`
		Version   int    `json:"version"`
		manifest.Pathway
		Files []string `json:"files"`
	}{manifest.Generator, manifest.Version, p, []string{"catalog-info.yaml", "docs/index.md"}}, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want)+"\n" {
		t.Errorf("WritePathway:\n%s\nencoding/json:\n%s", b.String(), want)
	}
}

// TestIndexOnlyIsUnknown: a root read without the parts cannot count a
// pathway: Diff says Unknown, never "unchanged", and still sees
// additions, removals and new titles.
func TestIndexOnlyIsUnknown(t *testing.T) {
	_, files := splitTree(t)
	old, err := manifest.Parse(files[manifest.FileName])
	if err != nil {
		t.Fatal(err)
	}
	nw, _ := manifest.ParseTree(files[manifest.FileName], func(p string) ([]byte, error) { return files[p], nil })
	nw.Pathways[1].Title = "Renamed"
	nw.Pathways = append(nw.Pathways, manifest.Pathway{Name: "c", Title: "C"})
	got := manifest.Diff(old, nw)
	if len(got) != 3 || !got[0].Unknown || got[1].OldTitle != "Senior Engineer to Lead Engineer" || !got[1].Unknown || got[2].Type != manifest.Added {
		t.Errorf("Diff = %+v", got)
	}
}

// TestParseTreeErrors: a missing, foreign or mismatched part, or one
// listing a path out of its folder, is an error naming the part.
func TestParseTreeErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(files map[string][]byte)
		want string
	}{
		{"missing part", func(f map[string][]byte) { delete(f, "pathways/b/"+manifest.PathwayFileName) }, "pathways/b/pathwaysync-pathway.json"},
		{"not JSON", func(f map[string][]byte) { f["pathways/a/"+manifest.PathwayFileName] = []byte("{") }, "parse pathways/a/pathwaysync-pathway.json"},
		{"other generator", func(f map[string][]byte) {
			f["pathways/a/"+manifest.PathwayFileName] = []byte(`{"generator":"x","version":3,"name":"a"}`)
		}, `generator "x"`},
		{"another pathway's part", func(f map[string][]byte) {
			f["pathways/a/"+manifest.PathwayFileName] = f["pathways/b/"+manifest.PathwayFileName]
		}, `describes pathway "b"`},
		{"file out of the folder", func(f map[string][]byte) {
			f["pathways/a/"+manifest.PathwayFileName] = []byte(`{"generator":"pathwaysync","version":3,"name":"a","files":["../b/x"]}`)
		}, `"../b/x" is not a clean path`},
		{"version 2 part", func(f map[string][]byte) {
			f["pathways/a/"+manifest.PathwayFileName] = []byte(`{"generator":"pathwaysync","version":2,"name":"a"}`)
		}, "unsupported version 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, files := splitTree(t)
			tc.edit(files)
			_, err := manifest.ParseTree(files[manifest.FileName], func(p string) ([]byte, error) {
				if d, ok := files[p]; ok {
					return d, nil
				}
				return nil, fs.ErrNotExist
			})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want it to say %q", err, tc.want)
			}
		})
	}
}

// TestReadTreeNames: a folder's names and every file its manifest lists,
// parts included; a part that is a link or missing lists nothing.
func TestReadTreeNames(t *testing.T) {
	_, files := splitTree(t)
	fsys := fstest.MapFS{}
	for p, d := range files {
		fsys[p] = &fstest.MapFile{Data: d}
	}
	m, err := manifest.ReadTreeNames(fsys)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"catalog-info.yaml", "pathways/a/catalog-info.yaml", "pathways/a/docs/index.md", "pathways/a/" + manifest.PathwayFileName,
		"pathways/b/catalog-info.yaml", "pathways/b/docs/index.md", "pathways/b/" + manifest.PathwayFileName, "roles/junior-engineer/catalog-info.yaml"}
	if got := sorted(m.Files); !reflect.DeepEqual(got, want) || m.Pathways[1].Source != "b.html" || !m.Pathways[0].IndexOnly {
		t.Errorf("files %q\npathways %+v", got, m.Pathways)
	}
	fsys["pathways/b/"+manifest.PathwayFileName] = &fstest.MapFile{Data: []byte("x"), Mode: fs.ModeSymlink}
	m, err = manifest.ReadTreeNames(fsys)
	if err != nil || len(m.Files) != len(want)-3 {
		t.Errorf("with a linked part: %q, %v", m.Files, err)
	}
}

func keys(m map[string][]byte) []string { return slices.Sorted(maps.Keys(m)) }

func sorted(ss []string) []string { return slices.Sorted(slices.Values(ss)) }
