package gitobj

import (
	"cmp"
	"crypto/sha1"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
)

// Folder is what Folders computes for one folder of a tree.
type Folder struct {
	// SHA is the folder's git tree SHA-1: GitHub's SHA for the same folder.
	SHA string
	// Entries and ListBytes size a recursive listing of the folder (GET
	// git/trees/{sha}?recursive=1, `git ls-tree -r -t`): its entries,
	// files and folders at every depth, and the bytes of ls-tree's
	// records, which GitHub's listing limits count.
	Entries, ListBytes int
}

// Folders returns every folder of the tree files describes (clean slash
// paths → blob SHA, 40 hex digits, every file mode 100644), by path: ""
// is the tree's root, "a/b" a folder in it. Two folders with the same
// SHA hold the same files, so a folder's SHA compared with a repository's
// tells whether it differs without listing it. A blob SHA that is not 40
// hex digits is hashed as zero bytes.
func Folders(files map[string]string) map[string]Folder {
	type entry struct {
		name string // a folder's name ends in "/": git's order
		sha  string // a folder's is filled in when its turn comes
	}
	kids := map[string][]entry{"": nil}
	linked := map[string]bool{} // folders listed in their parent
	out := map[string]Folder{}
	// count adds an entry at path p to the listing of every folder above it.
	count := func(p string) {
		for dir := p; dir != ""; {
			dir = parent(dir)
			rel := p
			if dir != "" {
				rel = p[len(dir)+1:]
			}
			f := out[dir]
			f.Entries++
			// "100644 blob <sha>\t<path>\x00"; a folder's mode is 040000.
			f.ListBytes += len("100644 blob ") + 40 + 1 + len(rel) + 1
			out[dir] = f
		}
	}
	for p, sha := range files {
		dir := parent(p)
		kids[dir] = append(kids[dir], entry{name: p[len(dir)+len(sep(dir)):], sha: sha})
		count(p)
		for dir != "" && !linked[dir] {
			linked[dir] = true
			up := parent(dir)
			kids[up] = append(kids[up], entry{name: dir[len(up)+len(sep(up)):] + "/"})
			count(dir)
			dir = up
		}
	}
	// Deepest first: a folder's SHA is known before its parent's.
	dirs := make([]string, 0, len(kids))
	for d := range kids {
		dirs = append(dirs, d)
	}
	depth := func(d string) int {
		if d == "" {
			return 0
		}
		return strings.Count(d, "/") + 1
	}
	slices.SortFunc(dirs, func(a, b string) int { return cmp.Compare(depth(b), depth(a)) })
	var body []byte
	raw := make([]byte, sha1.Size)
	for _, d := range dirs {
		es := kids[d]
		slices.SortFunc(es, func(a, b entry) int { return strings.Compare(a.name, b.name) })
		body = body[:0]
		for _, e := range es {
			sha := e.sha
			if name, ok := strings.CutSuffix(e.name, "/"); ok {
				body = append(body, "40000 "...)
				body = append(body, name...)
				sha = out[d+sep(d)+name].SHA
			} else {
				body = append(body, "100644 "...)
				body = append(body, e.name...)
			}
			body = append(body, 0)
			if len(sha) != 2*sha1.Size {
				clear(raw)
			} else if _, err := hex.Decode(raw, []byte(sha)); err != nil {
				clear(raw)
			}
			body = append(body, raw...)
		}
		h := sha1.New()
		h.Write([]byte("tree " + strconv.Itoa(len(body)) + "\x00"))
		h.Write(body)
		f := out[d]
		f.SHA = hex.EncodeToString(h.Sum(nil))
		out[d] = f
	}
	return out
}

// parent is the folder holding p, "" for the root.
func parent(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}

// sep is the separator after folder d in a path: none after the root.
func sep(d string) string {
	if d == "" {
		return ""
	}
	return "/"
}
