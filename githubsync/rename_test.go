package githubsync

import (
	"strings"
	"testing"

	"github.com/pathwaysync/pathwaysync/pathway"
)

// kinds lists a description's changes as "type name".
func kinds(d description) []string {
	var out []string
	for _, c := range d.Changes {
		if c.Kind == kindPathway {
			out = append(out, c.Type+" "+c.Name)
		}
	}
	return out
}

// TestRenameWhenSourceMoved: a pathway whose page moved with its title
// is renamed when its content is nearly the same (at least 80% of its
// items equal), and is a removal plus an addition otherwise.
func TestRenameWhenSourceMoved(t *testing.T) {
	old := samples(3)
	for _, tc := range []struct {
		name string
		edit func(p *pathway.Pathway)
		want []string
	}{
		{"same content, page and title moved", func(p *pathway.Pathway) {
			p.Title = "Platform track 1"
			p.Source = "https://example.com/pathways/moved-1"
		}, []string{"renamed platform-track-1"}},
		{"one role and one skill changed too", func(p *pathway.Pathway) {
			p.To.Title = "Staff Engineer 1"
			p.Title = p.From.Title + " to Staff Engineer 1"
			p.Archetypes = &pathway.Archetypes{Intro: "The roles.", Roles: []pathway.Role{{Title: p.From.Title}, {Title: p.To.Title}}}
			p.Skills = append(p.Skills, "Org-wide technical strategy")
			p.Source = "https://example.com/pathways/moved-1"
		}, []string{"renamed intermediate-engineer-1-to-staff-engineer-1"}},
		{"another pathway at another page (8 of 13 items equal)", func(p *pathway.Pathway) {
			*p = samplePathway(7)
			p.Title = "Platform track 7"
		}, []string{"added platform-track-7", "removed intermediate-engineer-1-to-senior-engineer-1"}},
		{"same page, content rewritten", func(p *pathway.Pathway) {
			src := p.Source
			*p = samplePathway(7)
			p.Source = src
		}, []string{"renamed intermediate-engineer-7-to-senior-engineer-7"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			next := clone(old)
			tc.edit(&next[1])
			got := kinds(describeTrees(renderTree(old), renderTree(next)))
			if strings.Join(got, "; ") != strings.Join(tc.want, "; ") {
				t.Errorf("changes %q, want %q", got, tc.want)
			}
		})
	}
}

// TestRenameWhenSourceMovedOnGitHub: the PR body shows the moved pathway
// as one "Renamed" entry with its content diff.
func TestRenameWhenSourceMovedOnGitHub(t *testing.T) {
	v, base := reviewEnv(t)
	next := clone(base)
	next[1].Title = "Platform track 1"
	next[1].Source = "https://example.com/pathways/moved-1"
	next[1].Skills = append(next[1].Skills, "Org-wide technical strategy")
	res := v.publish(v.publisher(nil), renderTree(next))
	pr := v.pulls()[0]
	if !strings.Contains(pr.Body, "- Renamed: **Intermediate Engineer 1 to Senior Engineer 1** → **Platform track 1** (intermediate-engineer-1-to-senior-engineer-1 → platform-track-1)\n  - Skills: added “Org-wide technical strategy”") ||
		strings.Contains(pr.Body, "Removed:") || strings.Contains(pr.Body, "Added:") {
		t.Errorf("body:\n%s", pr.Body)
	}
	if pr.Title != "Learning pathways: 1 renamed" || len(res.Changes) != 1 || res.Changes[0].OldTitle == "" {
		t.Errorf("title %q changes %+v", pr.Title, res.Changes)
	}
}
