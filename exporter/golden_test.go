package exporter

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/pathwaysync/pathwaysync/pathway"
)

var update = flag.Bool("update", false, "rewrite golden files")

const examplesDir = "../examples/pathways"

// loadExamples imports every example pathway page.
func loadExamples(t testing.TB) []pathway.Pathway {
	t.Helper()
	out := loadPages(t, examplesDir)
	if len(out) < 2 {
		t.Fatalf("only %d example pathways", len(out))
	}
	return out
}

// loadPages imports every pathway page of dir, as files named by their
// base name (the Source the tree records).
func loadPages(t testing.TB, dir string) []pathway.Pathway {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []pathway.Pathway
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		ps, _, err := pathway.Parse(e.Name(), data)
		if err != nil {
			t.Fatalf("parse %s: %v", e.Name(), err)
		}
		out = append(out, ps...)
	}
	return out
}

// goldenOptions render the golden trees: with a Backstage URL, so that
// the links into the app are part of what is reviewed.
var goldenOptions = Options{BackstageURL: "https://backstage.example.com"}

func renderExamples(t testing.TB) *Result {
	t.Helper()
	res, err := Render(loadExamples(t), goldenOptions)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestGoldenExamples compares the whole exported tree of the examples with
// testdata/golden/examples (go test -update rewrites it).
func TestGoldenExamples(t *testing.T) {
	checkGolden(t, renderExamples(t), filepath.Join("testdata", "golden", "examples"))
}

// cutOffDir holds two pages of one discipline: a complete one and one cut
// off in its reading list, which names its own URL.
const cutOffDir = "testdata/cutoff"

// renderCutOff renders the pages of cutOffDir with goldenOptions.
func renderCutOff(t testing.TB) *Result {
	t.Helper()
	ps := loadPages(t, cutOffDir)
	n := 0
	for _, p := range ps {
		if p.Incomplete != "" {
			n++
		}
	}
	if len(ps) != 2 || n != 1 {
		t.Fatalf("%s: %d pathways, %d cut off; want 2 and 1", cutOffDir, len(ps), n)
	}
	res, err := Render(ps, goldenOptions)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestGoldenCutOff compares the tree of a discipline with a cut-off
// pathway with testdata/golden/cutoff: the marked entity, the note atop
// its docs, the marked step of the ladder (go test -update rewrites it).
func TestGoldenCutOff(t *testing.T) {
	checkGolden(t, renderCutOff(t), filepath.Join("testdata", "golden", "cutoff"))
}

// checkGolden compares every file of res with the folder golden, and the
// file lists both ways; with -update it first rewrites the folder.
func checkGolden(t *testing.T, res *Result, golden string) {
	t.Helper()
	if *update {
		if err := os.RemoveAll(golden); err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Files {
			p := filepath.Join(golden, filepath.FromSlash(f.Path))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	var onDisk []string
	err := filepath.WalkDir(golden, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(golden, p)
		onDisk = append(onDisk, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	sort.Strings(onDisk)
	var rendered []string
	for _, f := range res.Files {
		rendered = append(rendered, f.Path)
		want, err := os.ReadFile(filepath.Join(golden, filepath.FromSlash(f.Path)))
		if err != nil {
			t.Errorf("%s: %v (run go test -update)", f.Path, err)
			continue
		}
		if !bytes.Equal(f.Data, want) {
			t.Errorf("%s differs from its golden file (run go test -update to accept):\n%s", f.Path, f.Data)
		}
	}
	if a, b := join(onDisk), join(rendered); a != b {
		t.Errorf("golden files:\n%s\nrendered files:\n%s", a, b)
	}
}

func join(s []string) string {
	var b bytes.Buffer
	for _, x := range s {
		b.WriteString(x + "\n")
	}
	return b.String()
}
