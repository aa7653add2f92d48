package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pathwaysync/pathwaysync/internal/ghemu"
	"github.com/pathwaysync/pathwaysync/internal/syncbuf"
)

// binary is the pathwaysync binary built once for the end-to-end tests.
var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

func buildBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "pathwaysync-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "pathwaysync")
		out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}

const (
	e2eRepo    = "acme/catalog"
	e2eToken   = "ghp_e2eSECRETtoken0123456789"
	e2eSecret  = "webhook-SECRET-e2e"
	e2ePath    = "catalog/pathways"
	e2eSources = "acme/pathways"
)

// e2eEnv is the environment the binary runs with: the emulator as GitHub,
// and a cache folder of the test's own.
func e2eEnv(t testing.TB, emu *ghemu.Emulator, sources string, extra ...string) []string {
	return append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"XDG_CACHE_HOME=" + t.TempDir(),
		"PATHWAYSYNC_GITHUB_API_URL=" + emu.URL(),
		"PATHWAYSYNC_GITHUB_REPOSITORY=" + e2eRepo,
		"PATHWAYSYNC_GITHUB_PATH=" + e2ePath,
		"PATHWAYSYNC_GITHUB_TOKEN=" + e2eToken,
		"PATHWAYSYNC_GITHUB_BASE_BRANCH=main",
		"PATHWAYSYNC_SOURCES=" + sources,
	}, extra...)
}

func runBinary(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(buildBinary(t), args...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String()+errb.String(), e2eToken) {
		t.Fatalf("token leaked in output:\n%s\n%s", out.String(), errb.String())
	}
	return code, out.String(), errb.String()
}

// copyExamples copies examples/pathways into a fresh folder the test may edit.
func copyExamples(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files, err := filepath.Glob("../../examples/pathways/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("examples: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// addSkill appends a skill to the graduate pathway's canonical YAML.
func addSkill(t *testing.T, dir, skill string) {
	t.Helper()
	p := filepath.Join(dir, "graduate-software-engineer-to-junior-software-engineer.yaml")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), "skills:\n", "skills:\n  - "+skill+"\n", 1)
	if s == string(b) {
		t.Fatal("no skills list in the example")
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func newE2ERepo(t *testing.T) *ghemu.Emulator {
	t.Helper()
	emu := ghemu.New()
	t.Cleanup(emu.Close)
	emu.AddToken(e2eToken, true)
	emu.CreateRepo(e2eRepo, "main")
	if _, err := emu.Commit(e2eRepo, "main", map[string][]byte{
		"README.md":          []byte("# catalog\n"),
		"catalog/other.yaml": []byte("kind: Component\n"),
	}, "initial"); err != nil {
		t.Fatal(err)
	}
	return emu
}

func openPRs(emu *ghemu.Emulator) []ghemu.PullRequest {
	var open []ghemu.PullRequest
	for _, pr := range emu.PullRequests(e2eRepo) {
		if pr.State == "open" {
			open = append(open, pr)
		}
	}
	return open
}

// TestSyncBinary drives `pathwaysync sync` against the emulator, through
// its Enterprise Server URL: a first sync opens a PR, a rerun and a dry run
// write nothing, a change updates the PR, a broken source writes nothing,
// the mass-deletion guard refuses and is overridden, a human-closed PR is
// not reproposed, and files outside github.path are never touched.
func TestSyncBinary(t *testing.T) {
	emu := newE2ERepo(t)
	src := copyExamples(t)
	env := append(e2eEnv(t, emu, src), "PATHWAYSYNC_GITHUB_API_URL="+emu.EnterpriseURL())

	code, out, errOut := runBinary(t, env, "sync")
	if code != 0 || !strings.HasPrefix(out, "created PR #1 ") {
		t.Fatalf("first sync: exit %d\n%s\n%s", code, out, errOut)
	}
	files := emu.Files(e2eRepo, "pathwaysync/update")
	if files["README.md"] != "# catalog\n" || files["catalog/other.yaml"] != "kind: Component\n" {
		t.Fatal("files outside github.path changed")
	}
	if _, ok := files[e2ePath+"/catalog-info.yaml"]; !ok {
		t.Fatalf("no catalog-info.yaml under %s: %v", e2ePath, keys(files))
	}

	emu.ResetStats()
	code, out, _ = runBinary(t, env, "sync", "--format", "json")
	var res struct {
		Action   string `json:"action"`
		PRNumber int    `json:"pr_number"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.Action != "unchanged" || res.PRNumber != 1 {
		t.Fatalf("rerun: exit %d %s", code, out)
	}
	if st := emu.Stats(); st.Writes != 0 || st.Total > 3 {
		t.Fatalf("unchanged rerun: %d requests, %d writes", st.Total, st.Writes)
	}

	addSkill(t, src, "Write a design document for a small feature")
	emu.ResetStats()
	code, out, _ = runBinary(t, env, "sync", "--dry-run")
	if code != 0 || !strings.Contains(out, "added graduate-software-engineer-to-junior-software-engineer") || !strings.Contains(out, "99 added") {
		t.Fatalf("dry run: exit %d\n%s", code, out)
	}
	if st := emu.Stats(); st.Writes != 0 {
		t.Fatalf("dry run wrote %d times", st.Writes)
	}

	code, out, _ = runBinary(t, env, "sync")
	if code != 0 || !strings.HasPrefix(out, "updated PR #1 ") || len(openPRs(emu)) != 1 {
		t.Fatalf("change: exit %d %s", code, out)
	}
	if body := openPRs(emu)[0].Body; !strings.Contains(body, "Graduate Software Engineer to Junior Software Engineer") {
		t.Fatalf("PR body does not name the pathways:\n%s", body)
	}

	// A broken source fails the sync before anything is written.
	broken := filepath.Join(src, "broken.yaml")
	if err := os.WriteFile(broken, []byte("apiVersion: pathwaysync.dev/v1\nkind: Pathway\ntitle: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	emu.ResetStats()
	code, _, errOut = runBinary(t, env, "sync")
	if code != 1 || !strings.Contains(errOut, "broken.yaml") || emu.Stats().Total != 0 {
		t.Fatalf("broken source: exit %d, %d requests\n%s", code, emu.Stats().Total, errOut)
	}
	if err := os.Remove(broken); err != nil {
		t.Fatal(err)
	}

	// Merged; then a source set that would delete 4 of the 5 pathways is
	// refused, shown by a dry run, and published only when overridden.
	if _, err := emu.MergePR(e2eRepo, 1, "squash"); err != nil {
		t.Fatal(err)
	}
	one := filepath.Join(src, "intermediate-platform-engineer-to-senior-platform-engineer.txt")
	emu.ResetStats()
	code, out, errOut = runBinary(t, env, "sync", "--dry-run", one)
	if code != 0 || !strings.Contains(out, "removed ") || !strings.HasPrefix(lastLine(out), "dry run:") || emu.Stats().Writes != 0 {
		t.Fatalf("dry run of a mass deletion: exit %d %q %s", code, out, errOut)
	}
	code, _, errOut = runBinary(t, env, "sync", one)
	if code != 1 || !strings.Contains(errOut, "mass deletion refused") || emu.Stats().Writes != 0 {
		t.Fatalf("mass deletion: exit %d %s", code, errOut)
	}
	code, out, errOut = runBinary(t, env, "sync", "--allow-mass-deletion", one)
	if code != 0 || !strings.HasPrefix(out, "created PR #2") {
		t.Fatalf("override: exit %d %q %s", code, out, errOut)
	}

	// A human closes it unmerged: the same content is not proposed again.
	emu.ClosePR(e2eRepo, 2)
	code, out, errOut = runBinary(t, env, "sync", "--allow-mass-deletion", one)
	if code != 0 || !strings.HasPrefix(out, "no changes") || !strings.Contains(errOut, "rejected content") || len(emu.PullRequests(e2eRepo)) != 2 {
		t.Fatalf("rejected content: exit %d %q %s", code, out, errOut)
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// TestServeBinary runs `pathwaysync serve` against the emulator: it becomes
// ready after its start-up sync, a signed push webhook makes it open a PR,
// unsigned webhooks are refused, the read API and metrics answer, and
// SIGTERM stops it with exit code 0.
func TestServeBinary(t *testing.T) {
	emu := newE2ERepo(t)
	src := copyExamples(t)

	// Publish the examples and merge them, so the start-up sync finds nothing to do.
	env := e2eEnv(t, emu, src)
	if code, out, errOut := runBinary(t, env, "sync"); code != 0 {
		t.Fatalf("seed sync: %d %s %s", code, out, errOut)
	}
	if _, err := emu.MergePR(e2eRepo, 1, "squash"); err != nil {
		t.Fatal(err)
	}

	addr := freeAddr(t)
	base := "http://" + addr
	env = e2eEnv(t, emu, src,
		"PATHWAYSYNC_SERVER_ADDR="+addr,
		"PATHWAYSYNC_SERVER_WEBHOOK_SECRET="+e2eSecret,
		"PATHWAYSYNC_SERVER_WEBHOOK_REPOSITORIES="+e2eSources,
		"PATHWAYSYNC_SERVER_API_TOKEN=api-SECRET",
		"PATHWAYSYNC_SERVER_LOG_FORMAT=json",
		"PATHWAYSYNC_SYNC_SCHEDULE=1h",
	)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, buildBinary(t), "serve")
	cmd.Env = env
	var logs syncbuf.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		if strings.Contains(logs.String(), e2eToken) || strings.Contains(logs.String(), e2eSecret) {
			t.Errorf("secret in logs:\n%s", logs.String())
		}
		if t.Failed() {
			t.Logf("daemon logs:\n%s", logs.String())
		}
	}()

	waitFor(t, 20*time.Second, "ready", func() bool { return get(base+"/readyz") == http.StatusOK })
	if n := len(emu.PullRequests(e2eRepo)); n != 1 {
		t.Fatalf("start-up sync with nothing to do made PRs: %d", n)
	}

	// Unsigned and badly signed webhooks are refused.
	payload := []byte(`{"ref":"refs/heads/main","repository":{"full_name":"` + e2eSources + `"},"commits":[{"added":[],"removed":[],"modified":["pathways/graduate.yaml"]}]}`)
	if code := postWebhook(t, base, payload, "", "d-0"); code != http.StatusUnauthorized {
		t.Fatalf("unsigned webhook: %d", code)
	}
	if code := postWebhook(t, base, payload, "sha256="+strings.Repeat("0", 64), "d-1"); code != http.StatusUnauthorized {
		t.Fatalf("badly signed webhook: %d", code)
	}

	addSkill(t, src, "Pair with a senior engineer on an incident review")
	start := time.Now()
	if code := postWebhook(t, base, payload, sign(payload), "d-2"); code != http.StatusAccepted {
		t.Fatalf("signed webhook: %d", code)
	}
	waitFor(t, 20*time.Second, "a PR after the webhook", func() bool { return len(openPRs(emu)) == 1 })
	t.Logf("webhook → PR opened in %s", time.Since(start).Round(time.Millisecond))
	pr := openPRs(emu)[0]
	if pr.Number != 2 || !strings.Contains(pr.Body, "Skills: added “Pair with a senior engineer on an incident review”") {
		t.Fatalf("PR #%d body:\n%s", pr.Number, pr.Body)
	}

	// The read API, the catalog file and the metrics answer.
	var ents []map[string]any
	if err := getJSON(base+"/api/catalog/entities?filter=kind=component", &ents); err != nil || len(ents) != 5 {
		t.Fatalf("read API: %v, %d entities", err, len(ents))
	}
	metrics := getBody(t, base+"/metrics")
	for _, want := range []string{`pathwaysync_syncs_total{outcome="success"}`, `pathwaysync_pr_operations_total{kind="created"}`, "pathwaysync_github_requests_total"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve did not exit cleanly on SIGTERM: %v", err)
	}
	if n := strings.Count(logs.String(), `"msg":"serving"`); n != 1 {
		t.Errorf("\"serving\" logged %d times, want once:\n%s", n, logs.String())
	}
	if strings.Contains(logs.String(), "retrying") {
		t.Errorf("a clean run logged a retry:\n%s", logs.String())
	}
}

func sign(body []byte) string {
	m := hmac.New(sha256.New, []byte(e2eSecret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func postWebhook(t *testing.T, base string, body []byte, sig, delivery string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/webhooks/github", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "push")
	req.Header.Set("X-GitHub-Delivery", delivery)
	if sig != "" {
		req.Header.Set("X-Hub-Signature-256", sig)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func get(url string) int {
	resp, err := http.Get(url)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

func getBody(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func getJSON(url string, v any) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func waitFor(t *testing.T, limit time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestSyncGitHubSource reads the pathways from a folder of another
// repository (github://) and publishes them; a change pushed there shows up
// in the PR on the next sync.
func TestSyncGitHubSource(t *testing.T) {
	emu := newE2ERepo(t)
	emu.CreateRepo(e2eSources, "main")
	src := copyExamples(t)
	files := map[string][]byte{"README.md": []byte("sources\n")}
	entries, _ := os.ReadDir(src)
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(src, e.Name()))
		files["pathways/"+e.Name()] = b
	}
	if _, err := emu.Commit(e2eSources, "main", files, "pathways"); err != nil {
		t.Fatal(err)
	}
	env := e2eEnv(t, emu, "github://"+e2eSources+"/pathways@main")
	code, out, errOut := runBinary(t, env, "sync")
	if code != 0 || !strings.HasPrefix(out, "created PR #1 ") {
		t.Fatalf("sync: exit %d\n%s\n%s", code, out, errOut)
	}
	if got := emu.Files(e2eRepo, "pathwaysync/update"); !strings.Contains(got[e2ePath+"/pathwaysync-manifest.json"], "graduate-software-engineer-to-junior-software-engineer") {
		t.Fatal("the github:// pathways were not published")
	}

	addSkill(t, src, "Run a blameless review")
	b, _ := os.ReadFile(filepath.Join(src, "graduate-software-engineer-to-junior-software-engineer.yaml"))
	if _, err := emu.Commit(e2eSources, "main", map[string][]byte{"pathways/graduate-software-engineer-to-junior-software-engineer.yaml": b}, "skill"); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runBinary(t, env, "sync"); code != 0 || !strings.HasPrefix(out, "updated PR #1 ") {
		t.Fatalf("second sync: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestServeShutdownMidSync stops the daemon while its start-up sync waits
// on GitHub (the commit call hangs): the sync is cancelled after
// server.shutdown_timeout, the process exits 0, and the repository holds no
// half-made state: base unchanged, no bot branch, no pull request.
func TestServeShutdownMidSync(t *testing.T) {
	emu := newE2ERepo(t)
	before := emu.BranchSHA(e2eRepo, "main")
	emu.Inject(ghemu.Fault{Route: "POST /repos/{owner}/{repo}/git/commits", Kind: ghemu.FaultHang, Hang: time.Minute})
	addr := freeAddr(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, buildBinary(t), "serve")
	cmd.Env = e2eEnv(t, emu, copyExamples(t), "PATHWAYSYNC_SERVER_ADDR="+addr, "PATHWAYSYNC_SERVER_SHUTDOWN_TIMEOUT=500ms")
	var logs syncbuf.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "the sync to reach the commit call", func() bool {
		return emu.Stats().ByRoute["POST /repos/{owner}/{repo}/git/commits"] > 0
	})
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit: %v\n%s", err, logs.String())
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("shutdown took %s", d)
	}
	if got := emu.BranchSHA(e2eRepo, "main"); got != before {
		t.Fatal("base branch moved")
	}
	if b := emu.Branches(e2eRepo); len(b) != 1 {
		t.Fatalf("branches after a cancelled sync: %v", b)
	}
	if prs := emu.PullRequests(e2eRepo); len(prs) != 0 {
		t.Fatalf("pull requests after a cancelled sync: %d", len(prs))
	}
	if strings.Contains(logs.String(), "retrying") {
		t.Errorf("shutdown logged a retry:\n%s", logs.String())
	}
}
