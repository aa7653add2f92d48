package githubsync

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// blobSHA returns the git blob SHA-1 of data ("blob <len>\0<data>").
func blobSHA(data []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(data))
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// treeSHA returns the git tree SHA-1 of a folder whose files (slash paths
// → blob SHA) all have mode 100644; it equals GitHub's SHA for the same
// folder, so it fingerprints the generated content.
func treeSHA(files map[string]string) string {
	type entry struct{ name, mode, sha string }
	var entries []entry
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
		entries = append(entries, entry{name, "40000", treeSHA(sub)})
	}
	key := func(e entry) string {
		if e.mode == "40000" {
			return e.name + "/"
		}
		return e.name
	}
	sort.Slice(entries, func(i, j int) bool { return key(entries[i]) < key(entries[j]) })
	var body bytes.Buffer
	for _, e := range entries {
		raw, _ := hex.DecodeString(e.sha)
		fmt.Fprintf(&body, "%s %s\x00", e.mode, e.name)
		body.Write(raw)
	}
	h := sha1.New()
	fmt.Fprintf(h, "tree %d\x00", body.Len())
	h.Write(body.Bytes())
	return hex.EncodeToString(h.Sum(nil))
}

// cleanRel reports whether p is a clean, relative slash path that cannot
// leave its folder.
func cleanRel(p string) bool {
	if p == "" || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") || strings.ContainsAny(p, "\\\x00") {
		return false
	}
	for _, s := range strings.Split(p, "/") {
		if s == "" || s == "." || s == ".." || strings.EqualFold(s, ".git") {
			return false
		}
	}
	return true
}
