package exporter

import (
	"bytes"
	"cmp"
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
	drainWriters()
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

// writers keeps a few flate writers for good: each holds about a MiB of
// state, which a sync.Pool would drop at every collection.
var writers = make(chan *flate.Writer, 8)

// drainWriters lets the collector have the idle writers.
func drainWriters() {
	for {
		select {
		case <-writers:
		default:
			return
		}
	}
}

// readers reuses flate readers (a 32 KiB window each).
var readers = sync.Pool{New: func() any { return flate.NewReader(bytes.NewReader(nil)) }}

// pack deflates what write writes and returns it exactly sized, with the
// size before compression.
func pack(write func(w io.Writer) error) (packed, error) {
	var w *flate.Writer
	select {
	case w = <-writers:
	default:
		w, _ = flate.NewWriter(nil, flate.DefaultCompression) // a valid level: no error
	}
	var b bytes.Buffer
	w.Reset(&b)
	c := &counter{w: w}
	err := write(c)
	if err == nil {
		err = w.Close()
	}
	select {
	case writers <- w:
	default:
	}
	if err != nil {
		return packed{}, err
	}
	return packed{size: int(c.n), data: bytes.Clone(b.Bytes())}, nil // exact size: the tree holds many
}

// counter counts the bytes written through it.
type counter struct {
	w io.Writer
	n int64
}

func (c *counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func (t *PackedFiles) Put(f File, _ *catalog.Entity) error {
	if err := checkPath(f.Path); err != nil {
		return err
	}
	p, err := pack(func(w io.Writer) error { _, err := w.Write(f.Data); return err })
	if err != nil {
		return fmt.Errorf("%s: compress: %w", f.Path, err)
	}
	return t.add(f.Path, p)
}

// add keeps p as the file path.
func (t *PackedFiles) add(path string, p packed) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.files[path]; ok {
		return fmt.Errorf("%s: %w", path, fs.ErrExist)
	}
	t.files[path] = p
	return nil
}

// PutStream compresses the file as write writes it: the manifest of a
// large tree is never whole in memory.
func (t *PackedFiles) PutStream(path string, write func(w io.Writer) error) (int64, error) {
	if err := checkPath(path); err != nil {
		return 0, err
	}
	p, err := pack(write)
	if err != nil {
		return 0, err
	}
	return int64(p.size), t.add(path, p)
}

func (t *PackedFiles) String() string { return "(memory)" }

// PackedResult is RenderPacked's tree: Render's, with the files held
// compressed.
type PackedResult struct {
	Files    *PackedFiles
	Entities []catalog.Entity  // by file path, as Render gives them
	Pathways []pathway.Pathway // as Render gives them
}

// RenderPacked renders the tree of pathways as Render does, for a caller
// that needs the entities and publishes the files (the daemon): the
// files are held compressed, as Files holds them. Nothing is returned on
// error.
func RenderPacked(ctx context.Context, pathways []pathway.Pathway, o Options) (*PackedResult, error) {
	r, o, err := prepare(pathways, o)
	if err != nil {
		return nil, err
	}
	s := &entitySink{PackedFiles: &PackedFiles{files: make(map[string]packed, 11*len(pathways))}}
	_, err = emit(ctx, r, o, s)
	drainWriters()
	if err != nil {
		return nil, err
	}
	slices.SortFunc(s.entities, func(a, b pathEntity) int { return cmp.Compare(a.path, b.path) })
	res := &PackedResult{Files: s.PackedFiles, Entities: make([]catalog.Entity, len(s.entities)), Pathways: make([]pathway.Pathway, len(r.pathways))}
	for i, e := range s.entities {
		res.Entities[i] = e.entity
	}
	for i, pp := range r.pathways {
		res.Pathways[i] = *pp.p
	}
	return res, nil
}

// entitySink packs the files and keeps a copy of each entity.
type entitySink struct {
	*PackedFiles
	mu       sync.Mutex
	entities []pathEntity
}

type pathEntity struct {
	path   string
	entity catalog.Entity
}

func (s *entitySink) Put(f File, e *catalog.Entity) error {
	if err := s.PackedFiles.Put(f, e); err != nil {
		return err
	}
	if e != nil {
		s.mu.Lock()
		s.entities = append(s.entities, pathEntity{f.Path, *e})
		s.mu.Unlock()
	}
	return nil
}
