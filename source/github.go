package source

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
)

// DefaultGitHubMaxFileBytes is the per-file size limit GitHubFolder applies
// when MaxFileBytes is zero.
const DefaultGitHubMaxFileBytes = 5 << 20

// GitHubFolder is a source that reads the pathway files of one folder in a
// GitHub repository through an injected Read function (cmd wires it to
// githubsync's folder reader), so this package needs no GitHub client.
type GitHubFolder struct {
	// Repository is "owner/name".
	Repository string
	// Ref is a branch, tag or commit; empty means the default branch.
	Ref string
	// Path is the folder inside the repository; empty means the root.
	Path string
	// Read returns the files of the folder, keyed by path (relative to the
	// folder or to the repository root), and a version string (e.g. the
	// tree SHA) that changes when the content changes.
	Read func(ctx context.Context, repository, ref, path string) (map[string][]byte, string, error)
	// MaxFileBytes limits each file; zero means DefaultGitHubMaxFileBytes.
	MaxFileBytes int64
}

// pathwayExts are the file extensions that hold pathways.
var pathwayExts = map[string]bool{".txt": true, ".html": true, ".htm": true, ".yaml": true, ".yml": true}

// String names the folder as "github:owner/name@ref:path" for logs and errors.
func (g *GitHubFolder) String() string {
	s := "github:" + g.Repository
	if g.Ref != "" {
		s += "@" + g.Ref
	}
	if p := strings.Trim(g.Path, "/"); p != "" {
		s += ":" + p
	}
	return s
}

// Fetch returns file name → content for the pathway files (.txt, .html,
// .htm, .yaml, .yml) directly in the folder; names are relative to the folder.
func (g *GitHubFolder) Fetch(ctx context.Context) (map[string][]byte, error) {
	files, _, err := g.FetchVersion(ctx)
	return files, err
}

// FetchVersion is Fetch that also returns the version string Read reported.
func (g *GitHubFolder) FetchVersion(ctx context.Context) (map[string][]byte, string, error) {
	if g.Read == nil {
		return nil, "", fmt.Errorf("fetch %s: no reader configured", g)
	}
	if !validRepository(g.Repository) {
		return nil, "", fmt.Errorf("fetch %s: repository must be owner/name", g)
	}
	dir := strings.Trim(g.Path, "/")
	if dir != "" && (path.Clean(dir) != dir || dir == ".." || strings.HasPrefix(dir, "../")) {
		return nil, "", fmt.Errorf("fetch %s: path %q is not a clean relative folder", g, g.Path)
	}
	raw, version, err := g.Read(ctx, g.Repository, g.Ref, dir)
	if err != nil {
		return nil, "", fmt.Errorf("fetch %s: %w", g, err)
	}
	limit := g.MaxFileBytes
	if limit <= 0 {
		limit = DefaultGitHubMaxFileBytes
	}
	out := make(map[string][]byte, len(raw))
	var errs []error
	for name, data := range raw {
		rel, ok := relativeName(dir, name)
		if !ok {
			continue
		}
		if !pathwayExts[strings.ToLower(path.Ext(rel))] {
			continue
		}
		if int64(len(data)) > limit {
			errs = append(errs, fmt.Errorf("%s: %d bytes exceeds the %d-byte limit", rel, len(data), limit))
			continue
		}
		out[rel] = data
	}
	if len(errs) > 0 {
		return nil, "", fmt.Errorf("fetch %s: %w", g, errors.Join(errs...))
	}
	return out, version, nil
}

// relativeName maps a key returned by Read to a file name directly inside
// dir, refusing hidden files, subfolders and anything that would escape.
func relativeName(dir, name string) (string, bool) {
	name = strings.TrimPrefix(strings.ReplaceAll(name, "\\", "/"), "/")
	if dir != "" && strings.HasPrefix(name, dir+"/") {
		name = strings.TrimPrefix(name, dir+"/")
	}
	if name == "" || strings.Contains(name, "/") || name == "." || name == ".." || strings.HasPrefix(name, ".") {
		return "", false
	}
	return name, true
}

func validRepository(r string) bool {
	owner, name, ok := strings.Cut(r, "/")
	return ok && owner != "" && name != "" && !strings.Contains(name, "/") && name != "." && name != ".."
}
