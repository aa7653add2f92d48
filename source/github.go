package source

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
)

// DefaultGitHubMaxFileBytes is the per-file size limit FetchVersion applies
// when MaxFileBytes is zero.
const DefaultGitHubMaxFileBytes = 5 << 20

// GitHubFolder is a source that reads the pathway files of one folder in a
// GitHub repository through an injected Read function (cmd wires it to
// githubsync's folder reader), so this package needs no GitHub client.
//
// Its pathway files are those IsPathwayFile accepts anywhere under the
// folder, skipping hidden files and folders, like a local folder walk. A
// file is named in errors and Pathway.Source as
// github://OWNER/REPO/FOLDER/FILE[@REF] (FILE relative to the folder, REF
// only when the spec gives one): the file's own path in the spec's notation,
// unambiguous because a path holds no "@" while a ref may hold "/".
type GitHubFolder struct {
	// Repository is "owner/name".
	Repository string
	// Ref is a branch, tag or commit; empty means the default branch.
	Ref string
	// Path is the folder inside the repository; empty means the root.
	Path string
	// Read returns the files under the folder keyed by slash path relative
	// to it (nested paths allowed), and a version string (e.g. the tree
	// SHA) that changes when the content changes.
	Read func(ctx context.Context, repository, ref, path string) (map[string][]byte, string, error)
	// MaxFileBytes limits each file in FetchVersion; zero means
	// DefaultGitHubMaxFileBytes. Load and Cache apply Options.MaxBytes.
	MaxFileBytes int64
}

// String names the folder as its canonical spec, github://OWNER/REPO[/PATH][@REF].
func (g *GitHubFolder) String() string {
	return g.DocumentName("")
}

// DocumentName names a file of the folder (rel is relative to the folder,
// "" names the folder itself) as github://OWNER/REPO/PATH/REL[@REF].
func (g *GitHubFolder) DocumentName(rel string) string {
	s := GitHubScheme + g.Repository
	if p := path.Join(strings.Trim(g.Path, "/"), rel); p != "" && p != "." {
		s += "/" + p
	}
	if g.Ref != "" {
		s += "@" + g.Ref
	}
	return s
}

// Fetch returns file name → content for the folder's pathway files; names
// are relative to the folder.
func (g *GitHubFolder) Fetch(ctx context.Context) (map[string][]byte, error) {
	files, _, err := g.FetchVersion(ctx)
	return files, err
}

// FetchVersion is Fetch that also returns the version string Read
// reported; a file larger than MaxFileBytes fails the fetch (ErrTooLarge).
func (g *GitHubFolder) FetchVersion(ctx context.Context) (map[string][]byte, string, error) {
	files, version, err := g.read(ctx)
	if err != nil {
		return nil, "", err
	}
	limit := g.MaxFileBytes
	if limit <= 0 {
		limit = DefaultGitHubMaxFileBytes
	}
	var errs []error
	for _, rel := range slices.Sorted(maps.Keys(files)) {
		if int64(len(files[rel])) > limit {
			errs = append(errs, tooLarge(g.DocumentName(rel), limit))
		}
	}
	if len(errs) > 0 {
		return nil, "", fmt.Errorf("fetch %s: %w", g, errors.Join(errs...))
	}
	return files, version, nil
}

// read validates the folder, calls Read and keeps the pathway files, keyed
// by clean path relative to the folder; it applies no size limit.
func (g *GitHubFolder) read(ctx context.Context) (map[string][]byte, string, error) {
	if err := g.check(); err != nil {
		return nil, "", fmt.Errorf("fetch %s: %w", g, err)
	}
	if g.Read == nil {
		return nil, "", fmt.Errorf("fetch %s: %w", g, ErrNoGitHubClient)
	}
	raw, version, err := g.Read(ctx, g.Repository, g.Ref, strings.Trim(g.Path, "/"))
	if err != nil {
		return nil, "", fmt.Errorf("fetch %s: %w", g, err)
	}
	out := make(map[string][]byte, len(raw))
	for name, data := range raw {
		if rel, ok := relativeName(name); ok && IsPathwayFile(rel) {
			out[rel] = data
		}
	}
	return out, version, nil
}

// relativeName cleans a key returned by Read, refusing absolute or escaping
// paths and anything inside a hidden file or folder, as a local walk does.
func relativeName(name string) (string, bool) {
	name = strings.ReplaceAll(name, "\\", "/")
	if name == "" || strings.HasPrefix(name, "/") || !cleanRelative(name) {
		return "", false
	}
	for seg := range strings.SplitSeq(name, "/") {
		if strings.HasPrefix(seg, ".") {
			return "", false
		}
	}
	return name, true
}
