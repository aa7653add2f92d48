package catalog_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/catalog/catalogtest"
)

// edit changes one file of a copy of testdata/tree: old → new in file, or
// file deleted when del is set.
type edit struct {
	file, old, new string
	del            bool
}

// want is a problem CheckTree must report: file (inside the tree), line,
// field, and a fragment of the message.
type want struct {
	file  string
	line  int
	field string
	msg   string
}

// treeCases are hand edits of testdata/tree. differential marks the cases
// whose verdict the real catalog must share (the others are rules of this
// check that the catalog does not apply, e.g. TechDocs folders).
var treeCases = []struct {
	name         string
	edits        []edit
	errs         []want
	warns        int
	differential bool
}{
	{name: "good", warns: 1, differential: true},
	{name: "bad name", differential: true,
		edits: []edit{{file: "pathways/a/catalog-info.yaml", old: "name: senior-to-lead", new: "name: senior to lead!"}},
		errs:  []want{{"pathways/a/catalog-info.yaml", 4, "metadata.name", "must be 1-63 characters"}}, warns: 1},
	{name: "bad tag", differential: true,
		edits: []edit{{file: "pathways/a/catalog-info.yaml", old: "    - platform-engineering", new: "    - Platform_Engineering"}},
		errs:  []want{{"pathways/a/catalog-info.yaml", 10, "metadata.tags[1]", `"Platform_Engineering"`}}, warns: 1},
	{name: "missing owner", differential: true,
		edits: []edit{{file: "pathways/a/catalog-info.yaml", old: "  owner: group:default/learning-pathways\n"}},
		errs:  []want{{"pathways/a/catalog-info.yaml", 14, "spec.owner", "is required"}}, warns: 1},
	{name: "wrong kind", differential: true,
		edits: []edit{{file: "systems.yaml", old: "kind: Resource", new: "kind: Resorce"}},
		errs:  []want{{"systems.yaml", 11, "kind", "not an allowed kind"}}, warns: 2},
	{name: "YAML syntax error", differential: true,
		edits: []edit{{file: "roles/lead.yaml", old: "tags: [role-archetype]", new: "tags: [role-archetype"}},
		errs:  []want{{"roles/lead.yaml", 5, "", "YAML syntax error"}}, warns: 2},
	{name: "missing target", differential: true,
		edits: []edit{{file: "systems.yaml", del: true}},
		errs:  []want{{"catalog-info.yaml", 8, "spec.targets[0]", "systems.yaml does not exist"}}, warns: 3},
	{name: "optional target missing", differential: true,
		edits: []edit{{file: "pathways/catalog-info.yaml", old: "spec:\n", new: "spec:\n  presence: optional\n"},
			{file: "pathways/a/catalog-info.yaml", del: true}},
		warns: 1},
	{name: "duplicate entity", differential: true,
		edits: []edit{{file: "roles/senior.yaml", old: "name: senior", new: "name: LEAD"}},
		errs:  []want{{"roles/senior.yaml", 4, "metadata.name", "is also defined at"}}, warns: 2},
	{name: "key given twice", differential: true,
		edits: []edit{{file: "roles/lead.yaml", old: "  type: role-archetype\n", new: "  type: role-archetype\n  owner: group:default/someone-else\n"}},
		errs:  []want{{"roles/lead.yaml", 9, "", "already defined at line 7"}}, warns: 2},
	{name: "document not a mapping", differential: true,
		edits: []edit{{file: "roles/lead.yaml", old: "type: role-archetype\n", new: "type: role-archetype\n---\n- just a list\n"}},
		errs:  []want{{"roles/lead.yaml", 10, "", "must be a mapping"}}, warns: 1},
	{name: "file no Location reads", differential: true,
		edits: []edit{{file: "pathways/a/extra.yaml", new: "apiVersion: backstage.io/v1alpha1\n"}},
		warns: 2},
	{name: "key in the wrong case", differential: true,
		edits: []edit{{file: "roles/lead.yaml", old: "metadata:\n  name: lead", new: "metadata:\n  Name: lead"}},
		errs:  []want{{"roles/lead.yaml", 4, "metadata.Name", `reads only "name"`}}, warns: 2},
	{name: "target outside the folder",
		edits: []edit{{file: "pathways/catalog-info.yaml", old: "[./a/catalog-info.yaml]", new: "[./a/catalog-info.yaml, ../../elsewhere.yaml]"}},
		errs:  []want{{"pathways/catalog-info.yaml", 6, "spec.targets[1]", "outside the catalog folder"}}, warns: 1},
	{name: "techdocs without mkdocs.yml",
		edits: []edit{{file: "pathways/a/mkdocs.yml", del: true}},
		errs:  []want{{"pathways/a/catalog-info.yaml", 7, "metadata.annotations[backstage.io/techdocs-ref]", "has no mkdocs.yml"}}, warns: 1},
	{name: "target is a folder",
		edits: []edit{{file: "pathways/catalog-info.yaml", old: "[./a/catalog-info.yaml]", new: "[./a]"}},
		errs:  []want{{"pathways/catalog-info.yaml", 6, "spec.targets[0]", "cannot read target pathways/a: is a directory"}}, warns: 2},
	{name: "wrong field type",
		edits: []edit{{file: "roles/lead.yaml", old: "tags: [role-archetype]", new: "tags: {a: b}"}},
		errs:  []want{{"roles/lead.yaml", 5, "metadata.tags", "must be a []string"}}, warns: 2},
}

// brokenTree copies testdata/tree into a temporary folder and applies edits.
func brokenTree(t *testing.T, edits []edit) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tree")
	if err := os.CopyFS(dir, os.DirFS("testdata/tree")); err != nil {
		t.Fatal(err)
	}
	for _, e := range edits {
		p := filepath.Join(dir, filepath.FromSlash(e.file))
		if e.del {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		s := string(data)
		if e.old != "" {
			if !strings.Contains(s, e.old) {
				t.Fatalf("%s does not contain %q", e.file, e.old)
			}
			s = strings.Replace(s, e.old, e.new, 1)
		} else {
			s += e.new
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCheckTree(t *testing.T) {
	for _, tt := range treeCases {
		t.Run(tt.name, func(t *testing.T) {
			dir := brokenTree(t, tt.edits)
			rep, err := catalog.CheckTree(dir, catalog.TreeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var errs []catalog.Problem
			warns := 0
			for _, p := range rep.Problems {
				if p.Warning {
					warns++
				} else {
					errs = append(errs, p)
				}
			}
			if len(errs) != len(tt.errs) || warns != tt.warns || rep.Errors() != len(errs) {
				t.Fatalf("%d errors and %d warnings, want %d and %d:\n%s", len(errs), warns, len(tt.errs), tt.warns, problems(rep))
			}
			for i, w := range tt.errs {
				p := errs[i]
				if p.File != filepath.Join(dir, filepath.FromSlash(w.file)) || p.Line != w.line || p.Field != w.field || !strings.Contains(p.Msg, w.msg) {
					t.Errorf("error %d is %v, want %s:%d: %s: …%s…", i, p, w.file, w.line, w.field, w.msg)
				}
			}
		})
	}
}

func TestCheckTreeGood(t *testing.T) {
	rep, err := catalog.CheckTree("testdata/tree", catalog.TreeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Files != 6 || len(rep.Entities) != 7 {
		t.Fatalf("read %d files and %d entities, want 6 and 7: %v", rep.Files, len(rep.Entities), rep.Entities)
	}
	want := "testdata/tree/systems.yaml:7: warning: spec.owner: group:default/learning-pathways is not defined in this tree (first of 5 references)"
	if len(rep.Problems) != 1 || !strings.HasPrefix(rep.Problems[0].String(), want) {
		t.Fatalf("problems:\n%s\nwant %s…", problems(rep), want)
	}
}

func TestCheckTreeRootFile(t *testing.T) {
	dir := brokenTree(t, nil)
	// Started from the nested Location, the rest of the tree is unread.
	rep, err := catalog.CheckTree(dir, catalog.TreeOptions{Root: "pathways/catalog-info.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Files != 2 || rep.Errors() != 0 {
		t.Fatalf("files %d:\n%s", rep.Files, problems(rep))
	}
	for _, root := range []string{"nope.yaml", "../tree/catalog-info.yaml"} {
		if _, err := catalog.CheckTree(dir, catalog.TreeOptions{Root: root}); err == nil {
			t.Errorf("root %s: no error", root)
		}
	}
	if _, err := catalog.CheckTree(filepath.Join(dir, "missing"), catalog.TreeOptions{}); err == nil {
		t.Error("missing folder: no error")
	}
}

// TestCheckTreeSymlinkOutside: a target that is a link out of the folder
// is never read.
func TestCheckTreeSymlinkOutside(t *testing.T) {
	dir := brokenTree(t, nil)
	outside := filepath.Join(filepath.Dir(dir), "outside.yaml")
	if err := os.WriteFile(outside, []byte("kind: Secret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "systems.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "systems.yaml")); err != nil {
		t.Skip(err)
	}
	rep, err := catalog.CheckTree(dir, catalog.TreeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Errors() != 1 || !strings.Contains(problems(rep), "catalog-info.yaml:8: spec.targets[0]: cannot read target systems.yaml: path escapes from parent") {
		t.Fatalf("problems:\n%s", problems(rep))
	}
}

// TestCheckTreeAgainstCatalog is the differential test: for every hand
// edit marked differential, the real catalog fails the tree exactly when
// CheckTree reports an error.
func TestCheckTreeAgainstCatalog(t *testing.T) {
	harness := catalogtest.Harness(t)
	for _, tt := range treeCases {
		if !tt.differential {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			dir := brokenTree(t, tt.edits)
			rep, err := catalog.CheckTree(dir, catalog.TreeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			theirs := catalogtest.Run(t, harness, dir, "--allow-kinds", strings.Join(catalog.DefaultAllowedKinds(), ","))
			if mine := rep.Errors() == 0; mine != theirs.OK {
				t.Errorf("we say ok=%v:\n%s\nthe catalog says ok=%v: %+v", mine, problems(rep), theirs.OK, theirs.Errors)
			}
			if theirs.OK && len(theirs.Accepted) != len(rep.Entities) {
				t.Errorf("the catalog accepted %v, we read %v", theirs.Accepted, rep.Entities)
			}
		})
	}
}

func problems(rep *catalog.TreeReport) string {
	var b strings.Builder
	for _, p := range rep.Problems {
		b.WriteString(p.String() + "\n")
	}
	return b.String()
}

// FuzzCheckTree: whatever the root file holds, CheckTree reports problems
// with a line inside the file, and never panics.
func FuzzCheckTree(f *testing.F) {
	for _, name := range []string{"catalog-info.yaml", "systems.yaml", "pathways/a/catalog-info.yaml"} {
		data, err := os.ReadFile(filepath.Join("testdata/tree", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("a: &x [*x]\n---\n- 1\n---\nkind: [\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "catalog-info.yaml"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		rep, err := catalog.CheckTree(dir, catalog.TreeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// YAML breaks lines at "\r\n", "\r" and "\n" alike.
		text := strings.ReplaceAll(string(data), "\r\n", "\n")
		lines := strings.Count(text, "\n") + strings.Count(text, "\r") + 1
		for _, p := range rep.Problems {
			if p.Line < 0 || p.Line > lines+1 {
				t.Errorf("line %d of a %d-line file: %v", p.Line, lines, p)
			}
		}
	})
}
