package main

import (
	"encoding/json"
	"os"
	"path/filepath"
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
	env := e2eEnv(t, emu, src)
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

// TestSyncKeepsPublishedNames: two pathways whose titles map to one name
// are an error, unless the repository already publishes them (an earlier
// release gave them hash-suffixed names): then sync reads the published
// manifest and keeps those names instead of failing or renaming them.
func TestSyncKeepsPublishedNames(t *testing.T) {
	page := func(from, to string) []byte {
		return []byte(from + " to " + to + "\n🕑 6-12 months Engineering\nOne summary sentence of several plain words.\n" +
			"Skills to Develop\n• A skill.\n📋 Role Archetypes\nReview both roles.\n→ " + from + " Archetype → " + to + " Archetype\n")
	}
	src := t.TempDir()
	for name, data := range map[string][]byte{"a.txt": page("Senior Engineer", "Lead Engineer"), "b.txt": page("Senior-Engineer", "Lead-Engineer")} {
		if err := os.WriteFile(filepath.Join(src, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	emu := newE2ERepo(t)
	env := e2eEnv(t, emu, src)
	code, out, errOut := runBinary(t, env, "sync")
	if code != 1 || !strings.Contains(errOut, "a.txt") || !strings.Contains(errOut, "b.txt") || !strings.Contains(errOut, "both map to entity name") {
		t.Fatalf("clashing names with nothing published: exit %d\n%s\n%s", code, out, errOut)
	}

	published := `{"generator": "pathwaysync", "version": 1, "files": [], "pathways": [
 {"name": "senior-engineer-to-lead-engineer-1a2b3c", "title": "Senior Engineer to Lead Engineer"},
 {"name": "senior-engineer-to-lead-engineer-4d5e6f", "title": "Senior-Engineer to Lead-Engineer"}]}
`
	if _, err := emu.Commit(e2eRepo, "main", map[string][]byte{e2ePath + "/pathwaysync-manifest.json": []byte(published)}, "an earlier release's tree"); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut = runBinary(t, env, "sync"); code != 0 || !strings.HasPrefix(out, "created PR #1 ") {
		t.Fatalf("sync over the published names: exit %d\n%s\n%s", code, out, errOut)
	}
	files := emu.Files(e2eRepo, "pathwaysync/update")
	for _, name := range []string{"senior-engineer-to-lead-engineer-1a2b3c", "senior-engineer-to-lead-engineer-4d5e6f"} {
		if _, ok := files[e2ePath+"/pathways/"+name+"/catalog-info.yaml"]; !ok {
			t.Errorf("the published name %s was not kept", name)
		}
	}
}

// TestSyncKeepsObjectCache: sync keeps the git objects it reads (here
// the base branch's pathway file it describes a change against) in the
// user's cache folder, owner-only, and a later sync reads them back
// checked against their SHAs: a damaged file is read again from GitHub.
// sync.cache_dir off keeps none.
func TestSyncKeepsObjectCache(t *testing.T) {
	emu := newE2ERepo(t)
	src := copyExamples(t)
	env := e2eEnv(t, emu, src)
	cacheDir := ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "XDG_CACHE_HOME="); ok {
			cacheDir = filepath.Join(v, "pathwaysync")
		}
	}
	if code, out, errOut := runBinary(t, env, "sync"); code != 0 {
		t.Fatalf("first sync: exit %d\n%s\n%s", code, out, errOut)
	}
	if fi, err := os.Stat(cacheDir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("cache folder %s: %v %v", cacheDir, fi, err)
	}
	if _, err := emu.MergePR(e2eRepo, 1, "squash"); err != nil {
		t.Fatal(err)
	}
	addSkill(t, src, "Pair on an incident review")
	if code, out, errOut := runBinary(t, env, "sync"); code != 0 || !strings.HasPrefix(out, "created PR #2") {
		t.Fatalf("second sync: exit %d\n%s\n%s", code, out, errOut)
	}
	entries, err := os.ReadDir(cacheDir)
	if err != nil || len(entries) == 0 {
		t.Fatalf("cache folder %s: %d files, %v", cacheDir, len(entries), err)
	}
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil || fi.Mode().Perm() != 0o600 || !strings.HasPrefix(e.Name(), "blob-") {
			t.Errorf("cache file %s: %v %v", e.Name(), fi.Mode(), err)
		}
		// Damage every file: the next syncs must not trust them.
		if err := os.WriteFile(filepath.Join(cacheDir, e.Name()), []byte("kind: Component\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	addSkill(t, src, "Review a teammate's design")
	code, out, errOut := runBinary(t, env, "sync")
	if code != 0 || !strings.HasPrefix(out, "updated PR #2") {
		t.Fatalf("sync with a damaged cache: exit %d\n%s\n%s", code, out, errOut)
	}
	// The body compares with the base branch's file, which the damaged
	// cache held: read again, it quotes both skills added.
	var body string
	for _, pr := range emu.PullRequests(e2eRepo) {
		if pr.Number == 2 {
			body = pr.Body
		}
	}
	if !strings.Contains(body, "added “Review a teammate") || !strings.Contains(body, "added “Pair on an incident review”") {
		t.Errorf("the body of PR #2:\n%s", body)
	}

	off := e2eEnv(t, newE2ERepo(t), src, "PATHWAYSYNC_SYNC_CACHE_DIR=off")
	if code, out, errOut := runBinary(t, off, "sync"); code != 0 {
		t.Fatalf("sync without cache: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, kv := range off {
		if v, ok := strings.CutPrefix(kv, "XDG_CACHE_HOME="); ok {
			if _, err := os.Stat(filepath.Join(v, "pathwaysync")); err == nil {
				t.Error("sync.cache_dir off made a cache folder")
			}
		}
	}
}
