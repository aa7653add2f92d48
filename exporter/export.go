package exporter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sync"
	"sync/atomic"

	"github.com/pathwaysync/pathwaysync/manifest"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// Summary counts what Export wrote.
type Summary struct {
	Pathways int
	Entities int
	// Files and Bytes count every file written, the manifest included.
	Files int
	Bytes int64
}

// Export renders pathways as Render does and writes the tree into dir as
// Write does — same bytes, same atomic swap, same refusal of a foreign
// folder — without holding the tree in memory: names, roles and systems
// are planned once, then every entity is rendered, validated and written
// straight into the staging folder by a few workers, and its bytes are
// dropped. On any error (a pathway that fails validation, a write error,
// ctx done) the staging folder is removed and dir is left untouched.
func Export(ctx context.Context, dir string, pathways []pathway.Pathway, o Options, wo WriteOptions) (Summary, error) {
	r, o, err := prepare(pathways, o)
	if err != nil {
		return Summary{}, err
	}
	s, err := openStage(dir, wo)
	if err != nil {
		return Summary{}, err
	}
	sum, err := fill(ctx, s, r, o)
	if err != nil {
		s.abort()
		return Summary{}, err
	}
	if err := s.commit(); err != nil {
		return Summary{}, err
	}
	return sum, nil
}

// Check renders and validates pathways exactly as Export does, generated
// paths included, and writes nothing: Export's errors and Summary in the
// memory of a few entities at a time rather than of the whole tree that
// Render returns.
func Check(ctx context.Context, pathways []pathway.Pathway, o Options) (Summary, error) {
	r, o, err := prepare(pathways, o)
	if err != nil {
		return Summary{}, err
	}
	return fill(ctx, &discard{seen: make(map[string]bool)}, r, o)
}

// sink is where fill puts the files of a tree; its methods are safe for
// concurrent use.
type sink interface {
	// writeFile stores data at the slash path rel; a path that is not
	// safe (checkPath) or was stored before is an error.
	writeFile(rel string, data []byte) error
	// writeFileWith stores what write writes at rel and returns its size.
	writeFileWith(rel string, write func(w io.Writer) error) (int64, error)
	// String names the destination in errors.
	String() string
}

// discard is the sink of Check: it checks paths and counts bytes.
type discard struct {
	mu   sync.Mutex
	seen map[string]bool
}

func (d *discard) writeFile(rel string, _ []byte) error {
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

func (d *discard) writeFileWith(rel string, write func(w io.Writer) error) (int64, error) {
	if err := d.writeFile(rel, nil); err != nil {
		return 0, err
	}
	cw := &countWriter{w: io.Discard}
	err := write(cw)
	return cw.n, err
}

func (d *discard) String() string { return "(check only)" }

// written is what Export keeps of a unit once its files are on disk.
type written struct {
	paths    []string // paths[0] is the entity's file
	ref      string
	manifest manifest.Compact
}

// fill puts the tree of r into s.
func fill(ctx context.Context, s sink, r *planned, o Options) (Summary, error) {
	n := r.units()
	done := make([]written, n)
	renderErrs := make([][]error, n)
	writeErrs := make([]error, n)
	var failed atomic.Bool
	var files, bytes atomic.Int64
	forEach(ctx, n, writeWorkers(), func(i int) bool {
		u := r.renderUnit(i, o)
		if len(u.errs) > 0 {
			renderErrs[i] = u.errs
			failed.Store(true)
			return true // keep rendering: every invalid entity is reported
		}
		if failed.Load() {
			return true
		}
		w := written{paths: make([]string, len(u.files)), ref: u.entity.Ref(), manifest: u.manifest}
		for j, f := range u.files {
			if err := s.writeFile(f.Path, f.Data); err != nil {
				writeErrs[i] = err
				return false
			}
			w.paths[j] = f.Path
			bytes.Add(int64(len(f.Data)))
		}
		files.Add(int64(len(u.files)))
		done[i] = w
		return true
	})
	var errs []error
	for i := range renderErrs {
		errs = append(errs, renderErrs[i]...)
	}
	if len(errs) > 0 {
		return Summary{}, fmt.Errorf("render: %w", errors.Join(errs...))
	}
	for _, err := range writeErrs {
		if err != nil {
			return Summary{}, fmt.Errorf("write %s: %w", s, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return Summary{}, fmt.Errorf("write %s: %w", s, err)
	}

	// The root Location and the manifest are written side by side: each
	// is a single-threaded pass over every unit.
	var loc struct {
		bytes int64
		err   error
	}
	var wg sync.WaitGroup
	wg.Go(func() { loc.bytes, loc.err = writeLocation(s, done, o) })

	// The manifest lists every file but itself.
	paths := make([]string, 0, files.Load()+1)
	compacts := make([]manifest.Compact, 0, len(r.pathways))
	for i := range done {
		paths = append(paths, done[i].paths...)
		if r.pathwayPlan(i) != nil {
			compacts = append(compacts, done[i].manifest)
		}
	}
	paths = append(paths, locationFile)
	mb, err := s.writeFileWith(manifest.FileName, func(w io.Writer) error {
		return manifest.WriteCompact(w, paths, compacts)
	})
	wg.Wait()
	if loc.err != nil {
		return Summary{}, loc.err
	}
	if err != nil {
		return Summary{}, fmt.Errorf("write %s: %w", s, err)
	}
	files.Add(1)
	bytes.Add(loc.bytes)
	return Summary{
		Pathways: len(r.pathways),
		Entities: n + 1,
		Files:    int(files.Load()) + 1,
		Bytes:    bytes.Load() + mb,
	}, nil
}

// writeLocation renders the root Location over the units done and writes
// it, after checking that no two entities share a ref; it returns the
// size written.
func writeLocation(s sink, done []written, o Options) (int64, error) {
	n := len(done)
	targets := make([]string, n)
	refs := make([]string, n+1)
	for i := range done {
		targets[i] = "./" + done[i].paths[0]
		refs[i] = done[i].ref
	}
	loc := locationUnit(targets, o)
	if len(loc.errs) > 0 {
		return 0, fmt.Errorf("render: %w", errors.Join(loc.errs...))
	}
	refs[n] = loc.entity.Ref()
	if err := uniqueRefs(refs); err != nil {
		return 0, fmt.Errorf("render: %w", err)
	}
	f := loc.files[0]
	if err := s.writeFile(f.Path, f.Data); err != nil {
		return 0, fmt.Errorf("write %s: %w", s, err)
	}
	return int64(len(f.Data)), nil
}

// writeFileWith creates the file rel in the stage and fills it with write
// (which should buffer); it returns the size written.
func (s *stage) writeFileWith(rel string, write func(w io.Writer) error) (int64, error) {
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
