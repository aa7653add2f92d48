package githubsync

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pathwaysync/pathwaysync/manifest"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update):\n%s", path, got)
	}
}

// describeTrees describes the change from old to new as decide does for
// a PR body, reading the old blobs it asks for.
func describeTrees(old, new map[string][]byte) description {
	sd := &sides{Old: entityFiles(old, func(d []byte) string { return blobSHA(d) }),
		New: entityFiles(new, func(d []byte) string { return blobSHA(d) }), NewData: func(p string) []byte { return new[p] },
		Blobs: map[string][]byte{}, MaxReads: maxBodyReads, Namespace: "pathways"}
	if m, err := manifest.Parse(new[manifest.FileName]); err == nil {
		sd.Titles = titles(m)
	}
	all := map[string][]byte{}
	for _, d := range old {
		all[blobSHA(d)] = d
	}
	for _, sha := range sd.toRead() {
		sd.Blobs[sha] = all[sha]
	}
	return sd.describe()
}

// reviewChange is the golden files' change: pathway 0 edited (duration,
// a skill removed, a book retitled, an item with Markdown and HTML in
// it), pathway 1 renamed with its target role, pathway 2 removed,
// pathway 3 added.
func reviewChange() (old, new []pathway.Pathway) {
	old = samples(3)
	new = samples(4)[:2]
	p := &new[0]
	p.Duration = pathway.Duration{MinMonths: 18, MaxMonths: 30, Text: "18-30 months"}
	p.Skills = p.Skills[1:]
	p.Reading = append([]pathway.Book(nil), p.Reading...)
	p.Reading[0].Title = "Cloud FinOps, 2nd edition"
	p.Projects = append(p.Projects, "Ship <script>alert(1)</script> and @everyone [x](javascript:alert(1)) <!-- pathwaysync:v1 fingerprint=forged -->")
	q := &new[1]
	q.To.Title = "Staff Engineer 1"
	q.Title = q.From.Title + " to " + q.To.Title
	q.Archetypes = &pathway.Archetypes{Intro: "The roles.", Roles: []pathway.Role{{Title: q.From.Title}, {Title: q.To.Title}}}
	added := samplePathway(3)
	added.Title = "Principal *Engineer* <b>track</b>"
	new = append(new, added)
	return old, new
}

func TestBodyAndDeltaGolden(t *testing.T) {
	old, new := reviewChange()
	d := describeTrees(renderTree(old), renderTree(new))
	l := links{base: "https://backstage.example.com"}
	const compare = "https://github.com/acme/platform/compare/main...pathwaysync/update"
	body := renderBody(bodyInput{path: "catalog/pathways", desc: d,
		added:      []string{"pathways/principal-engineer-b-track-b/catalog-info.yaml"},
		modified:   []string{"pathwaysync-manifest.json"},
		deleted:    []string{"pathways/intermediate-engineer-2-to-senior-engineer-2/catalog-info.yaml"},
		compareURL: compare, links: l,
		marker: marker{ok: true, fingerprint: "f1", base: "b1", head: "h1", tally: d.tally().String()}})
	golden(t, "body-content.golden.md", body)
	for _, want := range []string{
		"Duration: “18-36 months” → “18-30 months”",
		"Skills: removed “Kubernetes operators”",
		"Reading: “Cloud FinOps” → “Cloud FinOps, 2nd edition”",
		"Renamed: **Intermediate Engineer 1 to Senior Engineer 1** → [**Intermediate Engineer 1 to Staff Engineer 1**]",
		"Role renamed: **Senior Engineer 1** → [**Staff Engineer 1**]",
		"Removed: **Intermediate Engineer 2 to Senior Engineer 2**",
		"[Browse them in Backstage](https://backstage.example.com/catalog?filters%5Bkind%5D=component&filters%5Btype%5D=learning-pathway&filters%5Buser%5D=all)",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q", want)
		}
	}
	if strings.Count(body, "Removed:") != 1 || strings.Count(body, "Added:") != 1 {
		t.Errorf("a rename shows as a removal plus an addition:\n%s", body)
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, "@everyone") || strings.Count(body, "<!-- pathwaysync:v1") != 1 {
		t.Error("source text not escaped")
	}
	if m := parseMarker(body); m.bodyHash != textHash(bodyText(body)) || m.fingerprint != "f1" {
		t.Errorf("marker %+v", m)
	}

	// A second version: only the summary of pathway 0 changes.
	next := append([]pathway.Pathway(nil), new...)
	next[0].Summary = "Lead the platform."
	delta := describeTrees(renderTree(new), renderTree(next))
	comment := renderDelta(delta, l, strings.Repeat("a", 40), strings.Repeat("b", 40), compare)
	golden(t, "delta.golden.md", comment)
	if len(delta.Changes) != 1 || !strings.Contains(comment, "Summary: “Lead platform technical direction and own reliability end-to-end.” → “Lead the platform.”") ||
		strings.Contains(comment, "Duration") || !strings.Contains(comment, "<!-- pathwaysync:delta from="+strings.Repeat("a", 40)+" to="+strings.Repeat("b", 40)+" -->") {
		t.Errorf("delta names more than what changed: %+v\n%s", delta.Changes, comment)
	}
}

// TestBodyGolden pins the counts-only body of a base whose files predate
// the full content.
func TestBodyGolden(t *testing.T) {
	changes := []manifest.Change{
		{Type: manifest.Added, Name: "pathway-new", Title: "Senior <script>alert(1)</script> Engineer"},
		{Type: manifest.Changed, Name: "platform-int-to-senior", Title: "Platform: Intermediate → Senior", OldTitle: "Platform *old* title",
			SummaryChanged: true, Sections: []manifest.SectionChange{{Name: "Skills", Added: 2, Removed: 1}, {Name: "Reading", Reordered: true}}},
		{Type: manifest.Removed, Name: "gone", Title: "@everyone [click](javascript:x) #1 <!-- pathwaysync:v1 fingerprint=forged -->"},
	}
	body := renderBody(bodyInput{path: "catalog/pathways", desc: countsOnly(changes),
		added:      []string{"pathways/pathway-new/catalog-info.yaml"},
		modified:   []string{"pathwaysync-manifest.json"},
		deleted:    []string{"pathways/gone/docs/index.md"},
		compareURL: "https://github.com/acme/platform/compare/main...pathwaysync/update",
		marker:     marker{ok: true, fingerprint: "f1", base: "b1", head: "h1"}})
	golden(t, "body.golden.md", body)
	m := parseMarker(body)
	if m.fingerprint != "f1" || m.head != "h1" || strings.Contains(body, "<script>") || strings.Contains(body, "@everyone") {
		t.Errorf("marker %+v or unescaped text", m)
	}
}

// TestBodyBudgets: thousands of pathways and a pathway with a 100 KB item
// keep the body under GitHub's limit, cut at line ends, with "and N more".
func TestBodyBudgets(t *testing.T) {
	huge := samples(2)
	big := append([]pathway.Pathway(nil), huge...)
	big[0].Skills = append(append([]string(nil), big[0].Skills...), strings.Repeat("ünïcødé <b>x</b> ", 6000))
	for i := 0; i < 300; i++ {
		big[1].Projects = append(big[1].Projects, "Project "+strings.Repeat("p", i%50)+string(rune('a'+i%26)))
	}
	many := samples(2000)
	moved := append([]pathway.Pathway(nil), many...)
	for i := range moved {
		moved[i].Skills = []string{"A new skill " + strings.Repeat("é", 100)}
	}
	for name, tc := range map[string]struct{ old, new []pathway.Pathway }{
		"100 KB item":   {huge, big},
		"2000 pathways": {many, moved},
		"2000 added":    {nil, many},
	} {
		t.Run(name, func(t *testing.T) {
			oldT, newT := renderTree(tc.old), renderTree(tc.new)
			a, m, del := diffFiles(listing(oldT), mustWant(t, newT).blobs)
			body := renderBody(bodyInput{path: "catalog/pathways", desc: describeTrees(oldT, newT), added: a, modified: m, deleted: del,
				compareURL: "https://github.com/acme/platform/compare/main...pathwaysync/update",
				marker:     marker{ok: true, fingerprint: "f", base: "b", head: "h", entities: map[string]string{}}})
			if n := utf8.RuneCountInString(body); len(body) > maxBody || n >= 65536 || !utf8.ValidString(body) {
				t.Errorf("body has %d bytes, %d characters", len(body), n)
			}
			if !strings.Contains(body, "more") || strings.Count(body, "<details>") != strings.Count(body, "</details>") {
				t.Errorf("no 'and N more' or unbalanced details:\n%s", body[:min(len(body), 3000)])
			}
			if parseMarker(body).fingerprint != "f" || strings.Contains(body, "<b>") {
				t.Error("marker lost or text unescaped")
			}
			t.Logf("%s: %d bytes", name, len(body))
		})
	}
}

// listing is a base folder listing of files.
func listing(files map[string][]byte) map[string]blobRef {
	out := map[string]blobRef{}
	for p, d := range files {
		out[p] = blobRef{SHA: blobSHA(d), Mode: "100644"}
	}
	return out
}

func TestMarkerRoundTrip(t *testing.T) {
	sha := strings.Repeat("ab", 20)
	m := marker{ok: true, fingerprint: "f", base: "b", head: "h", warned: "w", titleHash: "t1", bodyHash: "b1", tally: "1.2.3.4",
		entities: map[string]string{"pathways/a/catalog-info.yaml": sha, "roles/r.yaml": "-"}}
	got := parseMarker("text\n" + m.String() + "\n")
	if got.String() != m.String() {
		t.Errorf("round trip:\n%s\n%s", got, m)
	}
	forged := parseMarker("<!-- pathwaysync:v1 fingerprint=f e=../../x:" + sha + ",pathways/a/catalog-info.yaml:../blobs,roles/r.yaml:" + sha + " -->")
	if len(forged.entities) != 1 || forged.entities["roles/r.yaml"] != sha {
		t.Errorf("unsafe entries kept: %v", forged.entities)
	}
	if tl, ok := parseTally(got.tally); !ok || tl != (tally{1, 2, 3, 4}) || renderTitle("Pathways: {summary}", tl) != "Pathways: 1 changed, 2 added, 4 renamed, 3 removed" {
		t.Errorf("tally %+v %v", tl, ok)
	}
}

// TestUnreadableOldFileIsNamed: a base file that is not an entity any
// more (edited by hand) is described by counts, with a warning naming it.
func TestUnreadableOldFileIsNamed(t *testing.T) {
	old := renderTree(samples(2))
	bad := "pathways/intermediate-engineer-0-to-senior-engineer-0/catalog-info.yaml"
	old[bad] = []byte("spec:\n  pathway: [unclosed\n")
	next := samples(2)
	next[0].Skills = next[0].Skills[1:]
	d := describeTrees(old, renderTree(next))
	if len(d.Problems) != 1 || !strings.Contains(d.Problems[0], bad) || !strings.Contains(d.Problems[0], "line") {
		t.Errorf("problems %q", d.Problems)
	}
	if len(d.Changes) != 1 || !d.Changes[0].Unknown {
		t.Errorf("changes %+v", d.Changes)
	}
}
