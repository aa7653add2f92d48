package githubsync

import (
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/pathwaysync/pathwaysync/internal/gitobj"
)

// Cache keeps what GitHub answered about git objects, by object SHA: a
// git object never changes, so a folder listing or a blob read once need
// not be read again, in this sync or a later one. Keys are "tree/SHA"
// (a folder's own entries) and "blob/SHA" (a file's content). Get and Put
// must be safe for concurrent use, and a Cache may forget anything at any
// time. What Get returns is checked against its SHA before use: a damaged
// cache costs a request, never a wrong tree.
//
// With a cache, a folder past GitHub's listing limit costs what a small
// one does: only the managed folder's own entries are read on every sync
// (they are addressed by commit, not by SHA), and each other folder once.
type Cache interface {
	Get(key string) ([]byte, bool)
	Put(key string, value []byte)
}

// cachedBlob returns the blob sha from the cache, checked.
func cachedBlob(c Cache, sha string) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	b, ok := c.Get("blob/" + sha)
	if !ok || gitobj.BlobSHA(b) != sha {
		return nil, false
	}
	return b, true
}

func putBlob(c Cache, sha string, data []byte) {
	if c != nil && gitobj.BlobSHA(data) == sha {
		c.Put("blob/"+sha, data)
	}
}

// A folder's own entries are cached as `git ls-tree` prints them:
// "MODE TYPE SHA\tNAME\n" per entry.
func encodeListing(entries []gitobj.Entry, types []string) []byte {
	var b strings.Builder
	for i, e := range entries {
		b.WriteString(e.Mode + " " + types[i] + " " + e.SHA + "\t" + e.Name + "\n")
	}
	return []byte(b.String())
}

// cachedListing returns folder sha's own entries from the cache, checked
// against sha.
func cachedListing(c Cache, sha string) ([]*github.TreeEntry, bool) {
	if c == nil {
		return nil, false
	}
	raw, ok := c.Get("tree/" + sha)
	if !ok {
		return nil, false
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	if len(raw) == 0 {
		lines = nil
	}
	entries := make([]*github.TreeEntry, 0, len(lines))
	check := make([]gitobj.Entry, 0, len(lines))
	for _, line := range lines {
		meta, name, ok := strings.Cut(line, "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 3 {
			return nil, false
		}
		entries = append(entries, &github.TreeEntry{Mode: github.String(f[0]), Type: github.String(f[1]), SHA: github.String(f[2]), Path: github.String(name)})
		check = append(check, gitobj.Entry{Mode: f[0], Name: name, SHA: f[2]})
	}
	if gitobj.TreeSHAEntries(check) != sha {
		return nil, false
	}
	return entries, true
}

// cachedTree answers a listing of folder sha from the cache: its own
// entries, or with recursive every entry below it (paths relative to it),
// when the cache holds every folder it takes.
func cachedTree(c Cache, sha string, recursive bool) (*github.Tree, bool) {
	own, ok := cachedListing(c, sha)
	if !ok {
		return nil, false
	}
	t := &github.Tree{SHA: github.String(sha), Truncated: github.Bool(false)}
	if !recursive {
		t.Entries = own
		return t, true
	}
	var walk func(prefix string, entries []*github.TreeEntry) bool
	walk = func(prefix string, entries []*github.TreeEntry) bool {
		for _, e := range entries {
			path := prefix + e.GetPath()
			t.Entries = append(t.Entries, &github.TreeEntry{Mode: e.Mode, Type: e.Type, SHA: e.SHA, Path: github.String(path)})
			if e.GetType() != "tree" {
				continue
			}
			sub, ok := cachedListing(c, e.GetSHA())
			if !ok || !walk(path+"/", sub) {
				return false
			}
		}
		return true
	}
	if !walk("", own) {
		return nil, false
	}
	return t, true
}

// putTree caches each folder of a whole listing of folder sha (recursive
// or not) whose entries hash to its SHA; a folder whose entries are not
// all in the listing (a non-recursive listing's subfolders) is left out.
func putTree(c Cache, sha string, t *github.Tree, recursive bool) {
	if c == nil || t.GetTruncated() {
		return
	}
	folders := folderListings{"": {}}
	want := map[string]string{"": sha}
	for _, e := range t.Entries {
		path := e.GetPath()
		folders.add(path, e.GetMode(), e.GetType(), e.GetSHA())
		if e.GetType() == "tree" && recursive {
			want[path] = e.GetSHA()
			if folders[path] == nil {
				folders[path] = &folderListing{}
			}
		}
	}
	for dir, f := range folders {
		if s, ok := want[dir]; ok && gitobj.TreeSHAEntries(f.entries) == s {
			c.Put("tree/"+s, encodeListing(f.entries, f.types))
		}
	}
}

// folderListing is one folder's own entries and their types, as cached.
type folderListing struct {
	entries []gitobj.Entry
	types   []string
}

// folderListings are listings by folder path ("" the root).
type folderListings map[string]*folderListing

// add puts the entry at path p into its folder's listing.
func (fs folderListings) add(p, mode, typ, sha string) {
	dir, name := "", p
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		dir, name = p[:i], p[i+1:]
	}
	f := fs[dir]
	if f == nil {
		f = &folderListing{}
		fs[dir] = f
	}
	f.entries = append(f.entries, gitobj.Entry{Mode: mode, Name: name, SHA: sha})
	f.types = append(f.types, typ)
}

// rememberFolders caches the own entries of every folder of the desired
// tree, computed here, not read: a later sync finds a folder that this
// tree has and the repository then holds (after this PR merged, or while
// a pathway is unchanged) without listing it. Only a tree compared folder
// by folder reads folders by SHA (readSubtree); a smaller one is listed
// in one request, and nothing is kept for it.
func rememberFolders(c Cache, want *desired) {
	if root := want.folders[""]; root.Entries < listEntries*9/10 && root.ListBytes < listBytes*9/10 {
		return
	}
	rememberAll(c, want)
}

// rememberAll caches the own entries of every folder of the desired tree.
func rememberAll(c Cache, want *desired) {
	if c == nil {
		return
	}
	kids := make(folderListings, len(want.folders))
	for _, p := range want.paths {
		kids.add(p, "100644", "blob", want.blobs[p])
	}
	for p, f := range want.folders {
		if p != "" {
			kids.add(p, "040000", "tree", f.SHA)
		}
	}
	for dir, f := range kids {
		c.Put("tree/"+want.folders[dir].SHA, encodeListing(f.entries, f.types))
	}
}
