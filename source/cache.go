package source

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"

	"github.com/pathwaysync/pathwaysync/pathway"
)

// Cache is Load for the daemon: it revalidates URLs with conditional GETs
// (ETag / Last-Modified, so a 304 transfers no body), re-imports only files
// whose bytes changed, skips a GitHub folder whose version is unchanged, and
// keeps the last good content of a source that fails so a failing source
// never silently vanishes. It is safe for concurrent use; loads are
// serialised.
type Cache struct {
	o Options

	mu      sync.Mutex
	urls    map[string]*urlEntry    // by spec
	files   map[string]*fileEntry   // by file name
	folders map[string][]string     // by spec: last listed files
	github  map[string]*gitHubEntry // by canonical spec
}

// gitHubEntry is what a GitHub folder last listed: its version and the
// document names of its pathway files, whose content is in Cache.files.
type gitHubEntry struct {
	version string
	names   []string
	// clean means every file of this version imported, so an unchanged
	// version can reuse the documents without reporting any failure.
	clean bool
}

// urlEntry is a URL's last good content and its validators.
type urlEntry struct {
	validator validator
	doc       document
}

// fileEntry is a file's last good content (its SHA-256) and what it imported to.
type fileEntry struct {
	sum [sha256.Size]byte
	doc document
}

// NewCache returns an empty Cache reading with o.
func NewCache(o Options) *Cache {
	o, _ = o.withDefaults().withClient()
	return &Cache{
		o:       o,
		urls:    map[string]*urlEntry{},
		files:   map[string]*fileEntry{},
		folders: map[string][]string{},
		github:  map[string]*gitHubEntry{},
	}
}

// Load reads every spec like Load, substituting the last good content for
// any source that fails and reporting it as a Failure. err is non-nil when a
// failing source has never loaded successfully (no content to substitute),
// when two sources define the same title (ErrDuplicate), or when ctx ends;
// pathways are then nil so callers never publish a partial set.
func (c *Cache) Load(ctx context.Context, specs []string) (pathways []pathway.Pathway, warnings []Warning, failures []Failure, err error) {
	if len(specs) == 0 {
		return nil, nil, nil, ErrNoSources
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	seenURLs := map[string]bool{}
	seenFiles := map[string]bool{}
	seenFolders := map[string]bool{}
	seenGitHub := map[string]bool{}
	groups := make([]group, 0, len(specs))
	var fatal []error
	fail := func(source string, err error, fallback bool) {
		failures = append(failures, Failure{Source: source, Err: err})
		if fallback {
			c.o.Logger.Debug("source failed, keeping its last good content", "source", source, "error", err.Error())
			return
		}
		fatal = append(fatal, err)
	}
	for _, spec := range specs {
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, err
		}
		var g group
		switch {
		case isURL(spec):
			seenURLs[spec] = true
			g = c.loadURL(ctx, spec, fail)
		case IsGitHubSpec(spec):
			g = c.loadGitHub(ctx, spec, seenGitHub, seenFiles, fail)
		case hasScheme(spec):
			fail(redact(spec), unsupportedScheme(spec), false)
		default:
			seenFolders[spec] = true
			g = c.loadPath(ctx, spec, seenFiles, fail)
		}
		groups = append(groups, g)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, nil, err
	}
	c.prune(seenURLs, seenFiles, seenFolders, seenGitHub)
	if len(fatal) > 0 {
		return nil, nil, failures, errors.Join(fatal...)
	}
	pathways, warnings, err = assemble(groups)
	if err != nil {
		return nil, nil, failures, err
	}
	return clonePathways(pathways), warnings, failures, nil
}

// loadURL revalidates one URL, falling back to its last good document.
func (c *Cache) loadURL(ctx context.Context, spec string, fail func(string, error, bool)) group {
	name := redact(spec)
	prev := c.urls[spec]
	var v validator
	if prev != nil {
		v = prev.validator
	}
	f, err := fetch(ctx, c.o, spec, v)
	if err == nil && f.notModified {
		c.o.Logger.Debug("source not modified", "source", name)
		return group{docs: []document{prev.doc}}
	}
	var d document
	if err == nil {
		d, err = parseDocument(name, f.data, c.o.MaxBytes)
	}
	if err != nil {
		if ctx.Err() != nil {
			return group{}
		}
		fail(name, err, prev != nil)
		if prev != nil {
			return group{docs: []document{prev.doc}}
		}
		return group{}
	}
	c.urls[spec] = &urlEntry{validator: f.validator, doc: d}
	return group{docs: []document{d}}
}

// loadPath reads a file or folder spec, re-importing only changed files and
// falling back per file (or for the whole folder when it cannot be listed,
// or lists nothing after having listed files) to the last good documents.
func (c *Cache) loadPath(ctx context.Context, spec string, seen map[string]bool, fail func(string, error, bool)) group {
	files, err := listFiles(spec, c.o.FollowSymlinks)
	if err == nil && len(files) == 0 && len(c.folders[spec]) > 0 {
		err = fmt.Errorf("read source %s: folder no longer holds any pathway file", spec)
	}
	if err != nil {
		prev, ok := c.folders[spec]
		fail(spec, err, ok)
		if !ok {
			return group{}
		}
		return c.fallback(prev, seen)
	}
	c.folders[spec] = files
	g, _ := c.loadDocs(ctx, files, func(name string) ([]byte, error) { return readFile(name, c.o.MaxBytes) }, seen, fail)
	if len(files) == 0 {
		g.warnings = append(g.warnings, emptyFolder(spec))
	}
	return g
}

// fallback returns the last good documents of names, marking them seen.
func (c *Cache) fallback(names []string, seen map[string]bool) group {
	var g group
	for _, name := range names {
		seen[name] = true
		if e := c.files[name]; e != nil {
			g.docs = append(g.docs, e.doc)
		}
	}
	return g
}

// loadDocs reads and imports the named documents, reusing the cached
// document of one whose bytes are unchanged and falling back per document
// to the last good one; clean reports that every document imported.
func (c *Cache) loadDocs(ctx context.Context, names []string, read func(string) ([]byte, error), seen map[string]bool, fail func(string, error, bool)) (g group, clean bool) {
	clean = true
	for _, name := range names {
		if ctx.Err() != nil {
			return group{}, false
		}
		seen[name] = true
		prev := c.files[name]
		data, err := read(name)
		sum := sha256.Sum256(data)
		if err == nil && prev != nil && prev.sum == sum {
			g.docs = append(g.docs, prev.doc)
			continue
		}
		var d document
		if err == nil {
			d, err = parseDocument(name, data, c.o.MaxBytes)
		}
		if err != nil {
			clean = false
			fail(name, err, prev != nil)
			if prev != nil {
				g.docs = append(g.docs, prev.doc)
			}
			continue
		}
		c.o.Logger.Debug("imported source", "source", name, "pathways", len(d.pathways))
		c.files[name] = &fileEntry{sum: sum, doc: d}
		g.docs = append(g.docs, d)
	}
	return g, clean
}

// prune forgets sources no spec named in the last load.
func (c *Cache) prune(urls, files, folders, github map[string]bool) {
	for k := range c.github {
		if !github[k] {
			delete(c.github, k)
		}
	}
	for k := range c.urls {
		if !urls[k] {
			delete(c.urls, k)
		}
	}
	for k := range c.files {
		if !files[k] {
			delete(c.files, k)
		}
	}
	for k := range c.folders {
		if !folders[k] {
			delete(c.folders, k)
		}
	}
}
