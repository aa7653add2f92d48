package source

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/pathwaysync/pathwaysync/pathway"
)

// group is what one spec produced, in document order.
type group struct {
	docs     []document
	warnings []Warning
}

// Load reads every spec (a file, a folder walked recursively in sorted order
// picking .txt .text .html .htm .yaml .yml and skipping hidden files and
// folders, or an http(s) URL) and imports its pathways with pathway.Parse.
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

// LoadFiles imports documents fetched elsewhere (e.g. a GitHub folder, name
// → content) in name order with the same checks as Load; every failing
// document is reported and a title defined twice is an ErrDuplicate.
func LoadFiles(files map[string][]byte, o Options) ([]pathway.Pathway, []Warning, error) {
	if len(files) == 0 {
		return nil, nil, ErrNoSources
	}
	o = o.withDefaults()
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	var g group
	var errs []error
	for _, name := range names {
		d, err := parseDocument(name, files[name], o.MaxBytes)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		g.docs = append(g.docs, d)
	}
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}
	return assemble([]group{g})
}

// loadSpec reads one spec without any cache.
func loadSpec(ctx context.Context, spec string, o Options) (group, error) {
	if isURL(spec) {
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
	}
	if hasScheme(spec) {
		return group{}, fmt.Errorf("read source %s: unsupported URL scheme (want http or https)", redact(spec))
	}
	files, err := listFiles(spec)
	if err != nil {
		return group{}, err
	}
	var g group
	if len(files) == 0 {
		g.warnings = append(g.warnings, emptyFolder(spec))
	}
	var errs []error
	for _, name := range files {
		if err := ctx.Err(); err != nil {
			return group{}, err
		}
		data, err := readFile(name, o.MaxBytes)
		if err == nil {
			var d document
			d, err = parseDocument(name, data, o.MaxBytes)
			if err == nil {
				o.Logger.Debug("imported source", "source", name, "pathways", len(d.pathways))
				g.docs = append(g.docs, d)
			}
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return group{}, errors.Join(errs...)
	}
	return g, nil
}

// emptyFolder is the warning for a folder holding no pathway file.
func emptyFolder(spec string) Warning {
	return Warning{File: spec, Msg: "no pathway files (.txt .text .html .htm .yaml .yml) in folder"}
}
