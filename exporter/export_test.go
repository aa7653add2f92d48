package exporter

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pathwaysync/pathwaysync/pathway"
)

// exportInputs are pathways that exercise every part of the tree.
func exportInputs(t *testing.T) []pathway.Pathway {
	return append(loadExamples(t), injectionPathway(),
		mkPathway("Foo Bar", "A", "B", "X"), named(mkPathway("Foo-Bar", "a", "C", "x"), "foo-bar-2"))
}

// named is p with the explicit entity name n.
func named(p pathway.Pathway, n string) pathway.Pathway {
	p.Name = n
	return p
}

// TestExportMatchesRender proves Export writes exactly Render's files,
// whatever the input order, also over an earlier tree (whose stale files
// vanish), and counts them.
func TestExportMatchesRender(t *testing.T) {
	ps := exportInputs(t)
	res, err := Render(ps, Options{})
	if err != nil {
		t.Fatal(err)
	}
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	// An earlier, larger tree: its extra pathway must vanish.
	if _, err := Export(context.Background(), dir, append(ps[:len(ps):len(ps)], mkPathway("Gone", "A", "B", "X")), Options{}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	// Input order never matters: export a shuffled copy.
	shuffled := append([]pathway.Pathway(nil), ps...)
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	sum, err := Export(context.Background(), dir, shuffled, Options{}, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := tree(t, dir)
	var bytesWant int64
	for _, f := range res.Files {
		bytesWant += int64(len(f.Data))
		if g, ok := got[f.Path]; !ok || g != string(f.Data) {
			t.Errorf("%s: exported bytes differ from Render's", f.Path)
		}
	}
	if len(got) != len(res.Files) {
		t.Errorf("exported %d files, Render has %d", len(got), len(res.Files))
	}
	want := Summary{Pathways: len(res.Pathways), Entities: len(res.Entities), Files: len(res.Files), Bytes: bytesWant}
	if !reflect.DeepEqual(sum, want) {
		t.Errorf("summary %+v, want %+v", sum, want)
	}
	if s := siblings(t, parent); len(s) != 1 || s[0] != "out" {
		t.Errorf("leftovers next to the tree: %v", s)
	}
}

// TestExportGolden compares the exported examples with the golden tree.
func TestExportGolden(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	if _, err := Export(context.Background(), dir, loadExamples(t), goldenOptions, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	got, want := tree(t, dir), tree(t, filepath.Join("testdata", "golden", "examples"))
	if len(got) != len(want) {
		t.Errorf("exported %d files, golden has %d", len(got), len(want))
	}
	for p, w := range want {
		if got[p] != w {
			t.Errorf("%s differs from its golden file", p)
		}
	}
}

// invalidPathway renders to an entity the catalog rejects (a link URL
// with an empty host name).
func invalidPathway(t *testing.T) pathway.Pathway {
	p := mkPathway("Bad", "A", "B", "X")
	p.From.URL = "https://:80/role"
	if _, err := Render([]pathway.Pathway{p}, Options{}); err == nil {
		t.Fatal("the invalid pathway renders; the test needs another input the catalog rejects")
	}
	return p
}

// TestExportFailureLeavesTarget: an invalid entity, a foreign folder or a
// canceled context change nothing and leave no litter.
func TestExportFailureLeavesTarget(t *testing.T) {
	good := exportInputs(t)
	bad := append(good[:len(good):len(good)], invalidPathway(t))
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name    string
		ctx     context.Context
		ps      []pathway.Pathway
		foreign bool
		want    func(error) bool
	}{
		{"invalid entity", context.Background(), bad, false, func(err error) bool {
			return strings.Contains(err.Error(), "component:pathways/bad: metadata.links[0].url")
		}},
		{"foreign folder", context.Background(), good, true, func(err error) bool { return errors.Is(err, ErrNotOurs) }},
		{"canceled", canceled, good, false, func(err error) bool { return errors.Is(err, context.Canceled) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, "out")
			if tc.foreign {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "precious.txt"), []byte("keep"), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if _, err := Export(context.Background(), dir, good[:2], Options{}, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			before := tree(t, dir)
			_, err := Export(tc.ctx, dir, tc.ps, Options{}, WriteOptions{})
			if err == nil || !tc.want(err) {
				t.Fatalf("Export = %v", err)
			}
			after := tree(t, dir)
			if len(after) != len(before) {
				t.Errorf("tree changed: %d files, had %d", len(after), len(before))
			}
			for p, b := range before {
				if after[p] != b {
					t.Errorf("%s changed", p)
				}
			}
			if s := siblings(t, parent); len(s) != 1 {
				t.Errorf("leftovers: %v", s)
			}
			if tc.foreign {
				if _, err := Export(tc.ctx, dir, tc.ps, Options{}, WriteOptions{Force: true}); err != nil {
					t.Errorf("Force: %v", err)
				}
			}
		})
	}
}

// TestCheckMatchesExport: Check reports what Export would, without a folder.
func TestCheckMatchesExport(t *testing.T) {
	ps := exportInputs(t)
	want, err := Export(context.Background(), filepath.Join(t.TempDir(), "out"), ps, Options{}, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Check(context.Background(), ps, Options{})
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Check = %+v, %v; Export gave %+v", got, err, want)
	}
	bad := append(ps[:len(ps):len(ps)], invalidPathway(t))
	_, exportErr := Export(context.Background(), filepath.Join(t.TempDir(), "out"), bad, Options{}, WriteOptions{})
	_, checkErr := Check(context.Background(), bad, Options{})
	if exportErr == nil || checkErr == nil || checkErr.Error() != exportErr.Error() {
		t.Errorf("Check error %v\nExport error %v", checkErr, exportErr)
	}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Check(canceled, ps, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled Check = %v", err)
	}
}

// TestDiscardChecksPaths: Check's sink refuses what a folder would.
func TestDiscardChecksPaths(t *testing.T) {
	d := &discard{seen: map[string]bool{}}
	if err := d.Put(File{Path: "a/b.md"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := d.Put(File{Path: "a/b.md"}, nil); !errors.Is(err, os.ErrExist) {
		t.Errorf("second write = %v, want ErrExist", err)
	}
	for _, p := range []string{"../x", "/abs", "a/../b", ""} {
		if err := d.Put(File{Path: p}, nil); err == nil {
			t.Errorf("%q accepted", p)
		}
	}
	n, err := d.PutStream("m.json", func(w io.Writer) error { _, err := io.WriteString(w, "12345"); return err })
	if n != 5 || err != nil {
		t.Errorf("PutStream = %d, %v", n, err)
	}
}
