package githubsync

import (
	"context"
	"fmt"
	"strings"
)

// maxFolderFiles bounds ReadFolder: one request per file.
const maxFolderFiles = 2000

// ReadFolder reads every file under path at ref ("" = the default branch)
// of repository ("owner/name"); keys are slash paths relative to path.
// treeSHA identifies the folder's content: callers can skip work when it
// has not changed.
func (c *Client) ReadFolder(ctx context.Context, repository, ref, path string) (files map[string][]byte, treeSHA string, err error) {
	owner, name, ok := strings.Cut(repository, "/")
	if !ok || owner == "" || name == "" {
		return nil, "", fmt.Errorf("read folder: repository %q is not owner/name", repository)
	}
	path = strings.Trim(path, "/")
	if path != "" && !cleanRel(path) {
		return nil, "", fmt.Errorf("read folder: path %q is not a clean relative path", path)
	}
	api := repoAPI{c: c, owner: owner, name: name}
	if ref == "" {
		if ref, err = api.defaultBranch(ctx); err != nil {
			return nil, "", fmt.Errorf("read folder: %w", err)
		}
	}
	ish := ref
	if path != "" {
		ish += ":" + escapePath(path)
	}
	t, err := api.tree(ctx, ish, true)
	if err != nil {
		return nil, "", fmt.Errorf("read folder %s at %s: %w", path, ref, err)
	}
	if t.GetTruncated() {
		return nil, "", fmt.Errorf("read folder %s: listing truncated by GitHub", path)
	}
	files = map[string][]byte{}
	for _, e := range t.Entries {
		if e.GetType() != "blob" {
			continue
		}
		if len(files) == maxFolderFiles {
			return nil, "", fmt.Errorf("read folder %s: more than %d files", path, maxFolderFiles)
		}
		data, err := api.blob(ctx, e.GetSHA())
		if err != nil {
			return nil, "", fmt.Errorf("read folder %s: %s: %w", path, e.GetPath(), err)
		}
		files[e.GetPath()] = data
	}
	return files, t.GetSHA(), nil
}
