package exporter

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"github.com/pathwaysync/pathwaysync/pathway"
)

// TestFilesIsRender: Files gives Render's files byte for byte, its
// Summary counts them, it holds them compressed, and it fails as Render
// does.
func TestFilesIsRender(t *testing.T) {
	ps := loadExamples(t)
	res, err := Render(ps, Options{Namespace: "learning"})
	if err != nil {
		t.Fatal(err)
	}
	packed, sum, err := Files(context.Background(), ps, Options{Namespace: "learning"})
	if err != nil {
		t.Fatal(err)
	}
	files, err := packed.Map()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(res.Files) || sum.Files != len(files) || sum.Pathways != len(ps) || len(packed.Paths()) != len(files) {
		t.Fatalf("%d files, summary %+v; Render has %d", len(files), sum, len(res.Files))
	}
	var size, held int64
	for i, f := range res.Files {
		if packed.Paths()[i] != f.Path || !bytes.Equal(files[f.Path], f.Data) {
			t.Errorf("%s differs from Render's", f.Path)
		}
		size += int64(len(f.Data))
		held += int64(len(packed.files[f.Path].data))
	}
	if sum.Bytes != size {
		t.Errorf("summary counts %d bytes, the files hold %d", sum.Bytes, size)
	}
	if held*2 > size {
		t.Errorf("%d bytes held for %d of files: not compressed", held, size)
	}
	// ReadFile gives a copy each time.
	a, _ := packed.ReadFile(res.Files[0].Path)
	a[0] ^= 0xff
	if b, _ := packed.ReadFile(res.Files[0].Path); !bytes.Equal(b, res.Files[0].Data) {
		t.Error("a change to ReadFile's result changed the tree")
	}
	if _, err := packed.ReadFile("nope.yaml"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
	bad := []pathway.Pathway{mkPathway("T", "A", "B", "D"), mkPathway("t", "A", "B", "")}
	if packed, _, err := Files(context.Background(), bad, Options{}); err == nil || packed != nil || !strings.Contains(err.Error(), "duplicate pathway") {
		t.Errorf("Files of duplicates = %v, %v", packed, err)
	}
}

// TestRenderPackedIsRender: the entities, pathways and files Render gives.
func TestRenderPackedIsRender(t *testing.T) {
	ps := loadExamples(t)
	res, err := Render(ps, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := RenderPacked(context.Background(), ps, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Entities, res.Entities) || !reflect.DeepEqual(got.Pathways, res.Pathways) {
		t.Errorf("entities or pathways differ from Render's: %d/%d entities, %d/%d pathways",
			len(got.Entities), len(res.Entities), len(got.Pathways), len(res.Pathways))
	}
	files, err := got.Files.Map()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Files {
		if !bytes.Equal(files[f.Path], f.Data) {
			t.Errorf("%s differs from Render's", f.Path)
		}
	}
	if len(files) != len(res.Files) {
		t.Errorf("%d files, Render has %d", len(files), len(res.Files))
	}
	bad := []pathway.Pathway{mkPathway("T", "A", "B", "D"), mkPathway("t", "A", "B", "")}
	if got, err := RenderPacked(context.Background(), bad, Options{}); err == nil || got != nil {
		t.Errorf("RenderPacked of duplicates = %v, %v", got, err)
	}
}
