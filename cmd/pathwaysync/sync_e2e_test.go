package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pathwaysync/pathwaysync/internal/ghemu"
)

// TestSyncEndToEnd builds the binary and drives `pathwaysync sync` against
// the GitHub emulator: first sync, unchanged rerun, dry run, JSON output,
// the mass-deletion guard and its override, and a closed-unmerged PR.
func TestSyncEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "pathwaysync")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	e := ghemu.New()
	defer e.Close()
	const repo, token = "acme/catalog", "ghp_e2eSECRETtoken"
	e.CreateRepo(repo, "main")
	e.AddToken(token, true)
	if _, err := e.Commit(repo, "main", map[string][]byte{"README.md": []byte("# catalog\n")}, "Initial commit\n"); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"HOME=" + t.TempDir(),
		"PATHWAYSYNC_GITHUB_API_URL=" + e.EnterpriseURL(),
		"PATHWAYSYNC_GITHUB_TOKEN=" + token,
		"PATHWAYSYNC_GITHUB_REPOSITORY=" + repo,
		"PATHWAYSYNC_GITHUB_PATH=catalog/pathways",
		"PATHWAYSYNC_GITHUB_BASE_BRANCH=main", // else each process spends one GET /repos on the default branch
	}
	run := func(args ...string) (int, string, string) {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"sync"}, args...)...)
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
		if strings.Contains(out.String()+errb.String(), "e2eSECRETtoken") {
			t.Errorf("token printed by %v", args)
		}
		return code, out.String(), errb.String()
	}

	code, out, stderr := run()
	if code != 0 || !strings.HasPrefix(out, "created PR #1 http") {
		t.Fatalf("first sync: exit %d\nstdout %q\nstderr %s", code, out, stderr)
	}
	files := e.Files(repo, "pathwaysync/update")
	if files["README.md"] != "# catalog\n" || files["catalog/pathways/pathwaysync-manifest.json"] == "" {
		t.Errorf("bot branch files: %d", len(files))
	}
	for p := range files {
		if p != "README.md" && !strings.HasPrefix(p, "catalog/pathways/") {
			t.Errorf("written outside the managed path: %s", p)
		}
	}

	e.ResetStats()
	if code, out, _ := run(); code != 0 || !strings.HasPrefix(out, "no changes") || e.Stats().Writes != 0 || e.Stats().Total > 3 {
		t.Errorf("rerun: exit %d %q, %d requests, %d writes", code, out, e.Stats().Total, e.Stats().Writes)
	}

	code, out, _ = run("--format", "json")
	var res struct {
		Action   string `json:"action"`
		PRNumber int    `json:"pr_number"`
		Writes   int    `json:"writes"`
	}
	if err := json.Unmarshal([]byte(out), &res); code != 0 || err != nil || res.Action != "unchanged" || res.PRNumber != 1 {
		t.Errorf("json: exit %d %q %v", code, out, err)
	}

	// Merge the PR, then sync one pathway only: 4 of 5 would be deleted.
	if _, err := e.MergePR(repo, 1, "squash"); err != nil {
		t.Fatal(err)
	}
	one := filepath.Join("..", "..", "examples", "pathways", "intermediate-platform-engineer-to-senior-platform-engineer.txt")
	e.ResetStats()
	code, out, stderr = run("--dry-run", one)
	if code != 0 || !strings.Contains(out, "removed ") || !strings.HasPrefix(lastLine(out), "dry run:") || e.Stats().Writes != 0 {
		t.Errorf("dry run: exit %d %q %s", code, out, stderr)
	}
	code, _, stderr = run(one)
	if code == 0 || !strings.Contains(stderr, "mass deletion refused") || e.Stats().Writes != 0 {
		t.Errorf("mass deletion: exit %d %s", code, stderr)
	}
	code, out, stderr = run("--allow-mass-deletion", one)
	if code != 0 || !strings.HasPrefix(out, "created PR #2") {
		t.Fatalf("override: exit %d %q %s", code, out, stderr)
	}

	// A human closes it: the same content is not proposed again.
	e.ClosePR(repo, 2)
	code, out, stderr = run("--allow-mass-deletion", one)
	if code != 0 || !strings.HasPrefix(out, "no changes") || !strings.Contains(stderr, "rejected content") || len(e.PullRequests(repo)) != 2 {
		t.Errorf("rejected content: exit %d %q %s", code, out, stderr)
	}
	_ = os.Remove(bin)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
