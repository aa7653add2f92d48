package source

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"slices"

	"github.com/pathwaysync/pathwaysync/internal/workpool"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// group is what one spec produced, in document order.
type group struct {
	docs     []document
	warnings []Warning
}

// Load reads every spec (a file, a folder walked recursively in sorted order
// picking .txt .text .html .htm .yaml .yml and skipping hidden files and
// folders, an http(s) URL, or a github://OWNER/REPO/PATH[@REF] folder read
// the same way through Options.ReadGitHubFolder) and imports its pathways
// with pathway.Parse.
// Pathways come back in spec order, sorted by title within a spec. Every
// failing document is reported (errors joined), and a pathway title defined
// twice across all sources is an ErrDuplicate naming both.
func Load(ctx context.Context, specs []string, o Options) ([]pathway.Pathway, []Warning, error) {
	if len(specs) == 0 {
		return nil, nil, ErrNoSources
	}
	o = o.withDefaults()
	if slices.ContainsFunc(specs, isURL) {
		var release func()
		o, release = o.withClient()
		defer release()
	}
	groups := make([]group, 0, len(specs))
	var errs []error
	for _, spec := range specs {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		g, err := loadSpec(ctx, spec, o)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		groups = append(groups, g)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}
	return assemble(groups)
}

// LoadBytes imports one document fetched elsewhere with the same size,
// content and duplicate checks as Load; name appears in errors and becomes
// Source when the document carries no URL.
func LoadBytes(name string, data []byte, o Options) ([]pathway.Pathway, []Warning, error) {
	return LoadFiles(map[string][]byte{name: data}, o)
}

// LoadFiles imports documents fetched elsewhere (e.g. embedded files, name
// → content) in name order with the same checks as Load; every failing
// document is reported and a title defined twice is an ErrDuplicate.
func LoadFiles(files map[string][]byte, o Options) ([]pathway.Pathway, []Warning, error) {
	if len(files) == 0 {
		return nil, nil, ErrNoSources
	}
	o = o.withDefaults()
	g, err := parseAll(context.Background(), slices.Sorted(maps.Keys(files)), lookup(files), o)
	if err != nil {
		return nil, nil, err
	}
	return assemble([]group{g})
}

// loadSpec reads one spec without any cache.
func loadSpec(ctx context.Context, spec string, o Options) (group, error) {
	switch {
	case isURL(spec):
		f, err := fetch(ctx, o, spec, validator{})
		if err != nil {
			return group{}, err
		}
		d, err := parseDocument(redact(spec), f.data, o.MaxBytes)
		if err != nil {
			return group{}, err
		}
		o.Logger.Debug("imported source", "source", d.name, "pathways", len(d.pathways))
		return group{docs: []document{d}}, nil
	case IsGitHubSpec(spec):
		return loadGitHub(ctx, spec, o)
	case hasScheme(spec):
		return group{}, unsupportedScheme(spec)
	}
	files, err := listFiles(spec, o.FollowSymlinks)
	if err != nil {
		return group{}, err
	}
	g, err := parseAll(ctx, files, func(name string) ([]byte, error) { return readFile(name, o.MaxBytes) }, o)
	if err != nil {
		return group{}, err
	}
	if len(files) == 0 {
		g.warnings = append(g.warnings, emptyFolder(spec))
	}
	return g, nil
}

// loadGitHub reads one github:// spec without any cache.
func loadGitHub(ctx context.Context, spec string, o Options) (group, error) {
	gf, err := o.gitHubFolder(spec)
	if err != nil {
		return group{}, err
	}
	files, _, err := gf.read(ctx)
	if err != nil {
		return group{}, fmt.Errorf("read source: %w", err)
	}
	docs := gitHubDocuments(gf, files)
	g, err := parseAll(ctx, slices.Sorted(maps.Keys(docs)), lookup(docs), o)
	if err != nil {
		return group{}, err
	}
	if len(docs) == 0 {
		g.warnings = append(g.warnings, emptyFolder(gf.String()))
	}
	return g, nil
}

// gitHubFolder parses a github:// spec and attaches o's reader; without
// one the error is ErrNoGitHubClient naming the spec.
func (o Options) gitHubFolder(spec string) (*GitHubFolder, error) {
	gf, err := ParseGitHubSpec(spec)
	if err != nil {
		return nil, fmt.Errorf("read source: %w", err)
	}
	if o.ReadGitHubFolder == nil {
		return nil, fmt.Errorf("read source %s: %w", gf, ErrNoGitHubClient)
	}
	gf.Read = o.ReadGitHubFolder
	return gf, nil
}

// gitHubDocuments renames a folder's files (relative name → content) to
// their document names.
func gitHubDocuments(gf *GitHubFolder, files map[string][]byte) map[string][]byte {
	docs := make(map[string][]byte, len(files))
	for rel, data := range files {
		docs[gf.DocumentName(rel)] = data
	}
	return docs
}

// parseAll reads and imports the named documents with read and
// parseDocument on up to GOMAXPROCS goroutines; documents keep the order
// of names, and every failing one is reported (errors joined in that
// order), so the result does not depend on scheduling.
func parseAll(ctx context.Context, names []string, read func(string) ([]byte, error), o Options) (group, error) {
	docs := make([]document, len(names))
	errs := make([]error, len(names))
	workpool.ForEach(ctx, len(names), runtime.GOMAXPROCS(0), func(i int) bool {
		data, err := read(names[i])
		if err == nil {
			docs[i], err = parseDocument(names[i], data, o.MaxBytes)
		}
		errs[i] = err
		return true
	})
	if err := ctx.Err(); err != nil {
		return group{}, err
	}
	if err := errors.Join(errs...); err != nil {
		return group{}, err
	}
	for _, d := range docs {
		o.Logger.Debug("imported source", "source", d.name, "pathways", len(d.pathways))
	}
	return group{docs: docs}, nil
}

// lookup reads documents from memory.
func lookup(files map[string][]byte) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) { return files[name], nil }
}

// unsupportedScheme is the error for a URL spec that is neither http(s) nor github.
func unsupportedScheme(spec string) error {
	return fmt.Errorf("read source %s: unsupported URL scheme (want http, https or github)", redact(spec))
}

// emptyFolder is the warning for a folder holding no pathway file.
func emptyFolder(spec string) Warning {
	return Warning{File: spec, Msg: "no pathway files (.txt .text .html .htm .yaml .yml) in folder"}
}
