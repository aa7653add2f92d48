package githubsync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pathwaysync/pathwaysync/internal/ghemu"
	"github.com/pathwaysync/pathwaysync/manifest"
)

// The scenarios drive Publish through the emulator. Each has a planner
// case without HTTP in plan_test.go (decideCases, reviewCases, or
// outsidePlanCases for those that fail outside the plan) naming it;
// TestEveryScenarioHasAPlannerCase fails for a scenario without one.

func TestFirstSyncOpensPR(t *testing.T) {
	v := newEnv(t)
	p := v.publisher(nil, func(o *Options) {
		o.BaseBranch = "" // looked up from the repository
		o.PullRequest.Reviewers = []string{"alice"}
		o.PullRequest.TeamReviewers = []string{"reviewers"}
	})
	files := tree(3, 0)
	res := v.publish(p, files)
	if res.Action != "created" || res.PRNumber != 1 || len(res.Added) != len(files) {
		t.Fatalf("result %+v", res)
	}
	if !strings.HasPrefix(res.Summary(), "created PR #1 http") {
		t.Errorf("summary %q", res.Summary())
	}
	prs := v.pulls()
	if len(prs) != 1 || prs[0].State != "open" || prs[0].Head != "pathwaysync/update" || prs[0].Base != "main" {
		t.Fatalf("PRs %+v", prs)
	}
	pr := prs[0]
	if strings.Join(pr.Labels, ",") != "pathways" || strings.Join(pr.Reviewers, ",") != "alice" || strings.Join(pr.TeamReviewers, ",") != "reviewers" {
		t.Errorf("labels %v reviewers %v teams %v", pr.Labels, pr.Reviewers, pr.TeamReviewers)
	}
	for _, want := range []string{"Added: **Pathway 0** (pathway-0000)", "<details>", "<!-- pathwaysync:v1 fingerprint="} {
		if !strings.Contains(pr.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, pr.Body)
		}
	}
	v.checkBranch("pathwaysync/update", "main", files)
	c, _ := v.e.GetCommit(testRepo, pr.HeadSHA)
	if len(c.Parents) != 1 || c.Parents[0] != v.e.BranchSHA(testRepo, "main") || c.Author.Name != "pathwaysync" {
		t.Errorf("bot commit %+v", c)
	}
	if got := v.e.Stats().ByRoute["POST /repos/{owner}/{repo}/git/trees"]; got != 1 {
		t.Errorf("%d tree creations, want 1", got)
	}
}

func TestUnchangedRerunMakesZeroWrites(t *testing.T) {
	v := newEnv(t)
	files := tree(3, 0)
	v.publish(v.publisher(nil), files)
	v.e.ResetStats()
	res := v.publish(v.publisher(nil), files)
	if res.Action != "unchanged" || res.Writes != 0 || res.Requests > 3 || res.Summary() != "no changes (PR #1 is up to date "+res.PRURL+")" {
		t.Errorf("result %+v summary %q", res, res.Summary())
	}
	if s := v.e.Stats(); s.Writes != 0 || s.Total > 3 {
		t.Errorf("emulator saw %d requests, %d writes: %v", s.Total, s.Writes, v.e.Log())
	}
}

func TestChangeUpdatesSamePRWithOneCommit(t *testing.T) {
	v := newEnv(t)
	v.seedBase(tree(3, 0))
	v.publish(v.publisher(nil), tree(3, 2))
	v.e.ResetStats()
	files := tree(3, 1)
	res := v.publish(v.publisher(nil), files)
	if res.Action != "updated" || res.PRNumber != 1 || len(res.Modified) != 2 || res.Requests > 8 {
		t.Fatalf("result %+v (log %v)", res, v.e.Log())
	}
	if len(res.Changes) != 1 || res.Changes[0].Name != "pathway-0000" || res.Changes[0].Sections[0].Added != 2 {
		t.Errorf("changes %+v", res.Changes)
	}
	s := v.e.Stats()
	if s.ByRoute["POST /repos/{owner}/{repo}/git/commits"] != 1 || s.ByRoute["POST /repos/{owner}/{repo}/git/trees"] != 1 {
		t.Errorf("routes %v", s.ByRoute)
	}
	prs := v.pulls()
	if len(prs) != 1 || !strings.Contains(prs[0].Body, "Skills: +2") {
		t.Errorf("PRs %d body %q", len(prs), prs[0].Body)
	}
	c, _ := v.e.GetCommit(testRepo, prs[0].HeadSHA)
	if len(c.Parents) != 1 || c.Parents[0] != v.e.BranchSHA(testRepo, "main") {
		t.Errorf("new commit parents %v", c.Parents)
	}
	v.checkBranch("pathwaysync/update", "main", files)
}

func TestBaseMovedOnSincePR(t *testing.T) {
	v := newEnv(t)
	files := tree(2, 0)
	v.publish(v.publisher(nil), files)
	v.e.Commit(testRepo, "main", map[string][]byte{"docs/new.md": []byte("a human change\n")}, "Human change\n")
	res := v.publish(v.publisher(nil), files)
	if res.Action != "updated" || res.PRNumber != 1 {
		t.Fatalf("result %+v", res)
	}
	pr := v.pulls()[0]
	c, _ := v.e.GetCommit(testRepo, pr.HeadSHA)
	if c.Parents[0] != v.e.BranchSHA(testRepo, "main") {
		t.Error("bot commit is not on the new base head")
	}
	if v.e.Files(testRepo, "pathwaysync/update")["docs/new.md"] == "" {
		t.Error("rebuilt branch lacks the base's new file")
	}
	v.checkBranch("pathwaysync/update", "main", files)
	// A rerun is now unchanged.
	if res := v.publish(v.publisher(nil), files); res.Action != "unchanged" || res.Writes != 0 {
		t.Errorf("rerun %+v", res)
	}
}

func TestContentAbsorbedIntoBaseClosesPR(t *testing.T) {
	v := newEnv(t)
	files := tree(2, 0)
	v.publish(v.publisher(nil), files)
	absorbed := map[string][]byte{}
	for p, d := range files {
		absorbed[testPath+"/"+p] = d
	}
	v.e.Commit(testRepo, "main", absorbed, "Someone copied the content\n")
	res := v.publish(v.publisher(nil), files)
	if res.Action != "closed" || res.PRNumber != 1 || !strings.HasPrefix(res.Summary(), "closed PR #1") {
		t.Fatalf("result %+v", res)
	}
	pr := v.pulls()[0]
	if pr.State != "closed" || pr.Merged || len(pr.Comments) != 1 {
		t.Errorf("PR %+v", pr)
	}
	if v.e.BranchSHA(testRepo, "pathwaysync/update") != "" {
		t.Error("bot branch not deleted")
	}
	v.checkOutside("main")
	// Closed by the bot is not a rejection: no PR needed, nothing written.
	v.e.ResetStats()
	if res := v.publish(v.publisher(nil), files); res.Action != "unchanged" || res.Writes != 0 {
		t.Errorf("rerun %+v", res)
	}
}

func TestMergedAndBranchDeletedThenNewChange(t *testing.T) {
	v := newEnv(t)
	v.publish(v.publisher(nil), tree(2, 0))
	if _, err := v.e.MergePR(testRepo, 1, "merge"); err != nil {
		t.Fatal(err)
	}
	v.e.DeleteBranch(testRepo, "pathwaysync/update")
	if res := v.publish(v.publisher(nil), tree(2, 0)); res.Action != "unchanged" || res.Writes != 0 {
		t.Errorf("after merge %+v", res)
	}
	files := tree(2, 1)
	res := v.publish(v.publisher(nil), files)
	if res.Action != "created" || res.PRNumber != 2 {
		t.Fatalf("result %+v", res)
	}
	if len(res.Changes) != 1 || res.Changes[0].Type != manifest.Changed {
		t.Errorf("changes %+v", res.Changes)
	}
	v.checkBranch("pathwaysync/update", "main", files)
}

func TestSquashMergedWithBranchKept(t *testing.T) {
	v := newEnv(t)
	v.publish(v.publisher(nil), tree(2, 0))
	if _, err := v.e.MergePR(testRepo, 1, "squash"); err != nil {
		t.Fatal(err)
	}
	old := v.e.BranchSHA(testRepo, "pathwaysync/update")
	if res := v.publish(v.publisher(nil), tree(2, 0)); res.Action != "unchanged" || res.Writes != 0 {
		t.Errorf("after squash %+v", res)
	}
	files := tree(2, 1)
	res := v.publish(v.publisher(nil), files)
	if res.Action != "created" || res.PRNumber != 2 {
		t.Fatalf("result %+v", res)
	}
	head := v.e.BranchSHA(testRepo, "pathwaysync/update")
	c, _ := v.e.GetCommit(testRepo, head)
	if head == old || c.Parents[0] != v.e.BranchSHA(testRepo, "main") {
		t.Error("stale bot branch was not rebuilt on the base")
	}
	v.checkBranch("pathwaysync/update", "main", files)
}

func TestClosedByHumanSameThenDifferentContent(t *testing.T) {
	v := newEnv(t)
	v.publish(v.publisher(nil), tree(2, 0))
	v.e.ClosePR(testRepo, 1)
	v.e.ResetStats()
	res := v.publish(v.publisher(nil), tree(2, 0))
	if res.Action != ActionRejected || res.PRNumber != 1 || !strings.HasPrefix(res.Summary(), "no changes") ||
		len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "rejected content") {
		t.Fatalf("same content %+v", res)
	}
	if s := v.e.Stats(); s.Writes != 0 || len(v.pulls()) != 1 {
		t.Errorf("writes %d PRs %d", s.Writes, len(v.pulls()))
	}
	files := tree(2, 1)
	res = v.publish(v.publisher(nil), files)
	if res.Action != "created" || res.PRNumber != 2 {
		t.Fatalf("different content %+v", res)
	}
	v.checkBranch("pathwaysync/update", "main", files)
}

// TestClosedWhileBlockedPublishesNewContent: a person pushes to the bot
// branch, a source changes (the sync is blocked), the person closes the
// PR. The new content was never in that PR, so the next sync proposes it.
func TestClosedWhileBlockedPublishesNewContent(t *testing.T) {
	v := newEnv(t)
	v.seedBase(tree(2, 0))
	v.publish(v.publisher(nil), tree(2, 1))
	v.e.Commit(testRepo, "pathwaysync/update", map[string][]byte{testPath + "/pathways/pathway-0000/docs/index.md": []byte("hand edit\n")}, "Fix by hand\n")
	if res := v.publish(v.publisher(nil), tree(2, 2)); res.Action != ActionBlocked {
		t.Fatalf("blocked run: %+v", res)
	}
	v.e.ClosePR(testRepo, 1)
	files := tree(2, 2)
	res := v.publish(v.publisher(nil), files)
	if res.Action != ActionCreated || res.PRNumber != 2 {
		t.Fatalf("after close: %+v", res)
	}
	v.checkBranch("pathwaysync/update", "main", files)
	if open := v.openPulls(); len(open) != 1 || open[0].Number != 2 || open[0].HeadSHA != v.e.BranchSHA(testRepo, "pathwaysync/update") {
		t.Errorf("open PRs %+v", open)
	}
	// The content of PR #2 itself, once closed by a person, is rejected.
	v.e.ClosePR(testRepo, 2)
	if res := v.publish(v.publisher(nil), files); res.Action != ActionRejected || res.PRNumber != 2 {
		t.Errorf("closed PR #2: %+v", res)
	}
}

func TestHumanPushedToBotBranch(t *testing.T) {
	v := newEnv(t)
	v.seedBase(tree(2, 0))
	v.publish(v.publisher(nil), tree(2, 1))
	human, _ := v.e.Commit(testRepo, "pathwaysync/update", map[string][]byte{testPath + "/pathways/pathway-0000/docs/index.md": []byte("hand edit\n")}, "Fix by hand\n")
	for i := 0; i < 2; i++ {
		res := v.publish(v.publisher(nil), tree(2, 2))
		if res.Action != ActionBlocked || res.PRNumber != 1 || res.FilesChanged() != 3 || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "did not make") {
			t.Fatalf("run %d: %+v", i, res)
		}
		if want := "blocked: PR #1 has a commit pathwaysync did not make; 3 files would change"; !strings.HasPrefix(res.Summary(), want) {
			t.Errorf("summary %q, want prefix %q", res.Summary(), want)
		}
	}
	if got := v.e.BranchSHA(testRepo, "pathwaysync/update"); got != human {
		t.Error("human commit was overwritten")
	}
	pr := v.pulls()[0]
	if len(pr.Comments) != 1 || !strings.Contains(pr.Comments[0], "will not force-push") {
		t.Errorf("comments %q", pr.Comments)
	}
	if !strings.Contains(pr.Body, "Changed: **Pathway 1** (pathway-0001) — Skills: +2") {
		t.Errorf("body not kept current: %s", pr.Body)
	}
	v.checkOutside("pathwaysync/update")

	// Once the human's PR is merged (branch kept), the bot takes the branch back.
	if _, err := v.e.MergePR(testRepo, 1, "squash"); err != nil {
		t.Fatal(err)
	}
	files := tree(2, 3)
	if res := v.publish(v.publisher(nil), files); res.Action != "created" || res.PRNumber != 2 {
		t.Fatalf("after merge: %+v", res)
	}
	v.checkBranch("pathwaysync/update", "main", files)

	// A human commit on a branch no PR knows about is never overwritten.
	v.e.ClosePR(testRepo, 2)
	v.e.Commit(testRepo, "pathwaysync/update", map[string][]byte{"notes.md": []byte("mine\n")}, "Human work\n")
	_, err := v.publisher(nil).Publish(context.Background(), tree(2, 4))
	if !errors.Is(err, ErrForeignBranch) || IsTransient(err) {
		t.Errorf("foreign branch: %v", err)
	}
}

func TestTwoSyncsRacing(t *testing.T) {
	v := newEnv(t)
	files := tree(3, 0)
	// Deterministic race: a second sync runs completely just before the
	// first one creates the branch.
	var inner *Result
	var innerErr error
	v.e.Inject(ghemu.Fault{Route: "POST /repos/{owner}/{repo}/git/refs", Kind: ghemu.FaultHook, Before: func() {
		inner, innerErr = v.publisher(nil).Publish(context.Background(), files)
	}})
	res := v.publish(v.publisher(nil), files)
	if innerErr != nil || inner.Action != "created" {
		t.Fatalf("inner %+v %v", inner, innerErr)
	}
	if res.PRNumber != inner.PRNumber || len(v.pulls()) != 1 {
		t.Errorf("outer %+v; PRs %d", res, len(v.pulls()))
	}
	v.checkBranch("pathwaysync/update", "main", files)

	// Free race: two clients at once with new content.
	files = tree(3, 2)
	errs := make(chan error, 2)
	for i := 0; i < 2; i++ {
		go func() {
			_, err := v.publisher(nil).Publish(context.Background(), files)
			errs <- err
		}()
	}
	for i := 0; i < 2; i++ {
		if err := <-errs; err != nil {
			t.Errorf("racing sync: %v", err)
		}
	}
	if open := v.openPulls(); len(open) != 1 {
		t.Errorf("%d open PRs", len(open))
	}
	v.checkBranch("pathwaysync/update", "main", files)
	if res := v.publish(v.publisher(nil), files); res.Action != "unchanged" && res.Action != "updated" {
		t.Errorf("after race %+v", res)
	}
}

func TestPathwayRemovedDeletesFiles(t *testing.T) {
	v := newEnv(t)
	v.publish(v.publisher(nil), tree(4, 0))
	v.e.MergePR(testRepo, 1, "squash")
	files := without(4, 0, 2)
	res := v.publish(v.publisher(nil), files)
	if res.Action != "created" || len(res.Deleted) != 2 || len(res.Changes) != 1 || res.Changes[0].Type != manifest.Removed {
		t.Fatalf("result %+v", res)
	}
	got := v.e.Files(testRepo, "pathwaysync/update")
	if _, ok := got[testPath+"/pathways/pathway-0002/docs/index.md"]; ok {
		t.Error("removed pathway's files still there")
	}
	if !strings.Contains(v.openPulls()[0].Body, "Removed: **Pathway 2**") {
		t.Errorf("body %s", v.openPulls()[0].Body)
	}
	v.checkBranch("pathwaysync/update", "main", files)
}

func TestMassDeletionRefused(t *testing.T) {
	v := newEnv(t)
	v.publish(v.publisher(nil), tree(4, 0))
	v.e.MergePR(testRepo, 1, "squash")
	for name, tc := range map[string]struct {
		files map[string][]byte
		opt   func(*Options)
	}{
		"more than half": {without(4, 0, 0, 1, 2), func(*Options) {}},
		"no pathway":     {without(4, 0, 0, 1, 2, 3), func(*Options) {}},
		"over the limit": {without(4, 0, 0), func(o *Options) { o.MaxDeletions = 0 }},
	} {
		t.Run(name, func(t *testing.T) {
			v.e.ResetStats()
			_, err := v.publisher(nil, tc.opt).Publish(context.Background(), tc.files)
			if !errors.Is(err, ErrMassDeletion) || !strings.Contains(err.Error(), "--allow-mass-deletion") || IsTransient(err) {
				t.Fatalf("error %v", err)
			}
			if s := v.e.Stats(); s.Writes != 0 {
				t.Errorf("%d writes", s.Writes)
			}
		})
	}
	dry := v.publish(v.publisher(nil, func(o *Options) { o.DryRun = true }), without(4, 0, 0, 1, 2))
	if dry.Action != "dry-run" || len(dry.Warnings) != 1 || !strings.Contains(dry.Warnings[0], "would be refused") {
		t.Errorf("dry run %+v", dry)
	}
	res := v.publish(v.publisher(nil, func(o *Options) { o.AllowMassDeletion = true }), without(4, 0, 0, 1, 2))
	if res.Action != "created" || len(res.Deleted) != 6 {
		t.Errorf("override %+v", res)
	}
}

// TestEmptyRepositoryAndMissingBase fails in observe, before any plan:
// the base branch cannot be read, so there is no state to plan from. The
// decision (classify, then missingBase) is table-tested in
// TestFailuresOutsideThePlan.
func TestEmptyRepositoryAndMissingBase(t *testing.T) {
	v := newEnv(t)
	v.e.CreateRepo("acme/empty", "main")
	_, err := v.publisher(nil, func(o *Options) { o.Repository = "acme/empty" }).Publish(context.Background(), tree(1, 0))
	if !errors.Is(err, ErrEmptyRepository) || !strings.Contains(err.Error(), "no commits") || IsTransient(err) {
		t.Errorf("empty repository: %v", err)
	}
	_, err = v.publisher(nil, func(o *Options) { o.BaseBranch = "develop" }).Publish(context.Background(), tree(1, 0))
	if !errors.Is(err, ErrBaseBranchNotFound) || !strings.Contains(err.Error(), `"develop" does not exist`) {
		t.Errorf("missing base: %v", err)
	}
	if s := v.e.Stats(); s.Writes != 0 {
		t.Errorf("%d writes", s.Writes)
	}
}

// TestTokenWithoutPermission: a read-only token reads, plans (TestDecide's
// "read-only token" case) and fails on apply's first write; a rejected
// token fails on observe's first read, before any plan. Both failures are
// table-tested in TestFailuresOutsideThePlan.
func TestTokenWithoutPermission(t *testing.T) {
	v := newEnv(t)
	v.e.AddToken("ghp_READONLYsecret", false)
	c := v.client(func(o *ClientOptions) { o.Token = "ghp_READONLYsecret" })
	_, err := v.publisher(c).Publish(context.Background(), tree(1, 0))
	if !errors.Is(err, ErrPermission) || IsTransient(err) || !strings.Contains(err.Error(), "contents: write and pull requests: write") {
		t.Fatalf("error %v", err)
	}
	if strings.Contains(err.Error(), "READONLYsecret") || strings.Contains(v.logs.String(), "READONLYsecret") {
		t.Error("token leaked")
	}
	c = v.client(func(o *ClientOptions) { o.Token = "ghp_wrong" })
	if _, err := v.publisher(c).Publish(context.Background(), tree(1, 0)); !errors.Is(err, ErrPermission) || !strings.Contains(err.Error(), "credentials") {
		t.Errorf("bad token: %v", err)
	}
}

func TestPRBodyOverTheLimit(t *testing.T) {
	v := newEnv(t)
	files := tree(2500, 0)
	m, _ := manifest.Parse(files[manifest.FileName])
	for i := range m.Pathways {
		m.Pathways[i].Title = strings.Repeat("Ünïcødé <b>@team</b> ", 3) + m.Pathways[i].Title
	}
	files[manifest.FileName], _ = m.Marshal()
	res := v.publish(v.publisher(nil), files)
	body := v.pulls()[0].Body
	if n := utf8.RuneCountInString(body); n >= 65536 || !utf8.ValidString(body) {
		t.Errorf("body has %d characters (valid UTF-8: %v)", n, utf8.ValidString(body))
	}
	if !strings.HasSuffix(strings.TrimSpace(body), "-->") || !strings.Contains(body, "compare view]("+res.CompareURL+")") {
		t.Errorf("body tail %q", body[len(body)-300:])
	}
	if strings.Contains(body, "<b>") || strings.Contains(body, "@team") {
		t.Error("source text not escaped")
	}
	if strings.Count(body, "<details>") != strings.Count(body, "</details>") {
		t.Error("unbalanced <details>")
	}
	if parseMarker(body).fingerprint == "" {
		t.Error("marker lost")
	}
	if res := v.publish(v.publisher(nil), files); res.Action != "unchanged" {
		t.Errorf("rerun %+v", res.Action)
	}
}

func TestReviewerCannotBeRequested(t *testing.T) {
	v := newEnv(t)
	res := v.publish(v.publisher(nil, func(o *Options) { o.PullRequest.Reviewers = []string{"alice", "mallory"} }), tree(1, 0))
	if res.Action != "created" || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "mallory") {
		t.Fatalf("result %+v", res)
	}
	if got := v.pulls()[0].Reviewers; strings.Join(got, ",") != "alice" {
		t.Errorf("reviewers %v", got)
	}
}

func TestDraftsUnsupported(t *testing.T) {
	v := newEnv(t)
	v.e.SetDraftsSupported(testRepo, false)
	res := v.publish(v.publisher(nil, func(o *Options) { o.PullRequest.Draft = true }), tree(1, 0))
	if res.Action != "created" || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "draft") {
		t.Fatalf("result %+v", res)
	}
	if pr := v.pulls()[0]; pr.Draft {
		t.Error("PR is a draft")
	}
	v2 := newEnv(t)
	v2.publish(v2.publisher(nil, func(o *Options) { o.PullRequest.Draft = true }), tree(1, 0))
	if !v2.pulls()[0].Draft {
		t.Error("draft not requested when supported")
	}
}

func TestFilesOutsideManagedPathUntouched(t *testing.T) {
	v := newEnv(t)
	// The base already has a stray file inside the folder and files next to it.
	v.e.Commit(testRepo, "main", map[string][]byte{testPath + "/stray.md": []byte("stray\n"), "catalog/pathways.md": []byte("sibling\n")}, "Human files\n")
	files := tree(2, 0)
	res := v.publish(v.publisher(nil), files)
	if strings.Join(res.Deleted, ",") != "stray.md" {
		t.Errorf("deleted %v", res.Deleted)
	}
	v.checkBranch("pathwaysync/update", "main", files)
	if v.e.Files(testRepo, "pathwaysync/update")["catalog/pathways.md"] != "sibling\n" {
		t.Error("sibling file changed")
	}
	bin := tree(2, 1)
	bin["pathways/pathway-0000/docs/logo.bin"] = []byte{0xff, 0xfe, 0x00, 0x80, 'x'}
	if res := v.publish(v.publisher(nil), bin); res.Action != "updated" {
		t.Errorf("binary file: %+v", res)
	}
	v.checkBranch("pathwaysync/update", "main", bin)
	clash := tree(1, 0)
	clash["pathways/x"], clash["pathways/x/y"] = []byte("a"), []byte("b")
	if _, err := v.publisher(nil).Publish(context.Background(), clash); err == nil || !strings.Contains(err.Error(), "both a file and a folder") {
		t.Errorf("file/folder clash: %v", err)
	}
	if s := fmt.Sprintf("%v %+v %#v", ClientOptions{Token: testToken}, ClientOptions{Token: testToken}, ClientOptions{Token: testToken}); strings.Contains(s, "SECRET") {
		t.Errorf("options print the token: %s", s)
	}
	if _, err := NewPublisher(v.client(), Options{Repository: testRepo, Path: "../etc"}); err == nil {
		t.Error("path escaping the repository accepted")
	}
	bad := tree(1, 0)
	bad["../../README.md"] = []byte("x")
	if _, err := v.publisher(nil).Publish(context.Background(), bad); err == nil {
		t.Error("file path escaping the folder accepted")
	}
}

// TestTruncatedListingComparedByFolder: when GitHub truncates the
// recursive listing, the folder is compared folder by folder and the sync
// goes on, reading only the folders that differ.
func TestTruncatedListingComparedByFolder(t *testing.T) {
	v := newEnv(t)
	v.seedBase(tree(3, 0))
	v.e.SetTreeLimit(4)
	p := v.publisher(nil)
	res := v.publish(p, tree(3, 1))
	if res.Action != ActionCreated || len(res.Modified) != 2 || len(res.Added)+len(res.Deleted) != 0 {
		t.Fatalf("%s: added %v, modified %v, deleted %v", res.Action, res.Added, res.Modified, res.Deleted)
	}
	v.checkBranch("pathwaysync/update", "main", tree(3, 1))
	v.e.ResetStats()
	again := v.publish(p, tree(3, 1))
	// branch; the folder: cut listing, its own entries; pathways/: cut
	// listing, its own entries; pathway-0000 (differs from main) whole;
	// pulls. pathway-0001 and 0002 equal the desired folders: not read.
	if again.Action != ActionUnchanged || again.Requests != 7 {
		t.Errorf("rerun: %s, %d requests %v", again.Action, again.Requests, v.e.Log())
	}
}

func TestDryRunWritesNothing(t *testing.T) {
	v := newEnv(t)
	v.seedBase(tree(3, 0))
	v.publish(v.publisher(nil), tree(3, 2))
	v.e.ResetStats()
	res := v.publish(v.publisher(nil, func(o *Options) { o.DryRun = true }), tree(3, 1))
	if res.Action != "dry-run" || res.Writes != 0 || v.e.Stats().Writes != 0 || len(res.Changes) != 1 {
		t.Fatalf("result %+v", res)
	}
	rep := res.DryRunReport()
	for _, want := range []string{"1 pathways changed", "changed pathway-0000 (Skills: +2 -0)", "M pathways/pathway-0000/docs/index.md"} {
		if !strings.Contains(rep, want) {
			t.Errorf("report lacks %q:\n%s", want, rep)
		}
	}
}

// TestDryRunReportsTitleChange: a dry run plans what a real sync would do.
// On an up-to-date PR whose title template changed it reports updated
// and the title it would set, and writes nothing; the real sync then sets
// that title.
func TestDryRunReportsTitleChange(t *testing.T) {
	v := newEnv(t)
	v.seedBase(tree(3, 0))
	v.publish(v.publisher(nil), tree(3, 1))
	before := v.pulls()[0].Title
	retitle := func(o *Options) { o.PullRequest.Title = "Pathways, retitled" }
	v.e.ResetStats()
	dry := v.publish(v.publisher(nil, retitle, func(o *Options) { o.DryRun = true }), tree(3, 1))
	if dry.Action != ActionDryRun || dry.Planned != ActionUpdated || dry.PRNumber != 1 {
		t.Fatalf("dry run %s, planned %s, PR #%d; want planned updated on PR #1", dry.Action, dry.Planned, dry.PRNumber)
	}
	if !slices.Contains(dry.Warnings, `would set the title of PR #1 to "Pathways, retitled"`) {
		t.Errorf("dry run does not say it would set the title: %q", dry.Warnings)
	}
	if !strings.Contains(dry.Summary(), "planned: updated") || !strings.Contains(dry.DryRunReport(), "would set the title") {
		t.Errorf("printed:\n%s%s", dry.DryRunReport(), dry.Summary())
	}
	if dry.Writes != 0 || v.e.Stats().Writes != 0 || v.pulls()[0].Title != before {
		t.Fatalf("dry run wrote: %d writes, title %q", v.e.Stats().Writes, v.pulls()[0].Title)
	}
	real := v.publish(v.publisher(nil, retitle), tree(3, 1))
	if real.Action != ActionUpdated || v.pulls()[0].Title != "Pathways, retitled" {
		t.Errorf("real sync %s, title %q", real.Action, v.pulls()[0].Title)
	}
}
