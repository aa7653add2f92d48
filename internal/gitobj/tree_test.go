package gitobj

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// git runs git in dir with stdin and returns its trimmed output.
func git(t *testing.T, dir, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(cmd.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func blob(data string) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00%s", len(data), data)
	return hex.EncodeToString(h.Sum(nil))
}

// TestFoldersIsGit: every folder's SHA is git's (`git write-tree`, then
// `git rev-parse ROOT:path`), and its Entries and ListBytes are the
// records and bytes of `git ls-tree -r -t -z` of that folder.
func TestFoldersIsGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	files := map[string]string{
		"catalog-info.yaml":                   "kind: Location\n",
		"a-b.txt":                             "sorts before a/ in git's order\n",
		"a/x.md":                              "x\n",
		"a/b/c/deep.md":                       "deep\n",
		"a/b.md":                              "file b.md beside folder b\n",
		"pathways/p1/catalog-info.yaml":       "name: p1\n",
		"pathways/p1/docs/index.md":           "# P1\n",
		"pathways/p10/docs/index.md":          "# P10\n",
		"pathways/p1-x/docs/index.md":         "# P1-x\n",
		"roles/ünïcødé.yaml":                  "name: u\n",
		"pathways/p2/docs/skills and more.md": "spaces\n",
	}
	blobs := map[string]string{}
	dir := t.TempDir()
	git(t, dir, "", "init", "-q")
	for p, data := range files {
		sha := git(t, dir, data, "hash-object", "-w", "--stdin")
		if sha != blob(data) {
			t.Fatalf("%s: git says %s", p, sha)
		}
		blobs[p] = sha
		git(t, dir, "", "update-index", "--add", "--cacheinfo", "100644,"+sha+","+p)
	}
	root := git(t, dir, "", "write-tree")
	got := Folders(blobs)
	want := map[string]bool{"": true}
	for p := range files {
		for d := parent(p); d != ""; d = parent(d) {
			want[d] = true
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d folders, want %d", len(got), len(want))
	}
	for d := range want {
		ish := root
		if d != "" {
			ish = git(t, dir, "", "rev-parse", root+":"+d)
		}
		list := git(t, dir, "", "ls-tree", "-r", "-t", "-z", ish)
		records := strings.Count(list, "\x00")
		f := got[d]
		if f.SHA != ish || f.Entries != records || f.ListBytes != len(list) {
			t.Errorf("folder %q: %+v; git: %s, %d entries, %d bytes", d, f, ish, records, len(list))
		}
	}
}

func TestFoldersEmptyAndBadSHA(t *testing.T) {
	const emptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904" // git's well-known empty tree
	if got := Folders(nil); got[""].SHA != emptyTree || len(got) != 1 {
		t.Errorf("Folders(nil) = %v", got)
	}
	// A malformed SHA hashes as zero bytes and does not panic.
	a := Folders(map[string]string{"f": "zz"})
	b := Folders(map[string]string{"f": strings.Repeat("0", 40)})
	c := Folders(map[string]string{"f": strings.Repeat("a", 80)})
	if a[""].SHA != b[""].SHA || c[""].SHA != b[""].SHA {
		t.Errorf("malformed SHAs: %v %v %v", a, b, c)
	}
}
