package githubsync

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// maxFolderFiles bounds ReadFolder: one request per new file.
const maxFolderFiles = 2000

// folderBlobs remembers the file contents of each folder's last read by
// blob SHA. Blobs are content-addressed, so a file whose SHA is listed
// again is never fetched again: re-reading an unchanged folder costs one
// request (two without a ref), and a changed one a request per changed
// file. Only the latest listing of each folder is kept.
type folderBlobs struct {
	mu      sync.Mutex
	folders map[string]map[string][]byte // folder key → blob SHA → content
}

func (b *folderBlobs) get(key string) map[string][]byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.folders[key]
}

func (b *folderBlobs) set(key string, blobs map[string][]byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.folders == nil {
		b.folders = map[string]map[string][]byte{}
	}
	b.folders[key] = blobs
}

// ReadFolder reads every file under path at ref ("" = the default branch)
// of repository ("owner/name"); keys are slash paths relative to path.
// treeSHA identifies the folder's content: callers can skip work when it
// has not changed. Contents are shared with the client's cache of the
// folder and must not be modified.
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
	key := repository + "@" + ish
	known, blobs := c.blobs.get(key), map[string][]byte{}
	files = map[string][]byte{}
	for _, e := range t.Entries {
		if e.GetType() != "blob" {
			continue
		}
		if len(files) == maxFolderFiles {
			return nil, "", fmt.Errorf("read folder %s: more than %d files", path, maxFolderFiles)
		}
		sha := e.GetSHA()
		data, ok := blobs[sha]
		if !ok {
			data, ok = known[sha]
		}
		if !ok {
			if data, err = api.blob(ctx, sha); err != nil {
				return nil, "", fmt.Errorf("read folder %s: %s: %w", path, e.GetPath(), err)
			}
		}
		blobs[sha] = data
		files[e.GetPath()] = data
	}
	c.blobs.set(key, blobs)
	return files, t.GetSHA(), nil
}
