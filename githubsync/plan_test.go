package githubsync

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"net/http"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"
	"github.com/pathwaysync/pathwaysync/manifest"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// world is what the repository holds in a planner test; the runner reads
// from it only what decide asks for, as observe and observeMore do.
type world struct {
	base     map[string][]byte // managed folder on the base branch
	mode     map[string]string // file mode overrides (default 100644)
	open     *pullRequest      // open bot PR
	headOurs bool              // open.Head carries our trailer
	closed   *pullRequest      // most recent closed bot PR
	head     map[string][]byte // managed folder at open.Head
	// same are folders of base that a folder-by-folder comparison (a
	// truncated listing) found equal to the desired ones: their files are
	// taken from the desired tree, as subtreeReader.same does, not listed.
	same []string
}

// blobs is every blob of the world by SHA.
func (w world) blobs() map[string][]byte {
	out := map[string][]byte{}
	for _, files := range []map[string][]byte{w.base, w.head} {
		for _, d := range files {
			out[blobSHA(d)] = d
		}
	}
	return out
}

// fixedTitle is a PR title template without placeholder.
const fixedTitle = "Update learning pathways"

const (
	baseSHA  = "b000000000000000000000000000000000000001"
	botSHA   = "c000000000000000000000000000000000000001"
	humanSHA = "d000000000000000000000000000000000000001"
)

func mustWant(t *testing.T, files map[string][]byte) *desired {
	t.Helper()
	d, err := (&Publisher{}).prepare(files)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func fingerprint(t *testing.T, files map[string][]byte) string { return mustWant(t, files).fingerprint }

// botPR is an open or closed bot PR whose marker says it holds files on
// base with head; modify adjusts it.
func botPR(t *testing.T, n int, head, base string, files map[string][]byte, modify ...func(*pullRequest)) *pullRequest {
	m := marker{ok: true, fingerprint: fingerprint(t, files), base: base, head: botSHA}
	pr := &pullRequest{Number: n, URL: fmt.Sprintf("https://github.com/acme/platform/pull/%d", n), Title: fixedTitle,
		Head: head, Body: "body\n" + m.String() + "\n", Marker: m}
	for _, f := range modify {
		f(pr)
	}
	return pr
}

func blobSHAs(files map[string][]byte) map[string]string {
	out := make(map[string]string, len(files))
	for p, d := range files {
		out[p] = blobSHA(d)
	}
	return out
}

// runDecide plans files against w like Publisher.plan does and returns
// the plan and the on-demand reads asked for, in order.
func runDecide(t *testing.T, w world, files map[string][]byte, o Options) (*plan, []need) {
	t.Helper()
	s := &state{Base: "main", BaseCommit: baseSHA, BaseTree: "t0", Files: map[string]blobRef{},
		Open: w.open, RepoURL: "https://github.com/acme/platform"}
	want := mustWant(t, files)
	baseFolders, _ := folderIndex(blobSHAs(w.base))
	sr := subtreeReader{want: want, out: s.Files}
	for _, f := range w.same {
		if baseFolders[f].SHA != want.folders[f].SHA {
			t.Fatalf("folder %s of the base is not the desired one", f)
		}
		sr.same(f)
	}
	for p, d := range w.base {
		if slices.ContainsFunc(w.same, func(f string) bool { return strings.HasPrefix(p, f+"/") }) {
			continue
		}
		mode := "100644"
		if m, ok := w.mode[p]; ok {
			mode = m
		}
		s.Files[p] = blobRef{SHA: blobSHA(d), Mode: mode}
	}
	if len(s.Files) != len(w.base) {
		t.Fatalf("listing holds %d files, the base %d", len(s.Files), len(w.base))
	}
	po := planOptionsOf(&o)
	var asked []need
	for range maxPlanRounds {
		pl, n, blobs := decide(s, want, po)
		if n == 0 {
			return pl, asked
		}
		asked = append(asked, n)
		if n&needBlobs != 0 {
			if s.Blobs == nil {
				s.Blobs = map[string][]byte{}
			}
			for _, sha := range blobs {
				data, ok := w.blobs()[sha]
				if !ok {
					t.Fatalf("asked for blob %s that the world lacks", sha)
				}
				s.Blobs[sha] = data
			}
		}
		if n&needHeadTree != 0 {
			s.HeadFiles = map[string]blobRef{}
			for p, d := range w.head {
				s.HeadFiles[p] = blobRef{SHA: blobSHA(d), Mode: "100644"}
			}
		}
		if n&needManifest != 0 {
			s.Manifest = &baseManifest{}
			if raw, ok := w.base[manifest.FileName]; ok {
				s.Manifest.M, s.Manifest.Err = manifest.Parse(raw)
			}
		}
		if n&needHeadCommit != 0 {
			ours := w.headOurs
			s.HeadOurs = &ours
		}
		if n&needClosed != 0 {
			s.Closed = &closedPR{PR: w.closed}
		}
	}
	t.Fatalf("no plan after %d rounds (asked %v)", maxPlanRounds, asked)
	return nil, nil
}

// decideCase is one situation of the planner: what the repository holds
// (w), the desired files and options, and what decide must make of it.
// scenario names the emulator tests (comma-separated) that drive the same
// situation through HTTP.
type decideCase struct {
	name, scenario string
	w              world
	files          map[string][]byte
	o              Options
	action         Action
	asked          []need
	writes         writes
	warn           string // TestDecide: substring of the only warning, "" for none
	check          func(t *testing.T, pl *plan)
}

// decideCases are TestDecide's cases.
func decideCases(t *testing.T) []decideCase {
	opts := func(mod ...func(*Options)) Options {
		o := Options{Branch: DefaultBranch, Path: testPath, MaxDeletions: -1,
			PullRequest: PullRequestOptions{Title: fixedTitle}}
		for _, m := range mod {
			m(&o)
		}
		return o
	}
	v1, v2 := tree(3, 1), tree(3, 2)
	upToDate := botPR(t, 1, botSHA, baseSHA, v1)
	closedBy := func(merged, bot bool) func(*pullRequest) {
		return func(pr *pullRequest) { pr.Merged, pr.Marker.closedByBot = merged, bot }
	}
	stray := tree(2, 0)
	stray["stray.md"] = []byte("stray\n")
	return []decideCase{
		{name: "first sync opens a PR", scenario: "TestFirstSyncOpensPR",
			w: world{}, files: tree(3, 0), o: opts(), action: ActionCreated,
			asked:  []need{needManifest, needClosed},
			writes: writes{Commit: true, Branch: branchPlace, CreatePR: true},
			check: func(t *testing.T, pl *plan) {
				if len(pl.Added) != len(tree(3, 0)) || len(pl.Changes) != 3 || pl.Marker.head != "" || pl.Marker.base != baseSHA {
					t.Errorf("added %d changes %d marker %+v", len(pl.Added), len(pl.Changes), pl.Marker)
				}
			}},
		{name: "unchanged rerun reads nothing more", scenario: "TestUnchangedRerunMakesZeroWrites, TestRequestBudget",
			w: world{base: tree(3, 0), open: upToDate}, files: v1, o: opts(), action: ActionUnchanged,
			check: func(t *testing.T, pl *plan) {
				if pl.Head != botSHA || pl.Changes != nil {
					t.Errorf("head %q changes %v", pl.Head, pl.Changes)
				}
			}},
		{name: "unchanged content, PR title changed in the options", scenario: "TestUnchangedRerunMakesZeroWrites",
			w: world{base: tree(3, 0), open: upToDate}, files: v1, o: opts(func(o *Options) { o.PullRequest.Title = "New title" }),
			action: ActionUpdated, writes: writes{SetTitle: true, SetBody: true},
			check: func(t *testing.T, pl *plan) {
				if pl.Title != "New title" || !pl.KeepBody || pl.Marker.titleHash != textHash("New title") || pl.Marker.head != botSHA {
					t.Errorf("title %q keep body %v marker %+v", pl.Title, pl.KeepBody, pl.Marker)
				}
			}},
		{name: "change updates the same PR", scenario: "TestChangeUpdatesSamePRWithOneCommit, TestRequestBudget",
			w: world{base: tree(3, 0), open: upToDate}, files: v2, o: opts(), action: ActionUpdated,
			asked:  []need{needManifest},
			writes: writes{Commit: true, Branch: branchForce, SetBody: true},
			check: func(t *testing.T, pl *plan) {
				if len(pl.Modified) != 4 || len(pl.Changes) != 3 || pl.PR.Number != 1 || pl.Marker.fingerprint != fingerprint(t, v2) {
					t.Errorf("modified %v changes %d marker %+v", pl.Modified, len(pl.Changes), pl.Marker)
				}
			}},
		{name: "base moved on since the PR", scenario: "TestBaseMovedOnSincePR",
			w: world{base: tree(3, 0), open: botPR(t, 1, botSHA, "b0000000000000000000000000000000000000ff", v1)}, files: v1, o: opts(),
			action: ActionUpdated, asked: []need{needManifest},
			writes: writes{Commit: true, Branch: branchForce, SetBody: true}},
		{name: "PR head is ours by its trailer (a racing sync's commit)", scenario: "TestTwoSyncsRacing",
			w: world{base: tree(3, 0), open: botPR(t, 1, "e000000000000000000000000000000000000001", baseSHA, v1), headOurs: true}, files: v2, o: opts(),
			action: ActionUpdated, asked: []need{needManifest, needHeadCommit},
			writes: writes{Commit: true, Branch: branchForce, SetBody: true}},
		{name: "content absorbed into base closes the PR", scenario: "TestContentAbsorbedIntoBaseClosesPR",
			w: world{base: v1, open: upToDate}, files: v1, o: opts(), action: ActionClosed,
			writes: writes{Comment: closingComment, Close: true, DeleteBranch: true},
			check: func(t *testing.T, pl *plan) {
				if m := parseMarker(pl.CloseBody); !m.closedByBot || m.fingerprint != fingerprint(t, v1) || strings.Count(pl.CloseBody, "pathwaysync:v1") != 1 {
					t.Errorf("close body %q", pl.CloseBody)
				}
			}},
		{name: "content absorbed, branch holds a human commit", scenario: "TestContentAbsorbedIntoBaseClosesPR",
			w: world{base: v1, open: botPR(t, 1, humanSHA, baseSHA, v1)}, files: v1, o: opts(), action: ActionClosed,
			asked: []need{needHeadCommit}, writes: writes{Comment: closingComment, Close: true}, warn: "kept branch"},
		{name: "absorbed content rerun, no PR", scenario: "TestContentAbsorbedIntoBaseClosesPR, TestMergedAndBranchDeletedThenNewChange",
			w: world{base: v1}, files: v1, o: opts(), action: ActionUnchanged},
		{name: "merged, then a new change", scenario: "TestMergedAndBranchDeletedThenNewChange",
			w: world{base: v1, closed: botPR(t, 1, botSHA, baseSHA, v1, closedBy(true, false))}, files: v2, o: opts(),
			action: ActionCreated, asked: []need{needManifest, needClosed},
			writes: writes{Commit: true, Branch: branchPlace, CreatePR: true},
			check: func(t *testing.T, pl *plan) {
				if pl.ClosedHead != botSHA || len(pl.Changes) != 3 || pl.Changes[0].Type != manifest.Changed {
					t.Errorf("closed head %q changes %+v", pl.ClosedHead, pl.Changes)
				}
			}},
		{name: "squash merged with the branch kept", scenario: "TestSquashMergedWithBranchKept",
			w: world{base: tree(3, 0), closed: botPR(t, 1, humanSHA, baseSHA, v1, closedBy(true, false))}, files: v2, o: opts(),
			action: ActionCreated, asked: []need{needManifest, needClosed},
			writes: writes{Commit: true, Branch: branchPlace, CreatePR: true},
			check: func(t *testing.T, pl *plan) {
				if pl.ClosedHead != humanSHA {
					t.Errorf("closed head %q: the kept branch could not be reset", pl.ClosedHead)
				}
			}},
		{name: "closed by a human, same content", scenario: "TestClosedByHumanSameThenDifferentContent",
			w: world{base: tree(3, 0), closed: botPR(t, 1, botSHA, baseSHA, v1, closedBy(false, false))}, files: v1, o: opts(),
			action: ActionRejected, asked: []need{needManifest, needClosed}, warn: "rejected content: PR #1",
			check: func(t *testing.T, pl *plan) {
				if pl.PR == nil || pl.PR.Number != 1 {
					t.Errorf("rejecting PR %+v", pl.PR)
				}
			}},
		{name: "closed by a human, different content", scenario: "TestClosedByHumanSameThenDifferentContent",
			w: world{base: tree(3, 0), closed: botPR(t, 1, botSHA, baseSHA, v1, closedBy(false, false))}, files: v2, o: opts(),
			action: ActionCreated, asked: []need{needManifest, needClosed},
			writes: writes{Commit: true, Branch: branchPlace, CreatePR: true}},
		{name: "closed by a human while blocked: content never in its head gets a new PR", scenario: "TestClosedWhileBlockedPublishesNewContent",
			// The marker names the desired content (as older releases wrote
			// it), but the head is the person's commit: v2 was never proposed.
			w: world{base: tree(3, 0), closed: botPR(t, 1, humanSHA, baseSHA, v2, closedBy(false, false))}, files: v2, o: opts(),
			action: ActionCreated, asked: []need{needManifest, needClosed},
			writes: writes{Commit: true, Branch: branchPlace, CreatePR: true},
			check: func(t *testing.T, pl *plan) {
				if pl.ClosedHead != humanSHA {
					t.Errorf("closed head %q: the person's branch could not be reset", pl.ClosedHead)
				}
			}},
		{name: "closed by pathwaysync is no rejection", scenario: "TestContentAbsorbedIntoBaseClosesPR",
			w: world{base: tree(3, 0), closed: botPR(t, 1, botSHA, baseSHA, v1, closedBy(false, true))}, files: v1, o: opts(),
			action: ActionCreated, asked: []need{needManifest, needClosed},
			writes: writes{Commit: true, Branch: branchPlace, CreatePR: true}},
		{name: "human pushed to the bot branch: blocked, warned once", scenario: "TestHumanPushedToBotBranch",
			w: world{base: tree(3, 0), open: botPR(t, 1, humanSHA, baseSHA, v1)}, files: v2, o: opts(),
			action: ActionBlocked, asked: []need{needManifest, needHeadCommit},
			writes: writes{Comment: blockedComment(humanSHA, DefaultBranch), SetBody: true}, warn: "did not make",
			check: func(t *testing.T, pl *plan) {
				if pl.Head != humanSHA || pl.Marker.warned != humanSHA || pl.Marker.head != botSHA || len(pl.Modified) != 4 || pl.PR.Number != 1 {
					t.Errorf("head %q marker %+v modified %v", pl.Head, pl.Marker, pl.Modified)
				}
			}},
		{name: "blocked again: no second comment", scenario: "TestHumanPushedToBotBranch",
			w:     world{base: tree(3, 0), open: botPR(t, 1, humanSHA, baseSHA, v1, func(pr *pullRequest) { pr.Marker.warned = humanSHA })},
			files: v2, o: opts(), action: ActionBlocked, asked: []need{needManifest, needHeadCommit},
			writes: writes{SetBody: true}, warn: "did not make"},
		{name: "blocked is not hidden by a dry run", scenario: "TestHumanPushedToBotBranch",
			w: world{base: tree(3, 0), open: botPR(t, 1, humanSHA, baseSHA, v1)}, files: v2, o: opts(func(o *Options) { o.DryRun = true }),
			action: ActionBlocked, asked: []need{needManifest, needHeadCommit},
			writes: writes{Comment: blockedComment(humanSHA, DefaultBranch), SetBody: true}, warn: "did not make"},
		{name: "a pathway removed deletes its files", scenario: "TestPathwayRemovedDeletesFiles",
			w: world{base: tree(4, 0)}, files: without(4, 0, 2), o: opts(), action: ActionCreated,
			asked:  []need{needManifest, needClosed},
			writes: writes{Commit: true, Branch: branchPlace, CreatePR: true},
			check: func(t *testing.T, pl *plan) {
				if len(pl.Deleted) != 2 || len(pl.Changes) != 1 || pl.Changes[0].Type != manifest.Removed {
					t.Errorf("deleted %v changes %+v", pl.Deleted, pl.Changes)
				}
			}},
		{name: "mass deletion: more than half", scenario: "TestMassDeletionRefused",
			w: world{base: tree(4, 0)}, files: without(4, 0, 0, 1, 2), o: opts(), action: ActionRefused,
			asked: []need{needManifest}},
		{name: "mass deletion: no pathway left", scenario: "TestMassDeletionRefused",
			w: world{base: tree(4, 0)}, files: without(4, 0, 0, 1, 2, 3), o: opts(), action: ActionRefused,
			asked: []need{needManifest}},
		{name: "mass deletion: over the limit", scenario: "TestMassDeletionRefused",
			w: world{base: tree(4, 0)}, files: without(4, 0, 0), o: opts(func(o *Options) { o.MaxDeletions = 0 }), action: ActionRefused,
			asked: []need{needManifest}},
		{name: "mass deletion refused before a blocked branch is looked at", scenario: "TestMassDeletionRefused",
			w: world{base: tree(4, 0), open: botPR(t, 1, humanSHA, baseSHA, tree(4, 1))}, files: without(4, 0, 0, 1, 2), o: opts(),
			action: ActionRefused, asked: []need{needManifest}},
		{name: "mass deletion overridden", scenario: "TestMassDeletionRefused",
			w: world{base: tree(4, 0)}, files: without(4, 0, 0, 1, 2), o: opts(func(o *Options) { o.AllowMassDeletion = true }),
			action: ActionCreated, asked: []need{needManifest, needClosed},
			writes: writes{Commit: true, Branch: branchPlace, CreatePR: true},
			check: func(t *testing.T, pl *plan) {
				if len(pl.Deleted) != 6 {
					t.Errorf("deleted %v", pl.Deleted)
				}
			}},
		{name: "mass deletion in a dry run is planned as refused", scenario: "TestMassDeletionRefused",
			w: world{base: tree(4, 0)}, files: without(4, 0, 0, 1, 2), o: opts(func(o *Options) { o.DryRun = true }),
			action: ActionRefused, asked: []need{needManifest},
			check: func(t *testing.T, pl *plan) {
				res := pl.dryRun()
				if res.Action != ActionDryRun || res.Planned != ActionRefused || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "would be refused") {
					t.Errorf("dry run %+v", res)
				}
			}},
		{name: "unreadable base manifest describes every pathway as added", scenario: "TestPathwayRemovedDeletesFiles",
			w: world{base: map[string][]byte{manifest.FileName: []byte("{not json")}}, files: tree(2, 0), o: opts(),
			action: ActionCreated, asked: []need{needManifest, needClosed},
			writes: writes{Commit: true, Branch: branchPlace, CreatePR: true}, warn: "unreadable"},
		{name: "stray file in the folder is deleted, a mode change modifies", scenario: "TestFilesOutsideManagedPathUntouched",
			w: world{base: stray, mode: map[string]string{"catalog-info.yaml": "100755"}}, files: tree(2, 0), o: opts(),
			action: ActionCreated, asked: []need{needManifest, needClosed},
			writes: writes{Commit: true, Branch: branchPlace, CreatePR: true},
			check: func(t *testing.T, pl *plan) {
				if strings.Join(pl.Deleted, ",") != "stray.md" || strings.Join(pl.Modified, ",") != "catalog-info.yaml" || len(pl.Added) != 0 {
					t.Errorf("added %v modified %v deleted %v", pl.Added, pl.Modified, pl.Deleted)
				}
			}},
		{name: "large tree: one plan, no per-file reads", scenario: "TestPRBodyOverTheLimit, TestReviewerCannotBeRequested, TestDraftsUnsupported",
			w: world{}, files: tree(2500, 0), o: opts(), action: ActionCreated,
			asked:  []need{needManifest, needClosed},
			writes: writes{Commit: true, Branch: branchPlace, CreatePR: true}},
		{name: "dry run of an up-to-date PR plans what a real sync does", scenario: "TestDryRunWritesNothing",
			w: world{base: tree(3, 0), open: upToDate}, files: v1, o: opts(func(o *Options) { o.DryRun = true }),
			action: ActionUnchanged,
			check: func(t *testing.T, pl *plan) {
				res := pl.dryRun()
				if res.Action != ActionDryRun || res.Planned != ActionUnchanged || res.Changes != nil || res.PRNumber != 1 ||
					len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "nothing would be written") {
					t.Errorf("dry run %+v", res)
				}
			}},
		{name: "dry run, PR title changed in the options: would set the title", scenario: "TestDryRunReportsTitleChange",
			w: world{base: tree(3, 0), open: upToDate}, files: v1,
			o:      opts(func(o *Options) { o.DryRun, o.PullRequest.Title = true, "New title" }),
			action: ActionUpdated, writes: writes{SetTitle: true, SetBody: true},
			check: func(t *testing.T, pl *plan) {
				res := pl.dryRun()
				if res.Action != ActionDryRun || res.Planned != ActionUpdated || len(res.Warnings) != 1 ||
					res.Warnings[0] != `would set the title of PR #1 to "New title"` {
					t.Errorf("dry run %+v", res)
				}
			}},
		{name: "dry run of a change", scenario: "TestDryRunWritesNothing",
			w: world{base: tree(3, 0), open: upToDate}, files: v2, o: opts(func(o *Options) { o.DryRun = true }),
			action: ActionUpdated, asked: []need{needManifest},
			writes: writes{Commit: true, Branch: branchForce, SetBody: true}},
		{name: "truncated listing: equal folders are taken from the desired tree", scenario: "TestTruncatedListingComparedByFolder",
			w: world{base: tree(3, 0), same: []string{"pathways/pathway-0001", "pathways/pathway-0002"}}, files: v1, o: opts(),
			action: ActionCreated, asked: []need{needManifest, needClosed},
			writes: writes{Commit: true, Branch: branchPlace, CreatePR: true},
			check: func(t *testing.T, pl *plan) {
				if len(pl.Modified) != 2 || len(pl.Added)+len(pl.Deleted) != 0 || len(pl.Changes) != 1 {
					t.Errorf("added %v modified %v deleted %v changes %+v", pl.Added, pl.Modified, pl.Deleted, pl.Changes)
				}
			}},
		{name: "truncated listing, rerun: up to date", scenario: "TestTruncatedListingComparedByFolder",
			w:     world{base: tree(3, 0), same: []string{"pathways/pathway-0001", "pathways/pathway-0002"}, open: upToDate},
			files: v1, o: opts(), action: ActionUnchanged},
		{name: "read-only token: the plan needs writes, and the first is refused (TestFailuresOutsideThePlan)", scenario: "TestTokenWithoutPermission",
			w: world{}, files: tree(1, 0), o: opts(), action: ActionCreated,
			asked:  []need{needManifest, needClosed},
			writes: writes{Commit: true, Branch: branchPlace, CreatePR: true}},
	}
}

// TestDecide runs the planner, without HTTP, through the situations of
// the emulator scenarios (named per case) and checks the action, the
// reads it asks for (the request budget), the writes and the warnings.
func TestDecide(t *testing.T) {
	for _, tc := range decideCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			pl, asked := runDecide(t, tc.w, tc.files, tc.o)
			if pl.Action != tc.action {
				t.Fatalf("%s: action %s, want %s (warnings %q, refusal %v)", tc.scenario, pl.Action, tc.action, pl.Warnings, pl.Refusal)
			}
			if len(asked) != len(tc.asked) || (len(asked) > 0 && !equalNeeds(asked, tc.asked)) {
				t.Errorf("%s: asked for reads %v, want %v", tc.scenario, asked, tc.asked)
			}
			if pl.Writes != tc.writes {
				t.Errorf("%s: writes %+v, want %+v", tc.scenario, pl.Writes, tc.writes)
			}
			switch {
			case tc.warn == "" && len(pl.Warnings) != 0:
				t.Errorf("%s: warnings %q", tc.scenario, pl.Warnings)
			case tc.warn != "" && (len(pl.Warnings) != 1 || !strings.Contains(pl.Warnings[0], tc.warn)):
				t.Errorf("%s: warnings %q, want one with %q", tc.scenario, pl.Warnings, tc.warn)
			}
			if (tc.action == ActionRefused) != (pl.Refusal != nil) {
				t.Errorf("%s: refusal %v", tc.scenario, pl.Refusal)
			}
			if pl.Refusal != nil && (!errors.Is(pl.Refusal, ErrMassDeletion) || !strings.Contains(pl.Refusal.Error(), "--allow-mass-deletion")) {
				t.Errorf("%s: refusal %v", tc.scenario, pl.Refusal)
			}
			if pl.CompareURL != "https://github.com/acme/platform/compare/main...pathwaysync/update" {
				t.Errorf("compare URL %q", pl.CompareURL)
			}
			if tc.check != nil {
				tc.check(t, pl)
			}
		})
	}
}

func equalNeeds(a, b []need) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestGuard pins the mass-deletion rule on its own.
func TestGuard(t *testing.T) {
	m := func(n int) *manifest.Manifest {
		mf := &manifest.Manifest{}
		for i := range n {
			mf.Pathways = append(mf.Pathways, manifest.Pathway{Name: string(rune('a' + i))})
		}
		return mf
	}
	removed := func(n int) []manifest.Change {
		var c []manifest.Change
		for range n {
			c = append(c, manifest.Change{Type: manifest.Removed})
		}
		return c
	}
	for _, tc := range []struct {
		name          string
		old, next     *manifest.Manifest
		removed, max  int
		refused       bool
		wantInMessage string
	}{
		{"half is allowed", m(4), m(2), 2, -1, false, ""},
		{"more than half", m(4), m(1), 3, -1, true, "3 of 4 managed pathways"},
		{"nothing left", m(4), m(0), 4, -1, true, "hold no pathway"},
		{"nothing before, nothing now", nil, m(0), 0, -1, true, "hold no pathway"},
		{"within the limit", m(10), m(8), 2, 2, false, ""},
		{"over the limit", m(10), m(7), 3, 2, true, "the limit is 2"},
		{"zero refuses any deletion", m(10), m(9), 1, 0, true, "the limit is 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := guard(tc.old, tc.next, removed(tc.removed), tc.max)
			if (err != nil) != tc.refused || (err != nil && (!errors.Is(err, ErrMassDeletion) || !strings.Contains(err.Error(), tc.wantInMessage))) {
				t.Errorf("guard: %v", err)
			}
		})
	}
}

// reviewCases are TestDecideReview's cases (warn is not used: TestDecideReview
// does not check warnings).
func reviewCases(t *testing.T) []decideCase {
	base := samples(3)
	edit := func(f func(ps []pathway.Pathway)) map[string][]byte {
		ps := clone(base)
		f(ps)
		return renderTree(ps)
	}
	b0 := renderTree(base)
	v1 := edit(func(ps []pathway.Pathway) { ps[0].Skills = ps[0].Skills[1:] })
	v2 := edit(func(ps []pathway.Pathway) { ps[0].Skills = ps[0].Skills[1:]; ps[2].Summary = "New." })
	renamed := edit(func(ps []pathway.Pathway) { ps[1].Title = "Platform track" })
	// open is the open PR holding v1, written by this release on base b.
	open := func(b string, modify ...func(*pullRequest)) *pullRequest {
		return botPR(t, 1, botSHA, b, v1, append([]func(*pullRequest){func(pr *pullRequest) {
			pr.Marker.entities = markerEntities(listing(b0), mustWant(t, v1).entities)
			pr.Marker.titleHash, pr.Marker.tally = textHash(fixedTitle), "1.0.0.0"
			pr.Marker.bodyHash = textHash(bodyText(pr.Body))
		}}, modify...)...)
	}
	opts := Options{Branch: DefaultBranch, Path: testPath, MaxDeletions: -1, PullRequest: PullRequestOptions{Title: fixedTitle}}
	templated := opts
	templated.PullRequest.Title = DefaultPRTitle
	return []decideCase{
		{name: "first PR: reads the changed pathway's old file once, templated title", scenario: "TestBodyQuotesContentChanges",
			w: world{base: b0}, files: v1, o: templated, action: ActionCreated,
			asked:  []need{needBlobs, needClosed},
			writes: writes{Commit: true, Branch: branchPlace, CreatePR: true},
			check: func(t *testing.T, pl *plan) {
				if pl.Title != "Learning pathways: 1 changed" || len(pl.Desc.Changes) != 1 || pl.Desc.Changes[0].Sections[0].Removed[0] != "Kubernetes operators" {
					t.Errorf("title %q desc %+v", pl.Title, pl.Desc.Changes)
				}
				if len(pl.Marker.entities) != 1 || pl.Marker.tally != "1.0.0.0" {
					t.Errorf("marker %+v", pl.Marker)
				}
			}},
		{name: "a rename is one change", scenario: "TestRenameIsOneEntry",
			w: world{base: b0}, files: renamed, o: opts, action: ActionCreated,
			asked:  []need{needBlobs, needManifest, needClosed}, // the manifest: a pathway folder is deleted (the guard)
			writes: writes{Commit: true, Branch: branchPlace, CreatePR: true},
			check: func(t *testing.T, pl *plan) {
				if len(pl.Desc.Changes) != 1 || pl.Desc.Changes[0].Type != changeRenamed || pl.Desc.Changes[0].OldTitle != base[1].Title {
					t.Errorf("desc %+v", pl.Desc.Changes)
				}
			}},
		{name: "update: one comment on what changed since the previous head", scenario: "TestUpdateCommentsWhatChangedSincePreviousHead",
			w: world{base: b0, open: open(baseSHA)}, files: v2, o: opts, action: ActionUpdated,
			asked:  []need{needBlobs},
			writes: writes{Commit: true, Branch: branchForce, Delta: true, SetBody: true},
			check: func(t *testing.T, pl *plan) {
				if pl.DeltaFrom != botSHA || len(pl.Delta.Changes) != 1 || pl.Delta.Changes[0].Fields[0].Name != "Summary" || len(pl.Desc.Changes) != 2 {
					t.Errorf("delta from %q %+v; desc %d", pl.DeltaFrom, pl.Delta, len(pl.Desc.Changes))
				}
			}},
		{name: "update after the base moved: the previous head's listing is read", scenario: "TestBaseMovedOnSincePR",
			w: world{base: b0, open: open("b0000000000000000000000000000000000000ff"), head: v1}, files: v2, o: opts, action: ActionUpdated,
			asked:  []need{needBlobs, needHeadTree},
			writes: writes{Commit: true, Branch: branchForce, Delta: true, SetBody: true}},
		{name: "interrupted update: the head is ours but not the marker's, no second comment", scenario: "TestDeltaCommentOnceWhenRetriedOrInterrupted",
			w:     world{base: b0, open: open(baseSHA, func(pr *pullRequest) { pr.Head = "e000000000000000000000000000000000000001" }), headOurs: true},
			files: v2, o: opts, action: ActionUpdated, asked: []need{needBlobs, needHeadCommit},
			writes: writes{Commit: true, Branch: branchForce, SetBody: true}},
		{name: "a person's title and body are kept", scenario: "TestPersonsTitleAndBodyKept",
			w: world{base: b0, open: open(baseSHA, func(pr *pullRequest) {
				pr.Title, pr.Body = "Q3 review", "Reviewed.\n"+pr.Marker.String()
			})},
			files: v2, o: templated, action: ActionUpdated, asked: []need{needBlobs},
			writes: writes{Commit: true, Branch: branchForce, Delta: true, SetBody: true},
			check: func(t *testing.T, pl *plan) {
				if !pl.KeepBody || pl.Title != "Q3 review" || pl.Marker.titleHash != textHash(fixedTitle) || len(pl.Warnings) != 2 {
					t.Errorf("keep body %v title %q marker %+v warnings %q", pl.KeepBody, pl.Title, pl.Marker, pl.Warnings)
				}
			}},
		{name: "unchanged rerun with a templated title reads nothing", scenario: "TestUnchangedRerunMakesZeroWrites",
			w: world{base: b0, open: open(baseSHA, func(pr *pullRequest) {
				pr.Title = "Learning pathways: 1 changed"
				pr.Marker.titleHash = textHash(pr.Title)
			})}, files: v1, o: templated, action: ActionUnchanged},
		{name: "a base without the full content is described by counts", scenario: "TestRequestBudget",
			w: world{base: olderRelease(b0)}, files: v1, o: opts, action: ActionCreated,
			asked:  []need{needBlobs, needManifest, needClosed},
			writes: writes{Commit: true, Branch: branchPlace, CreatePR: true},
			check: func(t *testing.T, pl *plan) {
				// Every pathway file changed shape; only pathway 0's content changed.
				if len(pl.Desc.Changes) != 1 || pl.Desc.Changes[0].Counts == nil || pl.Changes[0].Sections[0] != (manifest.SectionChange{Name: "Skills", Removed: 1}) {
					t.Errorf("desc %+v", pl.Desc.Changes)
				}
			}},
	}
}

// TestDecideReview runs the planner through the decisions that make a PR
// reviewable: what it reads to describe the change, the delta comment,
// the title and a person's edits.
func TestDecideReview(t *testing.T) {
	for _, tc := range reviewCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			pl, asked := runDecide(t, tc.w, tc.files, tc.o)
			if pl.Action != tc.action {
				t.Fatalf("%s: action %s, want %s (warnings %q)", tc.scenario, pl.Action, tc.action, pl.Warnings)
			}
			if len(asked) != len(tc.asked) || (len(asked) > 0 && !equalNeeds(asked, tc.asked)) {
				t.Errorf("%s: asked for reads %v, want %v", tc.scenario, asked, tc.asked)
			}
			if pl.Writes != tc.writes {
				t.Errorf("%s: writes %+v, want %+v", tc.scenario, pl.Writes, tc.writes)
			}
			if tc.check != nil {
				tc.check(t, pl)
			}
		})
	}
}

// TestDecideIgnoresDryRun: a dry run is "plan, print, do not apply": for
// every planner case the plan and the reads asked for are the same with
// and without Options.DryRun.
func TestDecideIgnoresDryRun(t *testing.T) {
	for _, tc := range slices.Concat(decideCases(t), reviewCases(t)) {
		t.Run(tc.name, func(t *testing.T) {
			real, dry := tc.o, tc.o
			real.DryRun, dry.DryRun = false, true
			realPlan, realAsked := runDecide(t, tc.w, tc.files, real)
			dryPlan, dryAsked := runDecide(t, tc.w, tc.files, dry)
			if !reflect.DeepEqual(realPlan, dryPlan) {
				t.Errorf("%s: dry run plans %s %+v, a real sync %s %+v", tc.scenario, dryPlan.Action, dryPlan.Writes, realPlan.Action, realPlan.Writes)
			}
			if !slices.Equal(realAsked, dryAsked) {
				t.Errorf("%s: dry run reads %v, a real sync %v", tc.scenario, dryAsked, realAsked)
			}
		})
	}
}

// outsidePlanCase is a scenario that fails before a plan exists (observe's
// reads) or when apply's first write is refused: fail builds the failure
// from GitHub's answers as observe and apply do, without HTTP.
type outsidePlanCase struct {
	name, scenario string
	fail           func(c *Client) error
	is             error
	reason, text   string
}

func outsidePlanCases() []outsidePlanCase {
	answer := func(status int, message string) error {
		return &github.ErrorResponse{Message: message, Response: &http.Response{StatusCode: status, Header: http.Header{},
			Request: &http.Request{Method: "GET", URL: mustURL("https://api.github.com/repos/acme/platform")}}}
	}
	return []outsidePlanCase{
		{name: "empty repository: the branch is not found, its ref answers 409", scenario: "TestEmptyRepositoryAndMissingBase",
			fail: func(c *Client) error {
				err := c.classify("get branch main", false, answer(http.StatusNotFound, "Branch not found"))
				if e := (*Error)(nil); !errors.As(err, &e) || e.Status != http.StatusNotFound || e.Permanent() {
					return fmt.Errorf("branch read %v: readBase would not look at the ref", err)
				}
				return missingBase("main", "acme/empty", c.classify("get ref main", false, answer(http.StatusConflict, "Git Repository is empty.")))
			},
			is: ErrEmptyRepository, reason: ReasonEmptyRepository, text: "no commits"},
		{name: "missing base branch: the branch and its ref are not found", scenario: "TestEmptyRepositoryAndMissingBase",
			fail: func(c *Client) error {
				return missingBase("develop", testRepo, c.classify("get ref develop", false, answer(http.StatusNotFound, "Not Found")))
			},
			is: ErrBaseBranchNotFound, reason: ReasonBaseNotFound, text: `"develop" does not exist`},
		{name: "bad token: the first read is refused", scenario: "TestTokenWithoutPermission",
			fail: func(c *Client) error {
				return c.classify("get branch main", false, answer(http.StatusUnauthorized, "Bad credentials"))
			},
			is: ErrBadCredentials, reason: ReasonBadCredentials, text: "credentials"},
		{name: "read-only token: the plan's first write is refused", scenario: "TestTokenWithoutPermission",
			fail: func(c *Client) error {
				return c.classify("create tree", true, answer(http.StatusForbidden, "Resource not accessible by personal access token"))
			},
			is: ErrPermission, reason: ReasonPermission, text: "contents: write and pull requests: write"},
	}
}

// TestFailuresOutsideThePlan table-tests, without HTTP, the scenarios that
// fail before decide has a state to plan from (an empty repository, a
// missing base branch, a rejected token) or on apply's first write (a
// read-only token: its plan is TestDecide's "read-only token" case): the
// failure is permanent, of its class, and says what to do.
func TestFailuresOutsideThePlan(t *testing.T) {
	c := &Client{pol: newPolicy(ClientOptions{})}
	for _, tc := range outsidePlanCases() {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.fail(c)
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, tc.is) || e.Reason() != tc.reason || !e.Permanent() || IsTransient(err) {
				t.Fatalf("%s: %v, want a permanent %s matching %v", tc.scenario, err, tc.reason, tc.is)
			}
			if !strings.Contains(err.Error(), tc.text) {
				t.Errorf("%s: %q does not say %q", tc.scenario, err, tc.text)
			}
		})
	}
}

// TestEveryScenarioHasAPlannerCase: each emulator scenario of
// scenarios_test.go is named by a planner case (decideCases, reviewCases)
// or, when it fails outside the plan, by an outsidePlanCase; and every
// name a case cites is a test of this package. A new scenario without a
// case fails here.
func TestEveryScenarioHasAPlannerCase(t *testing.T) {
	tests := func(pattern string) map[string]bool {
		files, err := filepath.Glob(pattern)
		if err != nil || len(files) == 0 {
			t.Fatalf("no %s: %v", pattern, err)
		}
		out := map[string]bool{}
		fset := token.NewFileSet()
		for _, name := range files {
			f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range f.Decls {
				if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Test") {
					out[fn.Name.Name] = true
				}
			}
		}
		return out
	}
	scenarios, all := tests("scenarios_test.go"), tests("*_test.go")
	cited := map[string][]string{} // scenario → the cases citing it
	cite := func(scenario, name string) {
		for _, s := range strings.Split(scenario, ",") {
			s = strings.TrimSpace(s)
			cited[s] = append(cited[s], name)
		}
	}
	for _, tc := range slices.Concat(decideCases(t), reviewCases(t)) {
		cite(tc.scenario, tc.name)
	}
	for _, tc := range outsidePlanCases() {
		cite(tc.scenario, tc.name)
	}
	if len(scenarios) < 20 {
		t.Fatalf("found %d scenarios in scenarios_test.go", len(scenarios))
	}
	for _, s := range slices.Sorted(maps.Keys(scenarios)) {
		if len(cited[s]) == 0 {
			t.Errorf("scenario %s has no planner case: add one to decideCases (or outsidePlanCases when it fails outside the plan)", s)
		}
	}
	for _, s := range slices.Sorted(maps.Keys(cited)) {
		if !all[s] {
			t.Errorf("cases %q cite %q, which is not a test of this package", cited[s], s)
		}
	}
}
