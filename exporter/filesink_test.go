package exporter

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/pathwaysync/pathwaysync/pathway"
)

// TestFilesIsRender: Files gives Render's files byte for byte, its
// Summary counts them, and it fails as Render does.
func TestFilesIsRender(t *testing.T) {
	ps := loadExamples(t)
	res, err := Render(ps, Options{Namespace: "learning"})
	if err != nil {
		t.Fatal(err)
	}
	files, sum, err := Files(context.Background(), ps, Options{Namespace: "learning"})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(res.Files) || sum.Files != len(files) || sum.Pathways != len(ps) {
		t.Fatalf("%d files, summary %+v; Render has %d", len(files), sum, len(res.Files))
	}
	var size int64
	for _, f := range res.Files {
		if !bytes.Equal(files[f.Path], f.Data) {
			t.Errorf("%s differs from Render's", f.Path)
		}
		size += int64(len(f.Data))
	}
	if sum.Bytes != size {
		t.Errorf("summary counts %d bytes, the files hold %d", sum.Bytes, size)
	}
	bad := []pathway.Pathway{mkPathway("T", "A", "B", "D"), mkPathway("t", "A", "B", "")}
	if files, _, err := Files(context.Background(), bad, Options{}); err == nil || files != nil || !strings.Contains(err.Error(), "duplicate pathway") {
		t.Errorf("Files of duplicates = %d files, %v", len(files), err)
	}
}
