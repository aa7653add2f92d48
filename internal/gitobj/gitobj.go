// Package gitobj computes git object IDs (SHA-1) locally, exactly as
// `git hash-object` and `git write-tree` do, so that content can be
// compared with a repository's blobs and trees without reading them.
package gitobj

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// HashObject returns the SHA-1 of a git object of the given kind ("blob",
// "tree", "commit") and body: `git hash-object -t kind`.
func HashObject(kind string, body []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "%s %d\x00", kind, len(body))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// BlobSHA returns the git blob SHA-1 of data ("blob <len>\0<data>").
func BlobSHA(data []byte) string { return HashObject("blob", data) }

// TreeSHA returns the git tree SHA-1 of a folder whose files (clean slash
// paths relative to the folder → blob SHA, lowercase hex) all have mode
// 100644: what `git write-tree` gives for the same index, and GitHub's
// tree SHA for the same folder. A blob SHA that is not 40 hex digits is
// hashed as zero bytes; callers pass BlobSHA values.
func TreeSHA(files map[string]string) string {
	type entry struct{ name, mode, sha string }
	entries := make([]entry, 0, len(files))
	dirs := map[string]map[string]string{}
	for p, sha := range files {
		first, rest, nested := strings.Cut(p, "/")
		if !nested {
			entries = append(entries, entry{first, "100644", sha})
			continue
		}
		if dirs[first] == nil {
			dirs[first] = map[string]string{}
		}
		dirs[first][rest] = sha
	}
	for name, sub := range dirs {
		entries = append(entries, entry{name, "40000", TreeSHA(sub)})
	}
	// git orders entries by name, a tree's name compared as if it ended in "/".
	key := func(e entry) string {
		if e.mode == "40000" {
			return e.name + "/"
		}
		return e.name
	}
	sort.Slice(entries, func(i, j int) bool { return key(entries[i]) < key(entries[j]) })
	var body bytes.Buffer
	for _, e := range entries {
		raw, err := hex.DecodeString(e.sha)
		if err != nil || len(raw) != sha1.Size {
			raw = make([]byte, sha1.Size)
		}
		fmt.Fprintf(&body, "%s %s\x00", e.mode, e.name)
		body.Write(raw)
	}
	return HashObject("tree", body.Bytes())
}

// TreeSHAOf is TreeSHA of files given by content (slash path → bytes).
func TreeSHAOf(files map[string][]byte) string {
	blobs := make(map[string]string, len(files))
	for p, data := range files {
		blobs[p] = BlobSHA(data)
	}
	return TreeSHA(blobs)
}

// Entry is one entry of a git tree as GitHub lists it: mode ("100644",
// "100755", "040000" or "40000" for a tree, "120000", "160000"), name
// (one path element) and object SHA.
type Entry struct {
	Mode, Name, SHA string
}

// TreeSHAEntries returns the SHA-1 of the tree object holding entries, in
// any order: what GitHub reports as the tree's SHA when the entries are
// its listing. A SHA that is not 40 hex digits gives an empty result.
func TreeSHAEntries(entries []Entry) string {
	es := slices.Clone(entries)
	key := func(e Entry) string {
		if strings.TrimLeft(e.Mode, "0") == "40000" {
			return e.Name + "/"
		}
		return e.Name
	}
	slices.SortFunc(es, func(a, b Entry) int { return strings.Compare(key(a), key(b)) })
	var body bytes.Buffer
	for _, e := range es {
		raw, err := hex.DecodeString(e.SHA)
		if err != nil || len(raw) != sha1.Size || e.Name == "" || strings.ContainsAny(e.Name, "/\x00") {
			return ""
		}
		body.WriteString(strings.TrimLeft(e.Mode, "0"))
		body.WriteByte(' ')
		body.WriteString(e.Name)
		body.WriteByte(0)
		body.Write(raw)
	}
	return HashObject("tree", body.Bytes())
}
