package githubsync

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pathwaysync/pathwaysync/pathway"
)

// TestLargeBodyKeepsItsNotes: a body cut at its budget still says how
// many pathways are listed without details and why, and its collapsed
// file list links the compare view.
func TestLargeBodyKeepsItsNotes(t *testing.T) {
	many := samples(2000)
	moved := clone(many)
	for i := range moved {
		moved[i].Skills = append(moved[i].Skills, "A new skill "+strings.Repeat("é", 100))
	}
	oldT, newT := renderTree(many), renderTree(moved)
	a, m, del := diffFiles(listing(oldT), mustWant(t, newT).blobs)
	const compare = "https://ghe.example.com/acme/catalog/compare/main...pathwaysync/update"
	d := describeTrees(oldT, newT)
	if d.Omitted != 2000-maxBodyReads {
		t.Fatalf("omitted %d", d.Omitted)
	}
	body := renderBody(bodyInput{path: "catalog/pathways", desc: d, added: a, modified: m, deleted: del, compareURL: compare,
		marker: marker{ok: true, fingerprint: "f"}})
	for _, want := range []string{
		"more changes: see the [compare view](" + compare + ")",
		"_1980 changed pathways are listed without details: a description reads at most 20 old files; see the [compare view](" + compare + ")._",
		fmt.Sprintf("Files: 0 added, %d modified, 0 deleted (see the [compare view](", len(m)) + compare + ") for the list).",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q", want)
		}
	}
	if len(body) > maxBody || strings.Contains(body, "truncated") {
		t.Errorf("body of %d bytes, or cut by fit", len(body))
	}

	// The link to the catalog shows every owner's pathways.
	small := renderBody(bodyInput{path: "p", desc: describeTrees(renderTree(samples(1)), renderTree([]pathway.Pathway{samplePathway(1)})),
		compareURL: compare, links: links{base: "https://backstage.example.com"}, marker: marker{ok: true}})
	if !strings.Contains(small, "(https://backstage.example.com/catalog?filters%5Bkind%5D=component&filters%5Btype%5D=learning-pathway&filters%5Buser%5D=all)") {
		t.Errorf("catalog link:\n%s", small)
	}
}
