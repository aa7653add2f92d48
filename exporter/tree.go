package exporter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/internal/workpool"
	"github.com/pathwaysync/pathwaysync/manifest"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// A Sink takes the files of a tree as Emit renders them: Render's sink
// keeps them, Export's writes them into a staging folder, Check's only
// checks their paths. Its methods are called from several goroutines at
// once, and with each path at most once.
type Sink interface {
	// Put stores f. e is the entity f holds, nil for a file that holds
	// none (TechDocs pages, mkdocs.yml); Put may keep e but not change it.
	// A path that is not safe (a clean relative slash path inside the
	// tree) must be refused.
	Put(f File, e *catalog.Entity) error
	// PutStream stores the file path as write writes it and returns its
	// size: the manifest, too large to hold whole for a large tree.
	PutStream(path string, write func(w io.Writer) error) (int64, error)
	// String names the destination in errors.
	String() string
}

// Summary counts what Emit (and so Export and Check) put into the sink.
type Summary struct {
	Pathways int
	Entities int
	// Files and Bytes count every file, the manifest included.
	Files int
	Bytes int64
	// Outside lists the refs entities of the tree point at that the tree
	// does not define (sorted): each must exist in the catalog, or its
	// pages show "Entities not found". With the default owner it is empty.
	Outside []OutsideRef
	// Foreign are the files (slash paths, sorted) of the folder Export
	// replaced that pathwaysync had not written — its manifest did not
	// list them, or it had none (WriteOptions.Force) — and that went
	// with it.
	Foreign []string
}

// OutsideRef is a ref pointing outside the tree and the first field (in
// sort order) that holds it.
type OutsideRef struct {
	Ref, Field string
}

// Emit renders the tree of pathways into s (see docs/ARCHITECTURE.md for
// the layout): the same pathways, in any order, give the same files.
// Every entity passes catalog.Validate and no two share a ref, or Emit
// fails naming each entity and field. Units (an entity and its files) are
// rendered and handed to s by a few workers, so only a few are in memory
// at once; the root Location and then the manifest come last. On an error
// or when ctx is done Emit stops; s may hold part of the tree.
func Emit(ctx context.Context, pathways []pathway.Pathway, o Options, s Sink) (Summary, error) {
	r, o, err := prepare(pathways, o)
	if err != nil {
		return Summary{}, err
	}
	return emit(ctx, r, o, s)
}

// unit is one entity of the tree with the files it brings.
type unit struct {
	entity catalog.Entity
	// files start with the entity's own file.
	files []File
	// index is a pathway unit's entry in the root manifest; nil
	// otherwise. A pathway unit's files include its part of the manifest,
	// which lists them: the root manifest lists the other units' files.
	index *manifest.Pathway
	// errs are validation and marshalling errors; files may be incomplete.
	errs []error
	// nested is set for an entity another Location of the tree reads, so
	// the root Location leaves it out.
	nested bool
}

// unitPlan is a planned unit of the tree.
type unitPlan interface {
	// render renders the unit; it is safe to call concurrently.
	render(r *planned, o Options) unit
}

// units lists the tree's units but the root Location: the owner Group and
// its Location when the tree generates the owner, systems, roles, then
// pathways. Adding an entity or a page to the tree is a change here
// and in the unit's render, nowhere else: the Location, the manifest, the
// checks and every Sink follow.
func (r *planned) units() []unitPlan {
	us := make([]unitPlan, 0, 2+len(r.systems)+len(r.roles)+len(r.pathways))
	if r.group != nil {
		us = append(us, r.group, &ownerLocationPlan{ns: r.group.ns})
	}
	for _, s := range r.systems {
		us = append(us, s)
	}
	for _, rl := range r.roles {
		us = append(us, rl)
	}
	for _, pp := range r.pathways {
		us = append(us, pp)
	}
	return us
}

func (s *systemPlan) render(_ *planned, o Options) unit {
	return withDocs(entityUnit("systems/"+s.name+"/catalog-info.yaml", systemEntity(s, o)), "systems/"+s.name+"/", func() ([]File, error) { return systemDocs(s, o) })
}

func (rl *rolePlan) render(_ *planned, o Options) unit {
	return withDocs(entityUnit("roles/"+rl.name+"/catalog-info.yaml", roleEntity(rl, o)), "roles/"+rl.name+"/", func() ([]File, error) { return roleDocs(rl, o) })
}

// withDocs adds the TechDocs files docs renders, under dir, to u.
func withDocs(u unit, dir string, docs func() ([]File, error)) unit {
	files, err := docs()
	if err != nil {
		u.errs = append(u.errs, err)
	}
	for _, f := range files {
		f.Path = dir + f.Path
		u.files = append(u.files, f)
	}
	return u
}

func (pp *pathwayPlan) render(r *planned, o Options) unit { return renderPathway(pp, r, o) }

// done is what emit keeps of a unit once its files are in the sink.
type done struct {
	target string // "./" + the entity's file, for the Location
	ref    string
	files  []string // nil for a pathway: its part of the manifest lists them
	index  *manifest.Pathway
}

// emit puts the tree of r into s.
func emit(ctx context.Context, r *planned, o Options, s Sink) (Summary, error) {
	plans := r.units()
	n := len(plans)
	kept := make([]done, n)
	renderErrs := make([][]error, n)
	putErrs := make([]error, n)
	var failed atomic.Bool
	var files, bytes atomic.Int64
	var pointed refSet
	workpool.ForEach(ctx, n, writeWorkers(), func(i int) bool {
		u := plans[i].render(r, o)
		if len(u.errs) > 0 {
			renderErrs[i] = u.errs
			failed.Store(true)
			return true // keep rendering: every invalid entity is reported
		}
		if failed.Load() {
			return true
		}
		pointed.add(&u.entity)
		target := "./" + u.files[0].Path
		if u.nested {
			target = ""
		}
		d := done{target: target, ref: u.entity.Ref(), index: u.index}
		if u.index == nil {
			d.files = make([]string, len(u.files))
		}
		for j, f := range u.files {
			var e *catalog.Entity
			if j == 0 {
				e = &u.entity
			}
			if err := s.Put(f, e); err != nil {
				putErrs[i] = err
				return false
			}
			if d.files != nil {
				d.files[j] = f.Path
			}
			bytes.Add(int64(len(f.Data)))
		}
		files.Add(int64(len(u.files)))
		kept[i] = d
		return true
	})
	if err := errors.Join(slices.Concat(renderErrs...)...); err != nil {
		return Summary{}, fmt.Errorf("render: %w", err)
	}
	if err := errors.Join(putErrs...); err != nil {
		return Summary{}, fmt.Errorf("write %s: %w", s, err)
	}
	if err := ctx.Err(); err != nil {
		return Summary{}, fmt.Errorf("write %s: %w", s, err)
	}

	// The root Location and the manifest are put side by side: each is a
	// single-threaded pass over every unit.
	var loc struct {
		bytes int64
		err   error
	}
	var wg sync.WaitGroup
	wg.Go(func() { loc.bytes, loc.err = putLocation(s, kept, o) })

	// The root manifest lists every file outside the pathways' folders
	// but itself, and indexes the pathways.
	var paths []string
	pathways := make([]manifest.Pathway, 0, len(r.pathways))
	for i := range kept {
		paths = append(paths, kept[i].files...)
		if kept[i].index != nil {
			pathways = append(pathways, *kept[i].index)
		}
	}
	paths = append(paths, locationFile)
	slices.Sort(paths)
	slices.SortFunc(pathways, func(a, b manifest.Pathway) int { return strings.Compare(a.Name, b.Name) })
	mb, err := s.PutStream(manifest.FileName, func(w io.Writer) error {
		return manifest.Write(w, paths, slices.Values(pathways), r.names())
	})
	wg.Wait()
	if loc.err != nil {
		return Summary{}, loc.err
	}
	if err != nil {
		return Summary{}, fmt.Errorf("write %s: %w", s, err)
	}
	defined := make(map[string]bool, len(kept))
	for i := range kept {
		defined[strings.ToLower(kept[i].ref)] = true
	}
	return Summary{
		Pathways: len(r.pathways),
		Entities: n + 1,
		Files:    int(files.Load()) + 2,
		Bytes:    bytes.Load() + loc.bytes + mb,
		Outside:  pointed.outside(defined),
	}, nil
}

// refFields are the spec fields holding entity refs, as the stock
// processors read them.
var refFields = []string{"owner", "system", "domain", "dependsOn", "dependencyOf", "partOf", "subcomponentOf",
	"parent", "children", "members", "memberOf", "providesApis", "consumesApis"}

// refSet collects the distinct refs entities point at (few: roles,
// disciplines and the owner), each with the first field holding it.
type refSet struct {
	mu   sync.Mutex
	refs map[string]string
}

func (rs *refSet) add(e *catalog.Entity) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.refs == nil {
		rs.refs = map[string]string{}
	}
	put := func(field string, v any) {
		ref, ok := v.(string)
		if !ok {
			return
		}
		ref = strings.ToLower(ref)
		if f, seen := rs.refs[ref]; !seen || field < f {
			rs.refs[ref] = field
		}
	}
	for _, f := range refFields {
		switch v := e.Spec[f].(type) {
		case string:
			put("spec."+f, v)
		case []string:
			for _, x := range v {
				put("spec."+f, x)
			}
		case []any:
			for _, x := range v {
				put("spec."+f, x)
			}
		}
	}
}

// outside returns the refs not in defined, sorted.
func (rs *refSet) outside(defined map[string]bool) []OutsideRef {
	var out []OutsideRef
	for ref, field := range rs.refs {
		if !defined[ref] {
			out = append(out, OutsideRef{Ref: ref, Field: field})
		}
	}
	slices.SortFunc(out, func(a, b OutsideRef) int { return strings.Compare(a.Ref, b.Ref) })
	return out
}

// names are the role and system names the manifest records for a later
// export to keep.
func (r *planned) names() manifest.Names {
	n := manifest.Names{Roles: make(map[string]string, len(r.roles)), Systems: make(map[string]string, len(r.systems))}
	for _, rl := range r.roles {
		n.Roles[rl.title] = rl.name
	}
	for _, s := range r.systems {
		n.Systems[s.title] = s.name
	}
	return n
}

// locationFile is the root Location's file, the tree's entry point.
const locationFile = "catalog-info.yaml"

// putLocation renders the root Location over the units kept and puts it,
// after checking that no two entities share a ref; it returns its size.
func putLocation(s Sink, kept []done, o Options) (int64, error) {
	n := len(kept)
	targets := make([]string, 0, n)
	refs := make([]string, n+1)
	for i := range kept {
		if kept[i].target != "" {
			targets = append(targets, kept[i].target)
		}
		refs[i] = kept[i].ref
	}
	slices.Sort(targets)
	loc := entityUnit(locationFile, locationEntity(targets, o))
	if len(loc.errs) > 0 {
		return 0, fmt.Errorf("render: %w", errors.Join(loc.errs...))
	}
	refs[n] = loc.entity.Ref()
	if err := uniqueRefs(refs); err != nil {
		return 0, fmt.Errorf("render: %w", err)
	}
	f := loc.files[0]
	if err := s.Put(f, &loc.entity); err != nil {
		return 0, fmt.Errorf("write %s: %w", s, err)
	}
	return int64(len(f.Data)), nil
}

// Render renders the tree of pathways as Emit does and returns it whole.
// Nothing is returned on error.
func Render(pathways []pathway.Pathway, o Options) (*Result, error) {
	r, o, err := prepare(pathways, o)
	if err != nil {
		return nil, err
	}
	var t memTree
	if _, err := emit(context.Background(), r, o, &t); err != nil {
		return nil, err
	}
	slices.SortFunc(t.files, func(a, b memFile) int { return strings.Compare(a.Path, b.Path) })
	res := &Result{Files: make([]File, len(t.files)), Pathways: make([]pathway.Pathway, len(r.pathways))}
	for i, f := range t.files {
		res.Files[i] = f.File
		if f.entity != nil {
			res.Entities = append(res.Entities, *f.entity)
		}
	}
	for i, pp := range r.pathways {
		res.Pathways[i] = *pp.p
	}
	m, err := manifest.Parse(t.manifest)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	res.Manifest = *m
	return res, nil
}

// memTree is Render's sink: it keeps the tree.
type memTree struct {
	mu       sync.Mutex
	files    []memFile
	seen     map[string]bool
	manifest []byte
}

type memFile struct {
	File
	entity *catalog.Entity
}

func (t *memTree) Put(f File, e *catalog.Entity) error {
	_, err := t.put(f, e)
	return err
}

// put keeps f, the data exactly sized, and returns the data kept.
func (t *memTree) put(f File, e *catalog.Entity) ([]byte, error) {
	if err := checkPath(f.Path); err != nil {
		return nil, err
	}
	if cap(f.Data)-len(f.Data) > len(f.Data)/8 {
		f.Data = bytes.Clone(f.Data) // exact size: the tree holds many
	}
	if e != nil {
		c := *e
		e = &c
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.seen[f.Path] {
		return nil, fmt.Errorf("%s: %w", f.Path, fs.ErrExist)
	}
	if t.seen == nil {
		t.seen = map[string]bool{}
	}
	t.seen[f.Path] = true
	t.files = append(t.files, memFile{f, e})
	return f.Data, nil
}

func (t *memTree) PutStream(path string, write func(w io.Writer) error) (int64, error) {
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return 0, err
	}
	data, err := t.put(File{Path: path, Data: b.Bytes()}, nil)
	if err != nil {
		return 0, err
	}
	t.mu.Lock()
	t.manifest = data
	t.mu.Unlock()
	return int64(len(data)), nil
}

func (t *memTree) String() string { return "(memory)" }
