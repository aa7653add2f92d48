package exporter

import (
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"sync"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// Files renders the tree of pathways as Emit does and returns only its
// files, each compressed in memory (YAML and Markdown shrink about
// fivefold) and read back on request: what a sync compares and publishes.
// Unlike Render it keeps no entity, pathway or parsed manifest, so while
// it renders and once it returns the tree costs a fifth of its size.
// Nothing is returned on error.
func Files(ctx context.Context, pathways []pathway.Pathway, o Options) (*PackedFiles, Summary, error) {
	t := &PackedFiles{files: make(map[string]packed, 11*len(pathways))}
	sum, err := Emit(ctx, pathways, o, t)
	if err != nil {
		return nil, Summary{}, err
	}
	return t, sum, nil
}

// PackedFiles is a rendered tree held compressed: slash paths → content.
// It is safe for concurrent use.
type PackedFiles struct {
	mu    sync.Mutex
	files map[string]packed
}

// packed is one file: its size and its content, deflated.
type packed struct {
	size int
	data []byte
}

// Paths returns every file's path, sorted.
func (t *PackedFiles) Paths() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Sorted(maps.Keys(t.files))
}

// ReadFile returns a new copy of the content of path; an absent path is
// an error matching fs.ErrNotExist.
func (t *PackedFiles) ReadFile(path string) ([]byte, error) {
	t.mu.Lock()
	f, ok := t.files[path]
	t.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%s: %w", path, fs.ErrNotExist)
	}
	r := readers.Get().(io.ReadCloser)
	defer readers.Put(r)
	if err := r.(flate.Resetter).Reset(bytes.NewReader(f.data), nil); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	out := make([]byte, f.size)
	if _, err := io.ReadFull(r, out); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}

// Map returns the files uncompressed, by path.
func (t *PackedFiles) Map() (map[string][]byte, error) {
	paths := t.Paths()
	out := make(map[string][]byte, len(paths))
	for _, p := range paths {
		data, err := t.ReadFile(p)
		if err != nil {
			return nil, err
		}
		out[p] = data
	}
	return out, nil
}

// writers and readers reuse flate's state (hundreds of KiB a writer).
var (
	writers = sync.Pool{New: func() any {
		w, _ := flate.NewWriter(nil, flate.BestSpeed) // a valid level: no error
		return w
	}}
	readers = sync.Pool{New: func() any { return flate.NewReader(bytes.NewReader(nil)) }}
)

func (t *PackedFiles) Put(f File, _ *catalog.Entity) error {
	if err := checkPath(f.Path); err != nil {
		return err
	}
	var b bytes.Buffer
	w := writers.Get().(*flate.Writer)
	w.Reset(&b)
	_, err := w.Write(f.Data)
	if err == nil {
		err = w.Close()
	}
	writers.Put(w)
	if err != nil {
		return fmt.Errorf("%s: compress: %w", f.Path, err)
	}
	p := packed{size: len(f.Data), data: bytes.Clone(b.Bytes())} // exact size: the tree holds many
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.files[f.Path]; ok {
		return fmt.Errorf("%s: %w", f.Path, fs.ErrExist)
	}
	t.files[f.Path] = p
	return nil
}

func (t *PackedFiles) PutStream(path string, write func(w io.Writer) error) (int64, error) {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return 0, err
	}
	return int64(b.Len()), t.Put(File{Path: path, Data: b.Bytes()}, nil)
}

func (t *PackedFiles) String() string { return "(memory)" }
