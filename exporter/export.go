package exporter

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sync"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/manifest"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// Export is Emit into a staging folder swapped in for dir as Write does —
// same bytes as Render, same atomic swap, same refusal of a foreign
// folder — without holding the tree in memory: each unit's files are
// written as soon as they are rendered and their bytes dropped. On any
// error (a pathway that fails validation, a write error, ctx done) the
// staging folder is removed and dir is left untouched.
//
// Names published by the tree in dir are kept unless o.Previous is set.
// Summary.Foreign names the files of dir that its manifest did not list,
// removed with it.
func Export(ctx context.Context, dir string, pathways []pathway.Pathway, o Options, wo WriteOptions) (Summary, error) {
	if err := checkOptions(o.withDefaults()); err != nil {
		return Summary{}, err
	}
	s, err := openStage(dir, wo)
	if err != nil {
		return Summary{}, err
	}
	if o.Previous == nil {
		o.Previous = s.prev
	}
	r, o, err := prepare(pathways, o)
	if err != nil {
		s.abort()
		return Summary{}, err
	}
	sum, err := emit(ctx, r, o, s)
	if err != nil {
		s.abort()
		return Summary{}, err
	}
	if err := s.commit(); err != nil {
		return Summary{}, err
	}
	sum.Foreign = s.foreign
	return sum, nil
}

// Check is Emit into a sink that only checks paths and counts bytes:
// Export's errors and Summary, writing nothing, in the memory of a few
// entities at a time rather than of the whole tree that Render returns.
func Check(ctx context.Context, pathways []pathway.Pathway, o Options) (Summary, error) {
	r, o, err := prepare(pathways, o)
	if err != nil {
		return Summary{}, err
	}
	return emit(ctx, r, o, &discard{seen: make(map[string]bool)})
}

// discard is the sink of Check: it checks paths and counts bytes.
type discard struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (d *discard) Put(f File, _ *catalog.Entity) error {
	rel := f.Path
	if err := checkPath(rel); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.seen[rel] {
		return fmt.Errorf("%s: %w", rel, fs.ErrExist)
	}
	d.seen[rel] = true
	return nil
}

func (d *discard) PutStream(rel string, write func(w io.Writer) error) (int64, error) {
	if err := d.Put(File{Path: rel}, nil); err != nil {
		return 0, err
	}
	cw := &countWriter{w: io.Discard}
	err := write(cw)
	return cw.n, err
}

func (d *discard) String() string { return "(check only)" }

// PutStream creates the file rel in the stage and fills it with write
// (which should buffer); it returns the size written.
func (s *stage) PutStream(rel string, write func(w io.Writer) error) (int64, error) {
	if err := checkPath(rel); err != nil {
		return 0, err
	}
	if err := s.mkdirAll(path.Dir(rel)); err != nil {
		return 0, err
	}
	f, err := createWriter(s.path(rel))
	if err != nil {
		return 0, err
	}
	cw := &countWriter{w: f}
	err = write(cw)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return cw.n, err
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// readTreeNames is the manifest of the tree in dir as
// manifest.ReadTreeNames reads it, or nil when dir holds none that
// pathwaysync wrote.
func readTreeNames(dir string) *manifest.Manifest {
	m, err := manifest.ReadTreeNames(os.DirFS(dir))
	if err != nil {
		return nil
	}
	return m
}
