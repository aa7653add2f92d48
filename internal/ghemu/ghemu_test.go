package ghemu

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func git(t *testing.T, dir string, env []string, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir), env...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestObjectsMatchGitCLI checks blob, tree and commit SHAs against git.
func TestObjectsMatchGitCLI(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	git(t, dir, nil, "", "init", "-q")
	e := New()
	defer e.Close()
	e.CreateRepo("o/r", "main")
	files := map[string][]byte{
		"a.txt":               []byte("hello\n"),
		"a-b/x.md":            []byte("dash sorts before slash\n"),
		"a/b/c.yaml":          []byte("kind: Component\n"),
		"a/b.txt":             []byte(""),
		"z/ünïcode name.md":   []byte("ü\n"),
		"catalog/p/docs/i.md": []byte("# Title\n"),
	}
	sha, err := e.Commit("o/r", "main", files, "Seed the repository\n\nWith a body.\n")
	if err != nil {
		t.Fatal(err)
	}
	for p, data := range files {
		if got, want := HashObject(kindBlob, data), git(t, dir, nil, string(data), "hash-object", "-w", "--stdin"); got != want {
			t.Errorf("blob %s: %s, git says %s", p, got, want)
		}
		blob := HashObject(kindBlob, data)
		git(t, dir, nil, "", "update-index", "--add", "--cacheinfo", "100644,"+blob+","+p)
	}
	c, _ := e.GetCommit("o/r", sha)
	if want := git(t, dir, nil, "", "write-tree"); c.Tree != want {
		t.Errorf("root tree %s, git write-tree says %s", c.Tree, want)
	}
	// git mktree for one folder.
	sub := fmt.Sprintf("100644 blob %s\tc.yaml\n", HashObject(kindBlob, files["a/b/c.yaml"]))
	mk := git(t, dir, nil, sub, "mktree")
	e.mu.Lock()
	got, _ := e.repos["o/r"].subtree(c.Tree, "a/b")
	e.mu.Unlock()
	if got != mk {
		t.Errorf("tree a/b %s, git mktree says %s", got, mk)
	}
	env := []string{
		"GIT_AUTHOR_NAME=Human Maintainer", "GIT_AUTHOR_EMAIL=human@example.com",
		fmt.Sprintf("GIT_AUTHOR_DATE=@%d +0000", c.Author.When.Unix()),
		"GIT_COMMITTER_NAME=Human Maintainer", "GIT_COMMITTER_EMAIL=human@example.com",
		fmt.Sprintf("GIT_COMMITTER_DATE=@%d +0000", c.Committer.When.Unix()),
	}
	if want := git(t, dir, env, c.Message, "commit-tree", c.Tree); sha != want {
		t.Errorf("root commit %s, git commit-tree says %s", sha, want)
	}
	sha2, _ := e.Commit("o/r", "main", map[string][]byte{"a.txt": nil}, "Delete a.txt\n")
	c2, _ := e.GetCommit("o/r", sha2)
	env2 := []string{
		"GIT_AUTHOR_NAME=Human Maintainer", "GIT_AUTHOR_EMAIL=human@example.com",
		fmt.Sprintf("GIT_AUTHOR_DATE=@%d +0000", c2.Author.When.Unix()),
		"GIT_COMMITTER_NAME=Human Maintainer", "GIT_COMMITTER_EMAIL=human@example.com",
		fmt.Sprintf("GIT_COMMITTER_DATE=@%d +0000", c2.Committer.When.Unix()),
	}
	git(t, dir, nil, "", "update-index", "--force-remove", "a.txt")
	if want := git(t, dir, nil, "", "write-tree"); c2.Tree != want {
		t.Errorf("tree after delete %s, git says %s", c2.Tree, want)
	}
	if want := git(t, dir, env2, c2.Message, "commit-tree", c2.Tree, "-p", sha); sha2 != want {
		t.Errorf("child commit %s, git says %s", sha2, want)
	}
}

type client struct {
	t   *testing.T
	url string
	tok string
}

func (c client) do(method, path string, body any) (int, map[string]any, []any) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.url+strings.TrimPrefix(path, "/"), rd)
	if c.tok != "" {
		req.Header.Set("Authorization", "Bearer "+c.tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.Header.Get("X-RateLimit-Remaining") == "" {
		c.t.Errorf("%s %s: no rate-limit headers", method, path)
	}
	var obj map[string]any
	var arr []any
	if json.Unmarshal(raw, &obj) != nil {
		_ = json.Unmarshal(raw, &arr)
	}
	return resp.StatusCode, obj, arr
}

func TestRefsAndPullsAnswerLikeGitHub(t *testing.T) {
	e := New()
	defer e.Close()
	e.CreateRepo("o/r", "main")
	c := client{t: t, url: e.URL()}
	if st, body, _ := c.do("GET", "repos/o/r/git/ref/heads/main", nil); st != 409 || body["message"] != "Git Repository is empty." {
		t.Fatalf("empty repo ref: %d %v", st, body)
	}
	base, _ := e.Commit("o/r", "main", map[string][]byte{"keep/x.txt": []byte("x"), "catalog/pathways/a.md": []byte("a")}, "seed\n")
	tests := []struct {
		method, path string
		body         any
		status       int
		message      string
	}{
		{"GET", "repos/o/r/git/ref/heads/nope", nil, 404, "Not Found"},
		{"POST", "repos/o/r/git/refs", map[string]any{"ref": "refs/heads/main", "sha": base}, 422, "Reference already exists"},
		{"POST", "repos/o/r/git/refs", map[string]any{"ref": "refs/heads/b", "sha": strings.Repeat("0", 40)}, 422, "Object does not exist"},
		{"PATCH", "repos/o/r/git/refs/heads/nope", map[string]any{"sha": base}, 422, "Reference does not exist"},
		{"DELETE", "repos/o/r/git/refs/heads/nope", nil, 422, "Reference does not exist"},
		{"GET", "repos/o/r/git/trees/" + base + ":catalog/nope", nil, 404, "Not Found"},
		{"GET", "repos/o/r/branches/nope", nil, 404, "Branch not found"},
		{"GET", "repos/x/y", nil, 404, "Not Found"},
	}
	for _, tt := range tests {
		st, body, _ := c.do(tt.method, tt.path, tt.body)
		if st != tt.status || body["message"] != tt.message || body["documentation_url"] == nil {
			t.Errorf("%s %s = %d %v, want %d %q", tt.method, tt.path, st, body, tt.status, tt.message)
		}
	}
	// Subtree read with sha:path.
	st, tree, _ := c.do("GET", "repos/o/r/git/trees/"+base+":catalog?recursive=1", nil)
	if st != 200 || len(tree["tree"].([]any)) != 2 {
		t.Fatalf("subtree: %d %v", st, tree)
	}
	// Not a fast-forward.
	other, _ := e.Commit("o/r", "side", map[string][]byte{"s": []byte("s")}, "side\n")
	if st, body, _ := c.do("PATCH", "repos/o/r/git/refs/heads/main", map[string]any{"sha": other, "force": false}); st != 422 || body["message"] != "Update is not a fast forward" {
		t.Errorf("non-ff update: %d %v", st, body)
	}
	// Pulls: head filter needs owner:branch.
	if st, body, _ := c.do("POST", "repos/o/r/pulls", map[string]any{"title": "t", "head": "side", "base": "main"}); st != 201 || body["number"].(float64) != 1 {
		t.Fatalf("create pull: %d %v", st, body)
	}
	st, body, _ := c.do("POST", "repos/o/r/pulls", map[string]any{"title": "t", "head": "side", "base": "main"})
	if errs, _ := body["errors"].([]any); st != 422 || len(errs) != 1 || errs[0].(map[string]any)["message"] != "A pull request already exists for o:side." {
		t.Errorf("duplicate pull: %d %v", st, body)
	}
	if _, _, arr := c.do("GET", "repos/o/r/pulls?head=side&state=open", nil); len(arr) != 1 {
		t.Errorf("bare head should be ignored (all PRs listed), got %d", len(arr))
	}
	if _, _, arr := c.do("GET", "repos/o/r/pulls?head=o:other&state=open", nil); len(arr) != 0 {
		t.Errorf("head=o:other listed %d PRs", len(arr))
	}
	if st, body, _ := c.do("POST", "repos/o/r/pulls/1/requested_reviewers", map[string]any{"reviewers": []string{"mallory"}}); st != 422 || !strings.Contains(body["message"].(string), "collaborators") {
		t.Errorf("unknown reviewer: %d %v", st, body)
	}
	e.SetDraftsSupported("o/r", false)
	e.Commit("o/r", "side2", map[string][]byte{"t": []byte("t")}, "side2\n")
	if st, body, _ := c.do("POST", "repos/o/r/pulls", map[string]any{"title": "t", "head": "side2", "base": "main", "draft": true}); st != 422 || !strings.Contains(fmt.Sprint(body), "Draft pull requests are not supported") {
		t.Errorf("draft unsupported: %d %v", st, body)
	}
	// Permission-denied token.
	e.AddToken("ro", false)
	e.AddToken("rw", true)
	c.tok = "ro"
	if st, _, _ := c.do("GET", "repos/o/r", nil); st != 200 {
		t.Errorf("read with read-only token: %d", st)
	}
	if st, body, _ := c.do("POST", "repos/o/r/git/blobs", map[string]any{"content": "x"}); st != 403 || !strings.Contains(body["message"].(string), "Resource not accessible") {
		t.Errorf("write with read-only token: %d %v", st, body)
	}
	c.tok = "bad"
	if st, body, _ := c.do("GET", "repos/o/r", nil); st != 401 || body["message"] != "Bad credentials" {
		t.Errorf("bad token: %d %v", st, body)
	}
}

func TestCreateTreeAndMerge(t *testing.T) {
	e := New()
	defer e.Close()
	e.CreateRepo("o/r", "main")
	base, _ := e.Commit("o/r", "main", map[string][]byte{"keep.txt": []byte("k"), "p/old.md": []byte("old")}, "seed\n")
	c := client{t: t, url: e.URL()}
	bc, _ := e.GetCommit("o/r", base)
	st, tree, _ := c.do("POST", "repos/o/r/git/trees", map[string]any{"base_tree": bc.Tree, "tree": []any{
		map[string]any{"path": "p/new/deep.md", "mode": "100644", "type": "blob", "content": "deep"},
		map[string]any{"path": "p/old.md", "mode": "100644", "type": "blob", "sha": nil},
	}})
	if st != 201 {
		t.Fatalf("create tree: %d %v", st, tree)
	}
	st, cm, _ := c.do("POST", "repos/o/r/git/commits", map[string]any{"message": "m", "tree": tree["sha"], "parents": []string{base}})
	if st != 201 {
		t.Fatalf("create commit: %d %v", st, cm)
	}
	if st, _, _ := c.do("POST", "repos/o/r/git/refs", map[string]any{"ref": "refs/heads/bot", "sha": cm["sha"]}); st != 201 {
		t.Fatalf("create ref: %d", st)
	}
	got := e.Files("o/r", "bot")
	want := map[string]string{"keep.txt": "k", "p/new/deep.md": "deep"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("files %v, want %v", got, want)
	}
	if st, body, _ := c.do("POST", "repos/o/r/git/trees", map[string]any{"tree": []any{
		map[string]any{"path": "../x", "mode": "100644", "type": "blob", "content": "x"}}}); st != 422 {
		t.Errorf("malformed path: %d %v", st, body)
	}
	c.do("POST", "repos/o/r/pulls", map[string]any{"title": "t", "head": "bot", "base": "main"})
	e.Commit("o/r", "main", map[string][]byte{"other.txt": []byte("o")}, "base moves\n")
	if _, err := e.MergePR("o/r", 1, "squash"); err != nil {
		t.Fatal(err)
	}
	got = e.Files("o/r", "main")
	want = map[string]string{"keep.txt": "k", "other.txt": "o", "p/new/deep.md": "deep"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after squash %v, want %v", got, want)
	}
	if prs := e.PullRequests("o/r"); !prs[0].Merged || prs[0].State != "closed" {
		t.Errorf("PR after merge: %+v", prs[0])
	}
}

func TestFaults(t *testing.T) {
	e := New()
	defer e.Close()
	e.CreateRepo("o/r", "main")
	e.Commit("o/r", "main", map[string][]byte{"a": []byte("a")}, "seed\n")
	c := client{t: t, url: e.URL()}
	e.Inject(Fault{Route: "GET /repos/{owner}/{repo}", Times: 2, Kind: FaultStatus, Status: 502})
	for i, want := range []int{502, 502, 200} {
		if st, _, _ := c.do("GET", "repos/o/r", nil); st != want {
			t.Errorf("request %d: %d, want %d", i, st, want)
		}
	}
	e.Inject(Fault{Kind: FaultSecondaryLimit, RetryAfter: "3"})
	req, _ := http.NewRequest("GET", e.URL()+"repos/o/r", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 || resp.Header.Get("Retry-After") != "3" {
		t.Errorf("secondary: %d %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	e.Inject(Fault{Kind: FaultDrop})
	if _, err := http.Get(e.URL() + "repos/o/r"); err == nil {
		t.Error("dropped connection answered")
	}
	if s := e.Stats(); s.ByRoute["GET /repos/{owner}/{repo}"] != 5 {
		t.Errorf("stats %v", s)
	}
}

func TestVerifyJWT(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	sign := func(header, claims string) string {
		h := base64.RawURLEncoding.EncodeToString([]byte(header))
		c := base64.RawURLEncoding.EncodeToString([]byte(claims))
		sum := sha256.Sum256([]byte(h + "." + c))
		sig, _ := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
		return h + "." + c + "." + base64.RawURLEncoding.EncodeToString(sig)
	}
	claims := fmt.Sprintf(`{"iss":"42","iat":%d,"exp":%d}`, now.Unix()-30, now.Unix()+90)
	good := sign(`{"alg":"RS256","typ":"JWT"}`, claims)
	if iss, err := verifyJWT(good, &key.PublicKey, now); err != nil || iss != "42" {
		t.Errorf("good JWT: %q %v", iss, err)
	}
	for name, tok := range map[string]string{
		"alg none":  sign(`{"alg":"none"}`, claims),
		"expired":   sign(`{"alg":"RS256"}`, fmt.Sprintf(`{"iss":"42","iat":%d,"exp":%d}`, now.Unix()-300, now.Unix()-60)),
		"tampered":  good[:len(good)-4] + "AAAA",
		"not a JWT": "abc",
	} {
		if _, err := verifyJWT(tok, &key.PublicKey, now); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}
