package githubsync

import (
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// What GitHub links in rendered Markdown text, after it decoded entities
// and backslash escapes: @mentions (users, teams), issue and pull request
// references (#12, owner/repo#12, GH-12) and owner/repo@sha commits.
var (
	ghMention  = regexp.MustCompile("(?:^|[^A-Za-z0-9_/`])@[A-Za-z0-9]")
	ghIssueRef = regexp.MustCompile(`(?i)(?:^|[^A-Za-z0-9_&])(?:[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)?(?:#|\bgh-)[0-9]`)
	ghCommit   = regexp.MustCompile(`[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+@[0-9a-f]{7}`)
	mdEscape   = regexp.MustCompile("\\\\([\\\\`*_\\[\\](){}|~!#+.-])")
)

// linkable returns what GitHub would turn into a mention or reference in
// text: entities decoded first (GitHub does), then backslash escapes.
func linkable(rendered string) []string {
	text := mdEscape.ReplaceAllString(html.UnescapeString(rendered), "$1")
	return slices.Concat(ghMention.FindAllString(text, -1), ghIssueRef.FindAllString(text, -1), ghCommit.FindAllString(text, -1))
}

func TestMentionsAndReferencesNeutralised(t *testing.T) {
	for _, tc := range []struct {
		text  string
		links bool // GitHub links the raw text (checks the detector)
	}{
		{"@everyone", true}, {"ask @acme/platform-team", true}, {"cc:@octocat", true}, {"@@x", true},
		{"&#64;octocat", true}, {"&#x40;octocat", true}, // GitHub decodes entities first: no escape
		{"fixes #12", true}, {"#1", true}, {"acme/platform#3", true}, {"GH-7", true}, {"gh-8", true}, {"see (#9)", true},
		{"&#35;10", true}, {"acme/platform@a1b2c3d", true}, {"C# and F# are fine", false}, {"mail me at someone@example.com", false},
	} {
		if got := linkable(md(tc.text)); len(got) > 0 {
			t.Errorf("md(%q) = %q: GitHub links %q", tc.text, md(tc.text), got)
		}
		if got := linkable(tc.text); (len(got) > 0) != tc.links {
			t.Errorf("the detector finds %q in the raw %q", got, tc.text)
		}
	}
	// What a person reads is the text, with invisible separators only.
	for _, s := range []string{"@everyone", "fixes #12", "GH-7"} {
		if got := strings.ReplaceAll(html.UnescapeString(md(s)), zwsp, ""); got != s {
			t.Errorf("md(%q) reads %q", s, got)
		}
	}

	// Whole bodies and comments: source text everywhere they quote it.
	old, new := reviewChange()
	new[0].Skills = append(new[0].Skills, "Pair with @octocat on #12, GH-3 and acme/platform#4")
	new[1].Summary = "Owned by @acme/platform (&#64;lead), tracked in #77"
	new[2].Title = "@everyone #1 track"
	for _, text := range []string{
		renderBody(bodyInput{path: "catalog/#5", desc: describeTrees(renderTree(old), renderTree(new)),
			compareURL: "https://github.com/acme/platform/compare/main...pathwaysync/update", links: links{base: "https://backstage.example.com"},
			marker: marker{ok: true, fingerprint: "f"}}),
		renderDelta(describeTrees(renderTree(old), renderTree(new)), links{}, "a", "b", "https://github.com/acme/platform/compare/main...x"),
	} {
		if got := linkable(bodyText(text)); len(got) > 0 {
			t.Errorf("GitHub would link %q in:\n%s", got, text)
		}
		if !strings.Contains(text, "@"+zwsp+"octocat") || !strings.Contains(text, "#"+zwsp+"12") {
			t.Errorf("source text missing from:\n%s", text)
		}
	}
}
