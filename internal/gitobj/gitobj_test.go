package gitobj_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pathwaysync/pathwaysync/internal/gitobj"
)

// git runs git in dir with stdin and returns its trimmed output.
func git(t *testing.T, dir string, stdin []byte, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestBlobSHAMatchesGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	for _, data := range [][]byte{nil, []byte("x"), []byte("line\n"), []byte("ünï\x00code\r\n"), bytes.Repeat([]byte("ab"), 70000)} {
		want := git(t, dir, data, "hash-object", "--stdin")
		if got := gitobj.BlobSHA(data); got != want {
			t.Errorf("BlobSHA(%.20q) = %s, git hash-object %s", data, got, want)
		}
	}
	if got, want := gitobj.HashObject("tree", nil), git(t, dir, nil, "hash-object", "-t", "tree", "--stdin"); got != want {
		t.Errorf("empty tree %s, git %s", got, want)
	}
}

// TestTreeSHAMatchesGit: the tree of a folder, nested folders and names
// that sort differently as trees ("a.b" vs "a/"), is git write-tree's.
func TestTreeSHAMatchesGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	files := map[string][]byte{
		"catalog-info.yaml":                   []byte("kind: Location\n"),
		"a.b":                                 []byte("file before the folder a\n"),
		"a/x.md":                              []byte("# x\n"),
		"a-b/y":                               nil,
		"a/deeper/z.md":                       []byte("z"),
		"pathways/p/docs/index.md":            []byte("ünï\n"),
		"pathways/p/catalog-info.yaml":        []byte("kind: Component\n"),
		"pathwaysync-manifest.json":           []byte("{}\n"),
		"pathways/p-q/mkdocs.yml":             []byte("site_name: q\n"),
		"pathways/p.q/catalog-info.yaml":      []byte("dot\n"),
		"pathways/p/docs/focus-areas.md":      []byte("f\n"),
		"systems/platform-engineering.yaml":   []byte("kind: System\n"),
		"roles/senior-platform-engineer.yaml": []byte("kind: Resource\n"),
	}
	dir := t.TempDir()
	git(t, dir, nil, "init", "-q")
	for p, data := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git(t, dir, nil, "add", "-A")
	want := git(t, dir, nil, "write-tree")
	if got := gitobj.TreeSHAOf(files); got != want {
		t.Errorf("TreeSHAOf = %s, git write-tree %s", got, want)
	}
	sub := map[string][]byte{}
	for p, data := range files {
		if rest, ok := strings.CutPrefix(p, "pathways/"); ok {
			sub[rest] = data
		}
	}
	if got, want := gitobj.TreeSHAOf(sub), git(t, dir, nil, "rev-parse", want+":pathways"); got != want {
		t.Errorf("subfolder TreeSHAOf = %s, git %s", got, want)
	}
	// Each folder's listing, as `git ls-tree` (and GitHub) gives it,
	// hashes to the folder's SHA, in any order and with GitHub's "040000".
	for _, folder := range []string{"", "a", "pathways", "pathways/p"} {
		ish := want
		if folder != "" {
			ish = git(t, dir, nil, "rev-parse", want+":"+folder)
		}
		var entries []gitobj.Entry
		for _, line := range strings.Split(git(t, dir, nil, "ls-tree", ish), "\n") {
			meta, name, _ := strings.Cut(line, "\t")
			f := strings.Fields(meta)
			mode := f[0]
			if mode == "040000" && len(entries)%2 == 0 {
				mode = "40000"
			}
			entries = append([]gitobj.Entry{{Mode: mode, Name: name, SHA: f[2]}}, entries...)
		}
		if got := gitobj.TreeSHAEntries(entries); got != ish {
			t.Errorf("TreeSHAEntries(%q) = %s, git %s", folder, got, ish)
		}
	}
	if got := gitobj.TreeSHAEntries([]gitobj.Entry{{Mode: "100644", Name: "a/b", SHA: gitobj.BlobSHA(nil)}}); got != "" {
		t.Errorf("a name with a slash hashed to %s", got)
	}
}
