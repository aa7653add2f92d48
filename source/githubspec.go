package source

import (
	"errors"
	"fmt"
	"strings"
)

// GitHubScheme prefixes a spec naming a folder of a GitHub repository:
// github://OWNER/REPO/PATH[@REF].
const GitHubScheme = "github://"

// ErrNoGitHubClient means a github:// spec was given but Options has no
// ReadGitHubFolder; cmd wires one when GitHub credentials are configured.
var ErrNoGitHubClient = errors.New("github:// sources need a GitHub client: configure github.token, github.token_file or a GitHub App")

// IsGitHubSpec reports whether spec uses the github:// scheme (any case);
// ParseGitHubSpec says whether it is well formed.
func IsGitHubSpec(spec string) bool {
	return len(spec) >= len(GitHubScheme) && strings.EqualFold(spec[:len(GitHubScheme)], GitHubScheme)
}

// ParseGitHubSpec parses github://OWNER/REPO/PATH[@REF] into a GitHubFolder
// without a reader: PATH may be empty (the repository root) and may not
// contain "@"; REF, everything after the first "@", may contain "/" and
// empty means the default branch. A malformed spec is an error naming it.
func ParseGitHubSpec(spec string) (*GitHubFolder, error) {
	bad := func(reason string) error {
		return fmt.Errorf("github source %s: %s (want github://OWNER/REPO/PATH[@REF])", redact(spec), reason)
	}
	if !IsGitHubSpec(spec) {
		return nil, bad("not a github:// spec")
	}
	rest := spec[len(GitHubScheme):]
	loc, ref, hasRef := strings.Cut(rest, "@")
	if hasRef && ref == "" {
		return nil, bad("empty ref after @")
	}
	parts := strings.SplitN(strings.TrimSuffix(loc, "/"), "/", 3)
	if len(parts) < 2 {
		return nil, bad("missing repository")
	}
	g := &GitHubFolder{Repository: parts[0] + "/" + parts[1], Ref: ref}
	if len(parts) == 3 {
		if !cleanRelative(parts[2]) {
			return nil, bad(fmt.Sprintf("path %q is not a clean relative folder", parts[2]))
		}
		g.Path = parts[2]
	}
	if err := g.check(); err != nil {
		return nil, bad(err.Error())
	}
	return g, nil
}

// check reports the first problem with the folder's repository, path or
// ref, so nothing malformed reaches the reader.
func (g *GitHubFolder) check() error {
	owner, name, ok := strings.Cut(g.Repository, "/")
	if !ok || !validOwner(owner) || !validRepoName(name) {
		return fmt.Errorf("repository %q must be owner/name", g.Repository)
	}
	if p := strings.Trim(g.Path, "/"); p != "" && !cleanRelative(p) {
		return fmt.Errorf("path %q is not a clean relative folder", g.Path)
	}
	if g.Ref != "" && !validRef(g.Ref) {
		return fmt.Errorf("ref %q is not a valid branch, tag or commit", g.Ref)
	}
	return nil
}

// validOwner accepts GitHub user and organisation names: letters, digits
// and hyphens, not starting with a hyphen, at most 39 characters.
func validOwner(s string) bool {
	if s == "" || len(s) > 39 || s[0] == '-' {
		return false
	}
	for _, r := range s {
		if !isAlnum(r) && r != '-' {
			return false
		}
	}
	return true
}

// validRepoName accepts GitHub repository names: letters, digits, ".", "-"
// and "_", at most 100 characters, never "." or "..".
func validRepoName(s string) bool {
	if s == "" || len(s) > 100 || s == "." || s == ".." {
		return false
	}
	for _, r := range s {
		if !isAlnum(r) && r != '.' && r != '-' && r != '_' {
			return false
		}
	}
	return true
}

// cleanRelative accepts a slash path without empty, "." or ".." segments,
// backslashes or control characters.
func cleanRelative(p string) bool {
	if strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }) {
		return false
	}
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

// validRef applies the rules of git check-ref-format that matter here: no
// control characters, spaces or ~^:?*[\, no "..", "//" or "@{", and no
// leading "-" or "/" nor trailing "/", "." or ".lock".
func validRef(r string) bool {
	if strings.ContainsFunc(r, func(c rune) bool { return c <= ' ' || c == 0x7f || strings.ContainsRune(`~^:?*[\`, c) }) {
		return false
	}
	if strings.Contains(r, "..") || strings.Contains(r, "//") || strings.Contains(r, "@{") {
		return false
	}
	return !strings.HasPrefix(r, "-") && !strings.HasPrefix(r, "/") &&
		!strings.HasSuffix(r, "/") && !strings.HasSuffix(r, ".") && !strings.HasSuffix(r, ".lock")
}

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}
