package githubsync

import (
	"strings"

	"github.com/pathwaysync/pathwaysync/internal/gitobj"
)

// blobSHA and treeSHA are the git object IDs of internal/gitobj.
func blobSHA(data []byte) string { return gitobj.BlobSHA(data) }

func treeSHA(files map[string]string) string { return gitobj.TreeSHA(files) }

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
