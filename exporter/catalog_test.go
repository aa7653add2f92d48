package exporter

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/catalog/catalogtest"
)

// writeHarnessTree renders the examples, the hostile and a cut-off pathway
// with o and writes the tree for the harness.
func writeHarnessTree(t *testing.T, o Options) (*Result, string) {
	t.Helper()
	res, err := Render(append(loadExamples(t), injectionPathway(), cutOffPathway()), o)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "tree")
	if _, err := Write(context.Background(), dir, res, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	return res, dir
}

// TestRealCatalogAcceptsTree has the real Backstage catalog ingest the
// tree from its root Location, with and without a Backstage URL (links):
// no error, every entity we emitted accepted, and every ref of every
// entity resolves inside the tree (no "Entities not found" in the app).
func TestRealCatalogAcceptsTree(t *testing.T) {
	harness := catalogtest.Harness(t)
	for _, o := range []Options{goldenOptions, {}} {
		t.Run("url="+o.BackstageURL, func(t *testing.T) {
			res, dir := writeHarnessTree(t, o)
			rep := catalogtest.Run(t, harness, dir)
			for _, e := range rep.Errors {
				t.Errorf("catalog error: %s %s: %s", e.Type, e.Entity, e.Message)
			}
			accepted := map[string]bool{}
			for _, r := range rep.Accepted {
				accepted[r] = true
			}
			for _, e := range res.Entities {
				if !accepted[e.Ref()] {
					t.Errorf("%s was not accepted by the catalog", e.Ref())
				}
			}
			if len(rep.Accepted) != len(res.Entities) {
				t.Errorf("catalog accepted %d entities, we emitted %d: %v", len(rep.Accepted), len(res.Entities), rep.Accepted)
			}
			// Every relation target is an accepted entity of the tree.
			var rs refSet
			for i := range res.Entities {
				rs.add(&res.Entities[i])
			}
			if len(rs.refs) < len(res.Entities)/3 {
				t.Fatalf("only %d refs found: the check looks at nothing", len(rs.refs))
			}
			for ref, field := range rs.refs {
				if !accepted[ref] {
					t.Errorf("%s (%s) points outside the accepted tree", ref, field)
				}
			}
		})
	}
}

// TestRealCatalogOldRules: a Backstage whose rules allow only Component,
// System, Resource and Location (the examples' configs before the owner
// Group, and a stock create-app but for API) loses no entity: the Group's
// own Location is the only one rejected.
func TestRealCatalogOldRules(t *testing.T) {
	harness := catalogtest.Harness(t)
	res, dir := writeHarnessTree(t, goldenOptions)
	rep := catalogtest.Run(t, harness, dir, "--allow-kinds", "Component,System,Resource,Location")
	ownerLoc := "location:pathways/" + OwnerLocationName
	for _, e := range rep.Errors {
		if e.Entity != ownerLoc || !strings.Contains(e.Message, "not of an allowed kind") {
			t.Errorf("catalog error: %s %s: %s", e.Type, e.Entity, e.Message)
		}
	}
	if len(rep.Errors) == 0 {
		t.Errorf("no error on %s: the Group was accepted although not allowed", ownerLoc)
	}
	lost := 0
	for _, e := range res.Entities {
		if e.Kind == catalog.KindGroup || e.Ref() == ownerLoc {
			continue
		}
		if !slices.Contains(rep.Accepted, e.Ref()) {
			t.Errorf("%s lost under the old rules", e.Ref())
			lost++
		}
	}
	t.Logf("old rules: %d accepted, %d lost, %d errors", len(rep.Accepted), lost, len(rep.Errors))
}

// TestOutsideRefs: with an owner of the user's, the tree names it as the
// one ref outside; with the default, there is none and a Group is emitted.
func TestOutsideRefs(t *testing.T) {
	ps := loadExamples(t)
	sum, err := Check(context.Background(), ps, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Outside) != 0 {
		t.Errorf("default owner: outside refs %v", sum.Outside)
	}
	sum, err = Check(context.Background(), ps, Options{Owner: "group:default/platform-team"})
	if err != nil {
		t.Fatal(err)
	}
	want := []OutsideRef{{Ref: "group:default/platform-team", Field: "spec.owner"}}
	if !slices.Equal(sum.Outside, want) {
		t.Errorf("own owner: outside refs %v, want %v", sum.Outside, want)
	}
	res, err := Render(ps, Options{Owner: "group:default/platform-team"})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Entities {
		if e.Kind == catalog.KindGroup || e.Metadata.Name == OwnerLocationName {
			t.Errorf("own owner: the tree still holds %s", e.Ref())
		}
	}
}
