package githubsync

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pathwaysync/pathwaysync/internal/ghemu"
)

const commentRoute = "POST /repos/{owner}/{repo}/issues/{number}/comments"

// comment posts a comment on PR n as a person would.
func (v *env) comment(n int, body string) {
	v.t.Helper()
	raw, _ := json.Marshal(map[string]string{"body": body})
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%srepos/%s/issues/%d/comments", v.e.URL(), testRepo, n), bytes.NewReader(raw))
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		v.t.Fatalf("comment: %v %v", err, resp)
	}
	resp.Body.Close()
}

// TestDeltaCommentOnceWhenAnswerLost: GitHub creates the comment but its
// answer never arrives (the connection drops after the write, or the
// answer comes after the attempt timed out); the sync finds the comment
// by its marker instead of posting a second one. Also when the PR has
// more comments than one page holds.
func TestDeltaCommentOnceWhenAnswerLost(t *testing.T) {
	for _, tc := range []struct {
		name     string
		fault    ghemu.Fault
		mod      func(*ClientOptions)
		comments int // by people, before the update
	}{
		{name: "connection dropped after the write", fault: ghemu.Fault{Route: commentRoute, Kind: ghemu.FaultLoseAnswer}},
		{name: "connection dropped, 250 comments", fault: ghemu.Fault{Route: commentRoute, Kind: ghemu.FaultLoseAnswer}, comments: 250},
		{name: "answer after the attempt timeout", fault: ghemu.Fault{Route: commentRoute, Kind: ghemu.FaultHook,
			Before: func() { time.Sleep(1500 * time.Millisecond) }},
			// The attempt gives up after 1 s; GitHub finishes within its
			// own timeout (here 2 s), then the comments are read.
			mod: func(o *ClientOptions) { o.attemptTimeout, o.serverTimeout = time.Second, 2*time.Second }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, base := reviewEnv(t)
			v1 := clone(base)
			v1[0].Skills = v1[0].Skills[1:]
			v.publish(v.publisher(nil), renderTree(v1))
			for i := range tc.comments {
				v.comment(1, fmt.Sprintf("Looked at it (%d).", i))
			}
			v2 := clone(v1)
			v2[1].Summary = "Second."
			v.e.Inject(tc.fault)
			var mods []func(*ClientOptions)
			if tc.mod != nil {
				mods = append(mods, tc.mod)
			}
			v.e.ResetStats()
			res := v.publish(v.publisher(v.client(mods...)), renderTree(v2))
			time.Sleep(600 * time.Millisecond) // a late write would land by now
			pr := v.pulls()[0]
			if d := deltaComments(pr); len(d) != 1 || len(pr.Comments) != tc.comments+1 {
				t.Fatalf("%d delta comments, %d comments; warnings %q; %v", len(d), len(pr.Comments), res.Warnings, v.e.Log())
			}
			st := v.e.Stats()
			if res.Action != ActionUpdated || len(res.Warnings) != 0 || st.ByRoute[commentRoute] != 1 ||
				st.ByRoute["GET /repos/{owner}/{repo}/issues/{number}/comments"] == 0 {
				t.Errorf("%s, warnings %q, requests %v", res.Action, res.Warnings, st.ByRoute)
			}
			if m := parseMarker(pr.Body); m.head != pr.HeadSHA {
				t.Errorf("the body does not record the new head: %+v", m)
			}
		})
	}
}

// TestDeltaCommentPostedAgainWhenNotCreated: a 502 GitHub answered
// without creating the comment, or a dropped request it never handled:
// the comment is not found among the PR's comments, so it is posted
// again, once.
func TestDeltaCommentPostedAgainWhenNotCreated(t *testing.T) {
	for _, kind := range []ghemu.FaultKind{ghemu.FaultStatus, ghemu.FaultDrop} {
		v, base := reviewEnv(t)
		v1 := clone(base)
		v1[0].Skills = v1[0].Skills[1:]
		v.publish(v.publisher(nil), renderTree(v1))
		v2 := clone(v1)
		v2[1].Summary = "Second."
		v.e.Inject(ghemu.Fault{Route: commentRoute, Kind: kind})
		v.e.ResetStats()
		res := v.publish(v.publisher(nil), renderTree(v2))
		if n := len(deltaComments(v.pulls()[0])); n != 1 || len(res.Warnings) != 0 || v.e.Stats().ByRoute[commentRoute] != 2 {
			t.Errorf("fault %d: %d delta comments, warnings %q, requests %v", kind, n, res.Warnings, v.e.Stats().ByRoute)
		}
	}
}

// TestBlockedCommentOnceWhenAnswerLost: the warning about a foreign
// commit is posted once per foreign head, also when its answer is lost.
func TestBlockedCommentOnceWhenAnswerLost(t *testing.T) {
	v, base := reviewEnv(t)
	v1 := clone(base)
	v1[0].Skills = v1[0].Skills[1:]
	v.publish(v.publisher(nil), renderTree(v1))
	if _, err := v.e.Commit(testRepo, "pathwaysync/update", map[string][]byte{testPath + "/hand.txt": []byte("x")}, "hand edit\n"); err != nil {
		t.Fatal(err)
	}
	v2 := clone(v1)
	v2[1].Summary = "Second."
	v.e.Inject(ghemu.Fault{Route: commentRoute, Kind: ghemu.FaultLoseAnswer})
	res := v.publish(v.publisher(nil), renderTree(v2))
	pr := v.pulls()[0]
	if res.Action != ActionBlocked || len(pr.Comments) != 1 || !strings.Contains(pr.Comments[0], "will not force-push") ||
		!strings.Contains(pr.Comments[0], "<!-- pathwaysync:blocked head="+pr.HeadSHA+" -->") {
		t.Errorf("%s, comments %q", res.Action, pr.Comments)
	}
}
