package exporter

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pathwaysync/pathwaysync/manifest"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// tree lists the files under dir with their content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func siblings(t *testing.T, parent string) []string {
	t.Helper()
	es, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func TestWrite(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	ctx := context.Background()
	big, err := Render([]pathway.Pathway{mkPathway("One", "A", "B", "D"), mkPathway("Two", "B", "C", "D")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := Write(ctx, dir, big, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := tree(t, dir)
	var bytesWant int64
	for _, f := range big.Files {
		bytesWant += int64(len(f.Data))
		if got[f.Path] != string(f.Data) {
			t.Errorf("%s not written as rendered", f.Path)
		}
	}
	if len(got) != len(big.Files) || st.Files != len(big.Files) || st.Bytes != bytesWant {
		t.Errorf("wrote %d files (stats %+v), want %d files, %d bytes", len(got), st, len(big.Files), bytesWant)
	}
	// A smaller tree replaces it: stale files vanish.
	small, err := Render([]pathway.Pathway{mkPathway("One", "A", "B", "D")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Write(ctx, dir, small, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	got = tree(t, dir)
	if len(got) != len(small.Files) {
		t.Errorf("after rewrite %d files, want %d", len(got), len(small.Files))
	}
	for p := range got {
		if strings.Contains(p, "/two/") {
			t.Errorf("stale file %s kept", p)
		}
	}
	if s := siblings(t, parent); len(s) != 1 || s[0] != "out" {
		t.Errorf("leftovers next to the tree: %v", s)
	}
}

func TestWriteRefusesForeignFolder(t *testing.T) {
	res, err := Render([]pathway.Pathway{mkPathway("One", "A", "B", "D")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		manifest string // content of a manifest file, "" for none
	}{{"no manifest", ""}, {"foreign manifest", `{"generator":"other","version":1}`}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "precious.txt"), []byte("keep"), 0o644); err != nil {
				t.Fatal(err)
			}
			if tc.manifest != "" {
				if err := os.WriteFile(filepath.Join(dir, manifest.FileName), []byte(tc.manifest), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			before := tree(t, dir)
			if _, err := Write(ctx, dir, res, WriteOptions{}); !errors.Is(err, ErrNotOurs) {
				t.Fatalf("Write = %v, want ErrNotOurs", err)
			}
			if after := tree(t, dir); len(after) != len(before) || after["precious.txt"] != "keep" {
				t.Errorf("folder changed: %v", after)
			}
			if s := siblings(t, filepath.Dir(dir)); len(s) != 1 {
				t.Errorf("leftovers: %v", s)
			}
			if _, err := Write(ctx, dir, res, WriteOptions{Force: true}); err != nil {
				t.Fatalf("Force: %v", err)
			}
			if after := tree(t, dir); len(after) != len(res.Files) {
				t.Errorf("forced tree has %d files, want %d", len(after), len(res.Files))
			}
		})
	}
	// An empty folder is fine without Force.
	dir := t.TempDir()
	if _, err := Write(ctx, dir, res, WriteOptions{}); err != nil {
		t.Errorf("empty folder: %v", err)
	}
}

func TestWriteRejectsUnsafePaths(t *testing.T) {
	ctx := context.Background()
	base, err := Render([]pathway.Pathway{mkPathway("One", "A", "B", "D")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"../escape.yaml", "a/../../escape", "/abs/path", "a//b", "a/./b", `a\..\b`, "", ".", "a/", "nul\x00"} {
		t.Run(p, func(t *testing.T) {
			parent := t.TempDir()
			res := *base
			res.Files = append(append([]File(nil), base.Files...), File{Path: p, Data: []byte("x")})
			if _, err := Write(ctx, filepath.Join(parent, "out"), &res, WriteOptions{}); err == nil {
				t.Fatalf("path %q accepted", p)
			}
			if s := siblings(t, parent); len(s) != 0 {
				t.Errorf("something was written: %v", s)
			}
		})
	}
	// No manifest: not a pathwaysync tree.
	res := *base
	res.Files = nil
	for _, f := range base.Files {
		if f.Path != manifest.FileName {
			res.Files = append(res.Files, f)
		}
	}
	if _, err := Write(ctx, filepath.Join(t.TempDir(), "out"), &res, WriteOptions{}); err == nil {
		t.Error("a result without manifest was written")
	}
}

func TestWriteSymlinkTarget(t *testing.T) {
	res, err := Render([]pathway.Pathway{mkPathway("One", "A", "B", "D")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	parent := t.TempDir()
	elsewhere := t.TempDir()
	link := filepath.Join(parent, "out")
	if err := os.Symlink(elsewhere, link); err != nil {
		t.Skip(err)
	}
	if _, err := Write(context.Background(), link, res, WriteOptions{Force: true}); err == nil {
		t.Error("wrote through a symbolic link")
	}
	if s := siblings(t, elsewhere); len(s) != 0 {
		t.Errorf("wrote into the link's target: %v", s)
	}
}

func TestWriteCanceled(t *testing.T) {
	res, err := Render([]pathway.Pathway{mkPathway("One", "A", "B", "D")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	if _, err := Write(context.Background(), dir, res, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	before := tree(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res2, err := Render([]pathway.Pathway{mkPathway("Two", "A", "B", "D")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Write(ctx, dir, res2, WriteOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Write = %v, want context.Canceled", err)
	}
	after := tree(t, dir)
	if len(after) != len(before) || !bytes.Equal([]byte(after[manifest.FileName]), []byte(before[manifest.FileName])) {
		t.Error("a canceled write changed the tree")
	}
	if s := siblings(t, parent); len(s) != 1 {
		t.Errorf("leftovers: %v", s)
	}
}
