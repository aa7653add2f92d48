package githubsync

import (
	"strings"
	"testing"
)

// TestBodyWithoutMarkerKept: a person who replaces the whole body (the
// hidden marker with it) keeps their text on every later update, with a
// warning saying how to get pathwaysync's back; the delta comment still
// says what each update changed. The title follows the content while it
// has pathwaysync's form and is kept once a person rewrote it. Emptying
// the body gives pathwaysync's body back.
func TestBodyWithoutMarkerKept(t *testing.T) {
	for _, tc := range []struct {
		name, title, wantTitle string
	}{
		{"title untouched", "", "Learning pathways: 2 changed"},
		{"title rewritten", "Pathways for the Q3 review", "Pathways for the Q3 review"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, base := reviewEnv(t)
			v1 := clone(base)
			v1[0].Skills = v1[0].Skills[1:]
			v.publish(v.publisher(nil), renderTree(v1))
			const note = "Reviewed with the guild; please keep this note."
			edit := map[string]string{"body": note}
			if tc.title != "" {
				edit["title"] = tc.title
			}
			v.editPR(1, edit)

			v2 := clone(v1)
			v2[1].Summary = "Second."
			res := v.publish(v.publisher(nil), renderTree(v2))
			pr := v.pulls()[0]
			if res.Action != ActionUpdated || !strings.HasPrefix(pr.Body, note+"\n") || strings.Contains(pr.Body, "Skills: removed") {
				t.Fatalf("the person's body was overwritten: %s\n%s", res.Action, pr.Body)
			}
			if !strings.Contains(strings.Join(res.Warnings, "\n"), "kept the description a person wrote in place of pathwaysync's; only its hidden marker is updated (empty the description to get pathwaysync's back)") {
				t.Errorf("warnings %q", res.Warnings)
			}
			if m := parseMarker(pr.Body); m.head != pr.HeadSHA || m.fingerprint != fingerprint(t, renderTree(v2)) {
				t.Errorf("marker not recorded: %+v", m)
			}
			if d := deltaComments(pr); len(d) != 1 || !strings.Contains(d[0], "Summary: “Lead platform technical direction and own reliability end-to-end.” → “Second.”") ||
				strings.Contains(d[0], "Kubernetes operators") {
				t.Errorf("delta comments %q", d)
			}
			if pr.Title != tc.wantTitle {
				t.Errorf("title %q, want %q", pr.Title, tc.wantTitle)
			}

			// The next update keeps them too; a rerun writes nothing.
			v3 := clone(v2)
			v3[2].Summary = "Third."
			res = v.publish(v.publisher(nil), renderTree(v3))
			pr = v.pulls()[0]
			if !strings.HasPrefix(pr.Body, note+"\n") || len(deltaComments(pr)) != 2 || res.Action != ActionUpdated {
				t.Errorf("second update: %s, %d delta comments\n%s", res.Action, len(deltaComments(pr)), pr.Body)
			}
			if want := strings.Replace(tc.wantTitle, "2 changed", "3 changed", 1); pr.Title != want {
				t.Errorf("title %q, want %q", pr.Title, want)
			}
			if res := v.publish(v.publisher(nil), renderTree(v3)); res.Action != ActionUnchanged || res.Writes != 0 {
				t.Errorf("rerun %s, %d writes", res.Action, res.Writes)
			}

			// Emptied: pathwaysync's body is back, no comment for the same content.
			v.editPR(1, map[string]string{"body": ""})
			res = v.publish(v.publisher(nil), renderTree(v3))
			pr = v.pulls()[0]
			if strings.Contains(pr.Body, note) || !strings.Contains(pr.Body, "Summary: “Lead platform technical direction and own reliability end-to-end.” → “Third.”") ||
				parseMarker(pr.Body).head != pr.HeadSHA || len(deltaComments(pr)) != 2 {
				t.Errorf("after emptying: %s, %d delta comments\n%s", res.Action, len(deltaComments(pr)), pr.Body)
			}
			v.checkBranch("pathwaysync/update", "main", renderTree(v3))
		})
	}
}

func TestTemplateTitle(t *testing.T) {
	for _, tc := range []struct {
		tmpl, title string
		want        bool
	}{
		{"Learning pathways: {summary}", "Learning pathways: 2 changed, 1 added", true},
		{"Learning pathways: {summary}", "Learning  pathways:  generated files updated", true},
		{"Learning pathways: {summary}", "Learning pathways: 1 renamed, 3 removed", true},
		{"Learning pathways: {summary}", "Learning pathways: reviewed", false},
		{"Learning pathways: {summary}", "Pathways for the Q3 review", false},
		{"[bot] {summary} (auto)", "[bot] 1 changed (auto)", true},
		{"[bot] {summary} (auto)", "bot 1 changed auto", false},
		{"Update learning pathways", "Update learning pathways", true},
		{"Update learning pathways", "Update learning pathways, reviewed", false},
	} {
		if got := templateTitle(tc.tmpl, tc.title); got != tc.want {
			t.Errorf("templateTitle(%q, %q) = %v", tc.tmpl, tc.title, got)
		}
	}
	for _, tl := range []tally{{}, {1, 2, 3, 4}, {0, 0, 1, 0}} {
		if title := renderTitle("Pathways {summary}!", tl); !templateTitle("Pathways {summary}!", title) {
			t.Errorf("renderTitle gives %q, not recognised", title)
		}
	}
}
