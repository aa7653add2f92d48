package main

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// TestSyncBlocked: a commit a person pushed to the bot branch of the open
// PR is never overwritten; sync says so in one line, writes no commit and
// exits with exitBlocked, in text and in JSON.
func TestSyncBlocked(t *testing.T) {
	emu := newE2ERepo(t)
	src := copyExamples(t)
	env := e2eEnv(emu, src)
	if code, out, errOut := runBinary(t, env, "sync"); code != 0 || !strings.HasPrefix(out, "created PR #1 ") {
		t.Fatalf("first sync: exit %d\n%s\n%s", code, out, errOut)
	}
	human, err := emu.Commit(e2eRepo, "pathwaysync/update", map[string][]byte{e2ePath + "/notes.md": []byte("hand edit\n")}, "Fix by hand\n")
	if err != nil {
		t.Fatal(err)
	}
	addSkill(t, src, "Pair on an incident review")

	emu.ResetStats()
	code, out, errOut := runBinary(t, env, "sync")
	want := regexp.MustCompile(`^blocked: PR #1 has a commit pathwaysync did not make; [1-9][0-9]* files would change`)
	if code != exitBlocked || !want.MatchString(out) || !strings.Contains(errOut, "merge or close PR #1") {
		t.Fatalf("blocked sync: exit %d, want %d\nstdout %q (want prefix %q)\nstderr %s", code, exitBlocked, out, want, errOut)
	}
	if got := emu.BranchSHA(e2eRepo, "pathwaysync/update"); got != human {
		t.Fatal("the person's commit was overwritten")
	}
	if n := emu.Stats().ByRoute["POST /repos/{owner}/{repo}/git/commits"]; n != 0 {
		t.Fatalf("%d commits written while blocked", n)
	}

	code, out, _ = runBinary(t, env, "sync", "--format", "json")
	var res struct {
		Action   string `json:"action"`
		PRNumber int    `json:"pr_number"`
	}
	if code != exitBlocked || json.Unmarshal([]byte(out), &res) != nil || res.Action != "blocked" || res.PRNumber != 1 {
		t.Fatalf("blocked sync as JSON: exit %d %s", code, out)
	}
}
