package githubsync

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/pathwaysync/pathwaysync/internal/gitobj"
)

// GitHub truncates a recursive tree listing past 100,000 entries or 7 MB
// of `git ls-tree -r -t` records (docs.github.com/rest/git/trees, "Get a
// tree"). A folder whose desired listing comes within a tenth of either is
// not listed recursively: its listing would very likely be cut, and a cut
// listing is a large response wasted.
const (
	listEntries = 100_000
	listBytes   = 7 << 20
)

// readSubtree lists the blobs under Options.Path at commit, paths
// relative to it; an absent folder gives an empty map.
//
// It costs one recursive listing while GitHub gives it whole. Past its
// limits the folder is compared folder by folder with the desired tree
// want: each folder is listed without recursion, and a subfolder whose
// tree SHA equals the desired folder's holds exactly the desired files,
// so those are taken from want without a read; only folders that differ
// are read, the same way. An unchanged folder of any size then costs one
// request, and a change one more per differing folder on its path.
func (p *Publisher) readSubtree(ctx context.Context, commit string, want *desired) (map[string]blobRef, error) {
	r := subtreeReader{p: p, want: want, out: map[string]blobRef{}}
	err := r.read(ctx, commit+":"+escapePath(p.o.Path), "")
	var e *Error
	if errors.As(err, &e) && e.Status == http.StatusNotFound {
		return map[string]blobRef{}, nil
	}
	if err != nil {
		return nil, err
	}
	return r.out, nil
}

type subtreeReader struct {
	p    *Publisher
	want *desired
	out  map[string]blobRef
}

// read lists the folder rel ("" for the managed folder, else a slash path
// in it), read as the tree-ish ish, into r.out.
func (r *subtreeReader) read(ctx context.Context, ish, rel string) error {
	w, known := r.want.folders[rel]
	if !known || (w.Entries < listEntries*9/10 && w.ListBytes < listBytes*9/10) {
		t, err := r.p.api.tree(ctx, ish, true)
		if err != nil {
			return err
		}
		if !t.GetTruncated() {
			for _, e := range t.Entries {
				if e.GetType() == "blob" {
					r.out[join(rel, e.GetPath())] = blobRef{SHA: e.GetSHA(), Mode: e.GetMode()}
				}
			}
			return nil
		}
		r.p.log.Debug("tree listing truncated, comparing folder by folder", "folder", join(r.p.o.Path, rel))
	}
	t, err := r.p.api.tree(ctx, ish, false)
	if err != nil {
		return err
	}
	if t.GetTruncated() {
		return &Error{Op: "read " + join(r.p.o.Path, rel), Err: ErrTreeTooLarge,
			Hint: "GitHub truncated the listing of one folder's own entries; the folder is too large to compare"}
	}
	if known && t.GetSHA() == w.SHA {
		r.same(rel)
		return nil
	}
	for _, e := range t.Entries {
		path := join(rel, e.GetPath())
		switch e.GetType() {
		case "blob":
			r.out[path] = blobRef{SHA: e.GetSHA(), Mode: e.GetMode()}
		case "tree":
			if w, ok := r.want.folders[path]; ok && w.SHA == e.GetSHA() {
				r.same(path)
			} else if err := r.read(ctx, e.GetSHA(), path); err != nil {
				return err
			}
		}
	}
	return nil
}

// same records the desired files under folder rel as the folder's: its
// tree SHA is the desired one, so it holds exactly them, mode 100644.
func (r *subtreeReader) same(rel string) {
	paths := r.want.paths
	if rel != "" {
		prefix := rel + "/"
		lo, _ := slices.BinarySearch(paths, prefix)
		hi := lo
		for hi < len(paths) && strings.HasPrefix(paths[hi], prefix) {
			hi++
		}
		paths = paths[lo:hi]
	}
	for _, p := range paths {
		r.out[p] = blobRef{SHA: r.want.blobs[p], Mode: "100644"}
	}
}

// join joins a folder ("" for the root) and a relative path ("" for
// the folder itself).
func join(dir, rel string) string {
	if dir == "" || rel == "" {
		return dir + rel
	}
	return dir + "/" + rel
}

// folderIndex is what readSubtree needs of the desired tree.
func folderIndex(blobs map[string]string) (map[string]gitobj.Folder, []string) {
	paths := make([]string, 0, len(blobs))
	for p := range blobs {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	return gitobj.Folders(blobs), paths
}
