package githubsync

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pathwaysync/pathwaysync/internal/ghemu"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// Scenarios of issue "a pull request a reviewer can approve from its
// page": the body quotes content changes, renames are one entry, an
// update is commented once with what changed since the previous head,
// the title says what is in the PR and a person's edits are kept.

var examples = flag.String("examples", "", "write a rendered PR body and delta comment into this folder")

// reviewEnv seeds main with three sample pathways.
func reviewEnv(t *testing.T) (*env, []pathway.Pathway) {
	v := newEnv(t)
	base := samples(3)
	v.seedBase(renderTree(base))
	return v, base
}

func clone(ps []pathway.Pathway) []pathway.Pathway {
	out := make([]pathway.Pathway, len(ps))
	for i, p := range ps {
		out[i] = p
		out[i].Skills = append([]string(nil), p.Skills...)
		out[i].Reading = append([]pathway.Book(nil), p.Reading...)
	}
	return out
}

func TestBodyQuotesContentChanges(t *testing.T) {
	v, base := reviewEnv(t)
	next := clone(base)
	next[0].Skills = next[0].Skills[1:]
	next[0].Duration = pathway.Duration{MinMonths: 18, MaxMonths: 30, Text: "18-30 months"}
	next[1].Reading[0].Title = "Cloud FinOps, 2nd edition"
	res := v.publish(v.publisher(nil, func(o *Options) { o.BackstageURL = "https://backstage.example.com/" }), renderTree(next))
	if res.Action != ActionCreated {
		t.Fatalf("result %+v", res)
	}
	pr := v.pulls()[0]
	for _, want := range []string{
		"Skills: removed “Kubernetes operators”",
		"Duration: “18-36 months” → “18-30 months”",
		"Reading: “Cloud FinOps” → “Cloud FinOps, 2nd edition”",
		"(https://backstage.example.com/catalog/pathways/component/intermediate-engineer-0-to-senior-engineer-0)",
	} {
		if !strings.Contains(pr.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, pr.Body)
		}
	}
	if strings.Contains(pr.Body, "Intermediate Engineer 2 to") {
		t.Errorf("an unchanged pathway is mentioned:\n%s", pr.Body)
	}
	if pr.Title != "Learning pathways: 2 changed" {
		t.Errorf("title %q", pr.Title)
	}
	if len(res.Changes) != 2 || res.Changes[0].Sections[0].Name != "Duration" {
		t.Errorf("changes %+v", res.Changes)
	}
}

func TestRenameIsOneEntry(t *testing.T) {
	v, base := reviewEnv(t)
	next := clone(base)
	next[1].To.Title = "Staff Engineer 1"
	next[1].Title = next[1].From.Title + " to Staff Engineer 1"
	next[1].Skills = append(next[1].Skills, "Org-wide technical strategy")
	res := v.publish(v.publisher(nil), renderTree(next))
	body := v.pulls()[0].Body
	if strings.Count(body, "Renamed: **Intermediate Engineer 1 to Senior Engineer 1** → **Intermediate Engineer 1 to Staff Engineer 1**") != 1 ||
		strings.Contains(body, "Removed:") || strings.Contains(body, "Added:") {
		t.Errorf("rename not shown as one entry:\n%s", body)
	}
	for _, want := range []string{"To: “Senior Engineer 1” → “Staff Engineer 1”", "Skills: added “Org-wide technical strategy”",
		"Role renamed: **Senior Engineer 1** → **Staff Engineer 1**"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	if v.pulls()[0].Title != "Learning pathways: 1 renamed" || len(res.Changes) != 1 {
		t.Errorf("title %q changes %+v", v.pulls()[0].Title, res.Changes)
	}
}

// deltaComments are the PR's comments that describe an update.
func deltaComments(pr ghemu.PullRequest) []string {
	var out []string
	for _, c := range pr.Comments {
		if strings.Contains(c, "<!-- pathwaysync:delta ") {
			out = append(out, c)
		}
	}
	return out
}

func TestUpdateCommentsWhatChangedSincePreviousHead(t *testing.T) {
	v, base := reviewEnv(t)
	v1 := clone(base)
	v1[0].Skills = v1[0].Skills[1:]
	v.publish(v.publisher(nil), renderTree(v1))
	head1 := v.e.BranchSHA(testRepo, "pathwaysync/update")

	v2 := clone(v1)
	v2[2].Summary = "A new summary."
	res := v.publish(v.publisher(nil), renderTree(v2))
	if res.Action != ActionUpdated {
		t.Fatalf("update %+v", res)
	}
	pr := v.pulls()[0]
	deltas := deltaComments(pr)
	if len(deltas) != 1 {
		t.Fatalf("%d delta comments: %q", len(deltas), pr.Comments)
	}
	d := deltas[0]
	if !strings.Contains(d, "Summary: “Lead platform technical direction and own reliability end-to-end.” → “A new summary.”") ||
		strings.Contains(d, "Kubernetes operators") || strings.Contains(d, "Engineer 0") ||
		!strings.Contains(d, "from="+head1+" to="+pr.HeadSHA) {
		t.Errorf("delta comment names more or less than what changed:\n%s", d)
	}
	// The body still describes the whole PR against the base.
	if !strings.Contains(pr.Body, "Skills: removed “Kubernetes operators”") || !strings.Contains(pr.Body, "Summary: “Lead platform") {
		t.Errorf("body:\n%s", pr.Body)
	}
	if pr.Title != "Learning pathways: 2 changed" {
		t.Errorf("title %q", pr.Title)
	}
	if *examples != "" {
		for name, text := range map[string]string{"body.md": "<!-- title: " + pr.Title + " -->\n" + pr.Body, "delta-comment.md": d} {
			if err := os.WriteFile(filepath.Join(*examples, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}

	// A no-op rerun adds no comment.
	if res := v.publish(v.publisher(nil), renderTree(v2)); res.Action != ActionUnchanged || res.Writes != 0 {
		t.Errorf("rerun %+v", res)
	}
	if n := len(v.pulls()[0].Comments); n != 1 {
		t.Errorf("%d comments after a no-op rerun", n)
	}
}

func TestDeltaCommentOnceWhenRetriedOrInterrupted(t *testing.T) {
	v, base := reviewEnv(t)
	v1 := clone(base)
	v1[0].Skills = v1[0].Skills[1:]
	v.publish(v.publisher(nil), renderTree(v1))

	// A comment request answered 502 is retried: one comment.
	v2 := clone(v1)
	v2[1].Summary = "Second."
	v.e.Inject(ghemu.Fault{Route: "POST /repos/{owner}/{repo}/issues/{number}/comments", Kind: ghemu.FaultStatus, Status: 502})
	v.publish(v.publisher(nil), renderTree(v2))
	if n := len(deltaComments(v.pulls()[0])); n != 1 {
		t.Fatalf("%d delta comments after a retried request", n)
	}

	// Interrupted after the comment, before the body: the rerun
	// completes the update and posts no second comment.
	v3 := clone(v2)
	v3[2].Summary = "Third."
	// The edit fails on its attempt and its one retry.
	v.e.Inject(ghemu.Fault{Route: "PATCH /repos/{owner}/{repo}/pulls/{number}", Kind: ghemu.FaultStatus, Status: 502, Times: 2})
	c := v.client(func(o *ClientOptions) { o.RetryMax = 1 })
	if _, err := v.publisher(c).Publish(context.Background(), renderTree(v3)); err == nil {
		t.Fatal("interrupted sync succeeded")
	}
	if n := len(deltaComments(v.pulls()[0])); n != 2 {
		t.Fatalf("%d delta comments after the interrupted update", n)
	}
	v.e.ResetStats()
	files := renderTree(v3)
	res := v.publish(v.publisher(nil), files)
	if res.Action != ActionUpdated {
		t.Fatalf("rerun %+v", res)
	}
	pr := v.pulls()[0]
	if n := len(deltaComments(pr)); n != 2 {
		t.Errorf("%d delta comments after the rerun, want 2: %q", n, pr.Comments)
	}
	if m := parseMarker(pr.Body); m.head != pr.HeadSHA || !strings.Contains(pr.Body, "Summary: “Lead platform technical direction and own reliability end-to-end.” → “Third.”") {
		t.Errorf("body not completed: marker %+v", m)
	}
	v.checkBranch("pathwaysync/update", "main", files)
	if res := v.publish(v.publisher(nil), files); res.Action != ActionUnchanged || len(v.pulls()[0].Comments) != 2 {
		t.Errorf("second rerun %+v, comments %d", res, len(v.pulls()[0].Comments))
	}
}

// editPR edits a PR as a person would, through the API.
func (v *env) editPR(n int, fields map[string]string) {
	v.t.Helper()
	body, _ := json.Marshal(fields)
	req, _ := http.NewRequest(http.MethodPatch, v.e.URL()+"repos/"+testRepo+"/pulls/"+string(rune('0'+n)), bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		v.t.Fatalf("edit PR: %v %v", err, resp)
	}
	resp.Body.Close()
}

func TestPersonsTitleAndBodyKept(t *testing.T) {
	v, base := reviewEnv(t)
	v1 := clone(base)
	v1[0].Skills = v1[0].Skills[1:]
	v.publish(v.publisher(nil), renderTree(v1))
	v.editPR(1, map[string]string{"title": "Pathways for the Q3 review", "body": "Reviewed with the guild.\n\n" + parseMarker(v.pulls()[0].Body).String() + "\n"})

	v2 := clone(v1)
	v2[1].Summary = "Second."
	res := v.publish(v.publisher(nil), renderTree(v2))
	pr := v.pulls()[0]
	if res.Action != ActionUpdated || pr.Title != "Pathways for the Q3 review" || !strings.HasPrefix(pr.Body, "Reviewed with the guild.") {
		t.Fatalf("a person's edits overwritten: %+v\ntitle %q\n%s", res, pr.Title, pr.Body)
	}
	if m := parseMarker(pr.Body); m.head != pr.HeadSHA || m.fingerprint != fingerprint(t, renderTree(v2)) {
		t.Errorf("marker not updated: %+v", m)
	}
	if len(deltaComments(pr)) != 1 || len(res.Warnings) != 2 {
		t.Errorf("comments %q warnings %q", pr.Comments, res.Warnings)
	}
	if res := v.publish(v.publisher(nil), renderTree(v2)); res.Action != ActionUnchanged || res.Writes != 0 {
		t.Errorf("rerun %+v", res)
	}
}

func TestLargeChangesKeepBodyUnderLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("renders 2,000 pathways")
	}
	v := newEnv(t)
	many := samples(2000)
	v.seedBase(renderTree(many))
	next := clone(many)
	for i := range next {
		next[i].Skills = append(next[i].Skills, "A new skill")
	}
	next[0].Projects = append(next[0].Projects, strings.Repeat("ünïcødé <b>@team</b> ", 5000)) // > 100 KB, quoted (pathway 0 is read)
	res := v.publish(v.publisher(nil), renderTree(next))
	body := v.pulls()[0].Body
	if n := utf8.RuneCountInString(body); n >= 65536 || !utf8.ValidString(body) || res.Action != ActionCreated {
		t.Errorf("body has %d characters; %s", n, res.Action)
	}
	if !strings.Contains(body, "more") || strings.Contains(body, "<b>") || parseMarker(body).fingerprint == "" ||
		strings.Count(body, "<details>") != strings.Count(body, "</details>") {
		t.Errorf("body:\n%s", body[:min(len(body), 4000)])
	}
	if !strings.Contains(body, "Projects: added “ünïcødé &lt;b&gt;@\u200bteam&lt;/b&gt; ünïcødé") || !strings.Contains(body, "…”") {
		t.Error("the 100 KB item is not quoted, cut")
	}
	if !strings.Contains(v.pulls()[0].Title, "2000 changed") {
		t.Errorf("title %q", v.pulls()[0].Title)
	}
	t.Logf("2000 changed pathways: %d requests, body %d bytes", res.Requests, len(body))
	if *examples != "" {
		if err := os.WriteFile(filepath.Join(*examples, "body-2000-pathways.md"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOlderBaseGetsCountsOnlyBody(t *testing.T) {
	v := newEnv(t)
	base := samples(3)
	v.seedBase(olderRelease(renderTree(base)))
	next := clone(base)
	next[0].Skills = next[0].Skills[1:]
	res := v.publish(v.publisher(nil), renderTree(next))
	body := v.pulls()[0].Body
	if res.Action != ActionCreated || !strings.Contains(body, "Changed: **Intermediate Engineer 0 to Senior Engineer 0** (intermediate-engineer-0-to-senior-engineer-0) — Skills: −1") ||
		strings.Contains(body, "Engineer 1 to") {
		t.Errorf("%s body:\n%s", res.Action, body)
	}
}
