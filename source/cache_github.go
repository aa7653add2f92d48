package source

import (
	"context"
	"fmt"
	"maps"
	"slices"
)

// loadGitHub reads a github:// spec. An unchanged version after a clean
// load reuses the cached documents without parsing; otherwise files are
// re-imported only when their bytes changed, falling back per file. When
// the folder cannot be read, or lists no pathway file after having listed
// some, its last good documents stand in and it is reported as a Failure
// (fatal when it never loaded).
func (c *Cache) loadGitHub(ctx context.Context, spec string, seenFolders, seenFiles map[string]bool, fail func(string, error, bool)) group {
	gf, err := ParseGitHubSpec(spec)
	if err != nil {
		fail(redact(spec), fmt.Errorf("read source: %w", err), false)
		return group{}
	}
	gf.Read = c.o.ReadGitHubFolder
	key := gf.String()
	seenFolders[key] = true
	prev := c.github[key]
	if gf.Read == nil {
		fail(key, fmt.Errorf("read source %s: %w", key, ErrNoGitHubClient), false)
		return group{}
	}
	files, version, err := gf.read(ctx)
	if err == nil && len(files) == 0 && prev != nil && len(prev.names) > 0 {
		err = fmt.Errorf("%s: folder no longer holds any pathway file", key)
	}
	if err != nil {
		if ctx.Err() != nil {
			return group{}
		}
		fail(key, fmt.Errorf("read source: %w", err), prev != nil)
		if prev == nil {
			return group{}
		}
		return c.fallback(prev.names, seenFiles)
	}
	if prev != nil && prev.clean && version != "" && version == prev.version && c.cached(prev.names) {
		c.o.Logger.Debug("source not modified", "source", key, "version", version)
		g := c.fallback(prev.names, seenFiles)
		if len(prev.names) == 0 {
			g.warnings = append(g.warnings, emptyFolder(key))
		}
		return g
	}
	docs := gitHubDocuments(gf, files)
	names := slices.Sorted(maps.Keys(docs))
	g, clean := c.loadDocs(ctx, names, lookup(docs), seenFiles, fail)
	if ctx.Err() != nil {
		return group{}
	}
	c.github[key] = &gitHubEntry{version: version, names: names, clean: clean}
	if len(names) == 0 {
		g.warnings = append(g.warnings, emptyFolder(key))
	}
	return g
}

// cached reports whether every named document has cached content.
func (c *Cache) cached(names []string) bool {
	for _, name := range names {
		if c.files[name] == nil {
			return false
		}
	}
	return true
}
