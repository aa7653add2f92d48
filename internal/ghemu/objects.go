package ghemu

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/pathwaysync/pathwaysync/internal/gitobj"
)

// Object kinds as git names them.
const (
	kindBlob   = "blob"
	kindTree   = "tree"
	kindCommit = "commit"
)

// Git file modes as GitHub's API spells them.
const (
	ModeFile = "100644"
	ModeExec = "100755"
	ModeTree = "040000"
	ModeLink = "120000"
)

// Signature is a commit author or committer.
type Signature struct {
	Name  string
	Email string
	When  time.Time
}

// TreeEntry is one entry of a git tree.
type TreeEntry struct {
	Mode string // ModeFile, ModeExec, ModeTree, ModeLink
	Name string
	SHA  string
}

// Commit is a git commit object.
type Commit struct {
	SHA       string
	Tree      string
	Parents   []string
	Author    Signature
	Committer Signature
	Message   string
}

type object struct {
	kind   string
	data   []byte // blob content, or the raw tree/commit body
	tree   []TreeEntry
	commit *Commit
}

// HashObject returns the git SHA-1 of an object of the given kind and body,
// exactly as `git hash-object -t kind` computes it.
func HashObject(kind string, body []byte) string { return gitobj.HashObject(kind, body) }

// sortTree orders entries as git does: byte order of names, with trees
// compared as if their name ended in "/".
func sortTree(entries []TreeEntry) {
	key := func(e TreeEntry) string {
		if e.Mode == ModeTree {
			return e.Name + "/"
		}
		return e.Name
	}
	sort.Slice(entries, func(i, j int) bool { return key(entries[i]) < key(entries[j]) })
}

// encodeTree renders a sorted tree in git's binary format.
func encodeTree(entries []TreeEntry) ([]byte, error) {
	var b bytes.Buffer
	for _, e := range entries {
		raw, err := hex.DecodeString(e.SHA)
		if err != nil || len(raw) != 20 {
			return nil, fmt.Errorf("tree entry %q: bad sha %q", e.Name, e.SHA)
		}
		mode := strings.TrimPrefix(e.Mode, "0")
		fmt.Fprintf(&b, "%s %s\x00", mode, e.Name)
		b.Write(raw)
	}
	return b.Bytes(), nil
}

func formatSig(s Signature) string {
	return fmt.Sprintf("%s <%s> %d %s", s.Name, s.Email, s.When.Unix(), s.When.Format("-0700"))
}

// encodeCommit renders a commit body in git's format.
func encodeCommit(c *Commit) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "tree %s\n", c.Tree)
	for _, p := range c.Parents {
		fmt.Fprintf(&b, "parent %s\n", p)
	}
	fmt.Fprintf(&b, "author %s\n", formatSig(c.Author))
	fmt.Fprintf(&b, "committer %s\n", formatSig(c.Committer))
	b.WriteString("\n")
	b.WriteString(c.Message)
	return b.Bytes()
}

// store holds one repository's objects.
type store map[string]*object

func (s store) putBlob(data []byte) string {
	sha := HashObject(kindBlob, data)
	if _, ok := s[sha]; !ok {
		s[sha] = &object{kind: kindBlob, data: append([]byte(nil), data...)}
	}
	return sha
}

func (s store) putTree(entries []TreeEntry) (string, error) {
	entries = append([]TreeEntry(nil), entries...)
	sortTree(entries)
	for i := 1; i < len(entries); i++ {
		if entries[i].Name == entries[i-1].Name {
			return "", fmt.Errorf("duplicate tree entry %q", entries[i].Name)
		}
	}
	body, err := encodeTree(entries)
	if err != nil {
		return "", err
	}
	sha := HashObject(kindTree, body)
	if _, ok := s[sha]; !ok {
		s[sha] = &object{kind: kindTree, data: body, tree: entries}
	}
	return sha, nil
}

func (s store) putCommit(c Commit) string {
	body := encodeCommit(&c)
	c.SHA = HashObject(kindCommit, body)
	if _, ok := s[c.SHA]; !ok {
		s[c.SHA] = &object{kind: kindCommit, data: body, commit: &c}
	}
	return c.SHA
}

// flatten lists every blob under tree sha as path → entry, recursively.
func (s store) flatten(sha, prefix string, out map[string]TreeEntry) {
	o := s[sha]
	if o == nil || o.kind != kindTree {
		return
	}
	for _, e := range o.tree {
		p := prefix + e.Name
		if e.Mode == ModeTree {
			s.flatten(e.SHA, p+"/", out)
			continue
		}
		out[p] = e
	}
}

// buildTree writes nested trees for a flat path → entry map and returns the
// root tree's SHA.
func (s store) buildTree(files map[string]TreeEntry) (string, error) {
	type dir struct {
		files map[string]TreeEntry
		dirs  map[string]map[string]TreeEntry
	}
	d := dir{files: map[string]TreeEntry{}, dirs: map[string]map[string]TreeEntry{}}
	for p, e := range files {
		first, rest, nested := strings.Cut(p, "/")
		if first == "" || (nested && rest == "") {
			return "", fmt.Errorf("invalid path %q", p)
		}
		if !nested {
			d.files[first] = e
			continue
		}
		if d.dirs[first] == nil {
			d.dirs[first] = map[string]TreeEntry{}
		}
		d.dirs[first][rest] = e
	}
	var entries []TreeEntry
	for name, e := range d.files {
		if _, clash := d.dirs[name]; clash {
			return "", fmt.Errorf("path %q is both a file and a folder", name)
		}
		e.Name = name
		entries = append(entries, e)
	}
	for name, sub := range d.dirs {
		sha, err := s.buildTree(sub)
		if err != nil {
			return "", err
		}
		entries = append(entries, TreeEntry{Mode: ModeTree, Name: name, SHA: sha})
	}
	return s.putTree(entries)
}

// isAncestor reports whether commit a is reachable from commit b.
func (s store) isAncestor(a, b string) bool {
	seen := map[string]bool{}
	stack := []string{b}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if c == a {
			return true
		}
		if seen[c] {
			continue
		}
		seen[c] = true
		if o := s[c]; o != nil && o.commit != nil {
			stack = append(stack, o.commit.Parents...)
		}
	}
	return false
}
