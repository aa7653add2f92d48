package ghemu

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"
)

const treesRoute = "POST /repos/{owner}/{repo}/git/trees"

// tooLarge is github.com's answer to a create-tree body it cannot process.
const tooLarge = "Sorry, your request timed out.  It's likely that your input was too large to process.  " +
	"Consider building the tree incrementally, or building the commits you need in a local clone of the repository and then pushing them to GitHub."

// gh is a go-github v60 client talking to e over HTTP.
func gh(t *testing.T, e *Emulator) *github.Client {
	t.Helper()
	u, err := url.Parse(e.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := github.NewClient(nil)
	c.BaseURL = u
	return c
}

// ghError returns the status and GitHub error body of a go-github error.
func ghError(t *testing.T, err error) (int, *github.ErrorResponse) {
	t.Helper()
	var er *github.ErrorResponse
	if !errors.As(err, &er) {
		t.Fatalf("error %v (%T) is not a GitHub error response", err, err)
	}
	return er.Response.StatusCode, er
}

func TestCreateTreeBodyLimit(t *testing.T) {
	tests := []struct {
		name       string
		limit      int
		status     int // SetCreateTreeLimit's
		content    int // bytes of inline content in the request
		wantStatus int
		wantMsg    string
		wantDocs   string
	}{
		{"default accepts a 3 MB body", 0, 0, 3_000_000, 201, "", ""},
		{"under the limit", 10_000, 422, 5_000, 201, "", ""},
		{"over the limit, 422", 10_000, 422, 20_000, 422, tooLarge, "https://docs.github.com/rest/git/trees#create-a-tree"},
		{"over the limit, status 0 means 422", 10_000, 0, 20_000, 422, tooLarge, "https://docs.github.com/rest/git/trees#create-a-tree"},
		{"over the limit, 502", 10_000, 502, 20_000, 502, "Server Error", ""},
		{"3 MB over GitHub's 2.5 MB", GitHubCreateTreeBytes, 422, 3_000_000, 422, tooLarge, "https://docs.github.com/rest/git/trees#create-a-tree"},
		{"2 MB under GitHub's 2.5 MB", GitHubCreateTreeBytes, 502, 2_000_000, 201, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := New()
			defer e.Close()
			e.CreateRepo("o/r", "main")
			e.Commit("o/r", "main", map[string][]byte{"README.md": []byte("x\n")}, "seed\n")
			if tt.limit > 0 {
				e.SetCreateTreeLimit(tt.limit, tt.status)
			}
			e.ResetStats()
			content := strings.Repeat("a", tt.content)
			tree, _, err := gh(t, e).Git.CreateTree(context.Background(), "o", "r", "", []*github.TreeEntry{
				{Path: github.String("big.md"), Mode: github.String(ModeFile), Type: github.String("blob"), Content: github.String(content)},
			})
			blob := HashObject(kindBlob, []byte(content))
			stored := e.hasObject("o/r", blob)
			if tt.wantStatus == 201 {
				if err != nil || len(tree.Entries) != 1 || tree.Entries[0].GetSHA() != blob || !stored {
					t.Fatalf("create tree: %v, tree %v, blob stored %v", err, tree, stored)
				}
			} else {
				st, er := ghError(t, err)
				if st != tt.wantStatus || er.Message != tt.wantMsg || er.DocumentationURL != tt.wantDocs {
					t.Errorf("got %d %q %q, want %d %q %q", st, er.Message, er.DocumentationURL, tt.wantStatus, tt.wantMsg, tt.wantDocs)
				}
				if stored {
					t.Error("a refused create-tree stored its blob")
				}
			}
			if log := e.Log(); len(log) != 1 || log[0] != treesRoute || e.Stats().Writes != 1 {
				t.Errorf("log %v, stats %+v: want the one create-tree counted", log, e.Stats())
			}
		})
	}
}

// TestCreateTreeLimitIsOnTheBody checks the boundary byte for byte: a body
// of exactly the limit passes, one byte more is refused, and other writes
// are not limited.
func TestCreateTreeLimitIsOnTheBody(t *testing.T) {
	e := New()
	defer e.Close()
	e.CreateRepo("o/r", "main")
	e.Commit("o/r", "main", map[string][]byte{"README.md": []byte("x\n")}, "seed\n")
	const limit = 4096
	e.SetCreateTreeLimit(limit, 422)
	post := func(path string, body []byte) (int, string) {
		t.Helper()
		resp, err := http.Post(e.URL()+path, "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct{ Message string }
		raw, _ := io.ReadAll(resp.Body)
		_ = json.Unmarshal(raw, &out)
		return resp.StatusCode, out.Message
	}
	body := func(size int) []byte {
		b, _ := json.Marshal(map[string]any{"tree": []any{map[string]any{"path": "f.md", "mode": ModeFile, "type": "blob", "content": "x"}}})
		return append(b, bytes.Repeat([]byte(" "), size-len(b))...) // JSON allows trailing space
	}
	if st, msg := post("repos/o/r/git/trees", body(limit)); st != 201 {
		t.Errorf("body of exactly %d bytes: %d %q", limit, st, msg)
	}
	if st, msg := post("repos/o/r/git/trees", body(limit+1)); st != 422 || msg != tooLarge {
		t.Errorf("body of %d bytes: %d %q", limit+1, st, msg)
	}
	blob, _ := json.Marshal(map[string]any{"content": strings.Repeat("b", 2*limit)})
	if st, msg := post("repos/o/r/git/blobs", blob); st != 201 {
		t.Errorf("blob over the create-tree limit: %d %q", st, msg)
	}
}

// lsTree returns the NUL-terminated records of `git ls-tree -r -t -z` for
// the tree git builds from files: what GitHub's recursive listing reads.
func lsTree(t *testing.T, files map[string][]byte) (root string, records []string) {
	t.Helper()
	dir := t.TempDir()
	git(t, dir, nil, "", "init", "-q")
	for p, data := range files {
		sha := git(t, dir, nil, string(data), "hash-object", "-w", "--stdin")
		git(t, dir, nil, "", "update-index", "--add", "--cacheinfo", "100644,"+sha+","+p)
	}
	root = git(t, dir, nil, "", "write-tree")
	out := git(t, dir, nil, "", "ls-tree", "-r", "-t", "-z", root)
	return root, strings.SplitAfter(out, "\x00")
}

func TestRecursiveListingTruncates(t *testing.T) {
	files := map[string][]byte{"README.md": []byte("# r\n"), "a-b.txt": []byte("sorts before a/\n")}
	for i := range 6 {
		files[fmt.Sprintf("catalog/pathways/p%d/catalog-info.yaml", i)] = []byte(fmt.Sprintf("name: p%d\n", i))
		files[fmt.Sprintf("catalog/pathways/p%d/docs/index.md", i)] = []byte(fmt.Sprintf("# P%d\n", i))
	}
	files["a/deep/er/file.md"] = []byte("deep\n")
	root, records := lsTree(t, files)
	if records[len(records)-1] == "" {
		records = records[:len(records)-1]
	}
	var paths []string
	total := 0
	for _, r := range records {
		_, p, _ := strings.Cut(strings.TrimSuffix(r, "\x00"), "\t")
		paths = append(paths, p)
		total += len(r)
	}

	e := New()
	defer e.Close()
	e.CreateRepo("o/r", "main")
	e.Commit("o/r", "main", files, "seed\n")
	c := gh(t, e)
	list := func() ([]string, bool) {
		t.Helper()
		tree, _, err := c.Git.GetTree(context.Background(), "o", "r", "main", true)
		if err != nil {
			t.Fatal(err)
		}
		if tree.GetSHA() != root {
			t.Fatalf("root tree %s, git says %s", tree.GetSHA(), root)
		}
		var got []string
		for _, en := range tree.Entries {
			got = append(got, en.GetPath())
		}
		return got, tree.GetTruncated()
	}
	check := func(name string, wantN int, wantTruncated bool) {
		t.Helper()
		got, truncated := list()
		if fmt.Sprint(got) != fmt.Sprint(paths[:wantN]) || truncated != wantTruncated {
			t.Errorf("%s: %d entries, truncated %v; want git's first %d, truncated %v\n got %v\nwant %v",
				name, len(got), truncated, wantN, wantTruncated, got, paths[:wantN])
		}
	}
	check("defaults", len(paths), false)

	e.SetTreeLimit(len(paths))
	check("entry cap equal to the listing", len(paths), false)
	e.SetTreeLimit(len(paths) - 1)
	check("entry cap one short", len(paths)-1, true)
	e.SetTreeLimit(5)
	check("entry cap 5", 5, true)
	e.SetTreeLimit(0)
	check("no entry cap", len(paths), false)

	e.SetTreeByteLimit(total)
	check("byte cap equal to git ls-tree's output", len(paths), false)
	e.SetTreeByteLimit(total - 1)
	check("byte cap one byte short", len(paths)-1, true)
	for _, k := range []int{1, 4, len(paths) / 2} {
		budget := len(strings.Join(records[:k], ""))
		e.SetTreeByteLimit(budget)
		check(fmt.Sprintf("byte cap of git's first %d records", k), k, true)
		e.SetTreeByteLimit(budget - 1)
		check(fmt.Sprintf("byte cap one short of git's first %d records", k), k-1, true)
	}
	e.SetTreeLimit(3)
	e.SetTreeByteLimit(len(strings.Join(records[:5], "")))
	check("the tighter of both caps", 3, true)
}

// TestGitHubDefaultListingCaps builds listings past GitHub's own caps: more
// than 100,000 entries, and more than 7 MB of ls-tree output in fewer.
func TestGitHubDefaultListingCaps(t *testing.T) {
	if testing.Short() {
		t.Skip("builds trees of 100,000 entries")
	}
	tests := []struct {
		name    string
		dirs    int
		perDir  int
		pad     int // extra path length
		wantLen func(paths []string) int
	}{
		{"100,100 short entries", 100, 1000, 0, func([]string) int { return GitHubTreeEntries }},
		{"40,040 entries of 8.6 MB", 40, 1000, 150, func(paths []string) int {
			n, size := 0, 0
			for _, p := range paths {
				mode, typ := ModeFile, "blob"
				if !strings.Contains(p, "/") {
					mode, typ = ModeTree, "tree"
				}
				size += len(mode + " " + typ + " " + strings.Repeat("0", 40) + "\t" + p + "\x00")
				if size > GitHubTreeBytes {
					return n
				}
				n++
			}
			return n
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := New()
			defer e.Close()
			e.CreateRepo("o/r", "main")
			files := map[string][]byte{}
			pad := strings.Repeat("x", tt.pad)
			for d := range tt.dirs {
				for f := range tt.perDir {
					files[fmt.Sprintf("d%03d/%sf%04d", d, pad, f)] = []byte{byte(f)}
				}
			}
			e.Commit("o/r", "main", files, "seed\n")
			tree, _, err := gh(t, e).Git.GetTree(context.Background(), "o", "r", "main", true)
			if err != nil {
				t.Fatal(err)
			}
			// Every path sorts as generated: d000, its files, d001, ...
			var all []string
			for d := range tt.dirs {
				all = append(all, fmt.Sprintf("d%03d", d))
				for f := range tt.perDir {
					all = append(all, fmt.Sprintf("d%03d/%sf%04d", d, pad, f))
				}
			}
			want := tt.wantLen(all)
			if want >= len(all) {
				t.Fatalf("test tree of %d entries does not pass the cap", len(all))
			}
			if !tree.GetTruncated() || len(tree.Entries) != want || tree.Entries[want-1].GetPath() != all[want-1] {
				t.Errorf("truncated %v, %d entries ending %q; want %d ending %q",
					tree.GetTruncated(), len(tree.Entries), tree.Entries[len(tree.Entries)-1].GetPath(), want, all[want-1])
			}
		})
	}
}

// TestSubtreeReads covers the non-recursive reads a sync compares folder by
// folder: every tree-ish form names the same subtree, a human commit to
// one folder changes only that folder's SHA, and absent paths answer 404.
func TestSubtreeReads(t *testing.T) {
	e := New()
	defer e.Close()
	e.CreateRepo("o/r", "main")
	first, _ := e.Commit("o/r", "main", map[string][]byte{
		"README.md":                             []byte("# r\n"),
		"catalog/other/x.yaml":                  []byte("x\n"),
		"catalog/pathways/a/catalog-info.yaml":  []byte("name: a\n"),
		"catalog/pathways/a/docs/index.md":      []byte("# A\n"),
		"catalog/pathways/b/catalog-info.yaml":  []byte("name: b\n"),
		"catalog/pathways/pathwaysync-manifest": []byte("{}\n"),
	}, "seed\n")
	c := gh(t, e)
	ctx := context.Background()
	get := func(ish string, recursive bool) *github.Tree {
		t.Helper()
		tree, _, err := c.Git.GetTree(ctx, "o", "r", ish, recursive)
		if err != nil {
			t.Fatalf("GET git/trees/%s: %v", ish, err)
		}
		return tree
	}
	entries := func(tree *github.Tree) map[string]string {
		out := map[string]string{}
		for _, en := range tree.Entries {
			out[en.GetPath()] = en.GetType() + " " + en.GetSHA()
		}
		return out
	}

	catalog := entries(get("main:catalog", false))
	if len(catalog) != 2 || !strings.HasPrefix(catalog["pathways"], "tree ") {
		t.Fatalf("main:catalog lists %v", catalog)
	}
	folder := strings.TrimPrefix(catalog["pathways"], "tree ")
	e.SetTreeLimit(1) // caps recursive listings only
	for _, ish := range []string{"main:catalog/pathways", "main:catalog/pathways/", "heads/main:catalog/pathways",
		"refs/heads/main:catalog/pathways", first + ":catalog/pathways", folder, folder + ":", e.tree(t, first) + ":catalog/pathways"} {
		tree := get(ish, false)
		got := entries(tree)
		if tree.GetSHA() != folder || tree.GetTruncated() || len(got) != 3 || !strings.HasPrefix(got["a"], "tree ") ||
			!strings.HasPrefix(got["pathwaysync-manifest"], "blob ") {
			t.Errorf("%s: sha %s (want %s), truncated %v, entries %v", ish, tree.GetSHA(), folder, tree.GetTruncated(), got)
		}
	}
	if tree := get("main:catalog/pathways", true); !tree.GetTruncated() || len(tree.Entries) != 1 {
		t.Errorf("recursive subtree under a cap of 1: truncated %v, %d entries", tree.GetTruncated(), len(tree.Entries))
	}
	e.SetTreeLimit(GitHubTreeEntries)
	// A per-folder SHA is the tree the folder's own read returns.
	before := entries(get("main:catalog/pathways", false))
	for _, name := range []string{"a", "b"} {
		if sha := get("main:catalog/pathways/"+name, false).GetSHA(); "tree "+sha != before[name] {
			t.Errorf("folder %s reads as %s, listed as %s", name, sha, before[name])
		}
	}
	e.Commit("o/r", "main", map[string][]byte{"catalog/pathways/b/docs/index.md": []byte("# B\n")}, "human edit\n")
	after := entries(get("main:catalog/pathways", false))
	if after["a"] != before["a"] || after["b"] == before["b"] || after["pathwaysync-manifest"] != before["pathwaysync-manifest"] {
		t.Errorf("after editing b only:\nbefore %v\nafter  %v", before, after)
	}
	// GitHub: "Setting this parameter to any value" recurses, 0 and false included.
	for _, v := range []string{"0", "false", "1"} {
		resp, err := http.Get(e.URL() + "repos/o/r/git/trees/main:catalog/pathways?recursive=" + v)
		if err != nil {
			t.Fatal(err)
		}
		var tree github.Tree
		err = json.NewDecoder(resp.Body).Decode(&tree)
		resp.Body.Close()
		if err != nil || len(tree.Entries) != 9 {
			t.Errorf("recursive=%s: %v, %d entries, want 9", v, err, len(tree.Entries))
		}
	}
	for _, ish := range []string{"main:catalog/nope", "main:README.md", "main:catalog/pathways/a/catalog-info.yaml",
		"nope:catalog", "nope", strings.Repeat("0", 40), strings.Repeat("0", 40) + ":catalog"} {
		_, _, err := c.Git.GetTree(ctx, "o", "r", ish, false)
		if st, er := ghError(t, err); st != 404 || er.Message != "Not Found" || er.DocumentationURL == "" {
			t.Errorf("%s: %d %q", ish, st, er.Message)
		}
	}
}

// hasObject reports whether repository fullName stores object sha.
func (e *Emulator) hasObject(fullName, sha string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, ok := e.repo(fullName).objs[sha]
	return ok
}

// tree returns the root tree SHA of commit sha.
func (e *Emulator) tree(t *testing.T, sha string) string {
	t.Helper()
	c, ok := e.GetCommit("o/r", sha)
	if !ok {
		t.Fatalf("no commit %s", sha)
	}
	return c.Tree
}
