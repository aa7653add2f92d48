package exporter

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/pathwaysync/pathwaysync/catalog/catalogtest"
)

// TestRealCatalogAcceptsTree writes the examples (and the hostile pathway)
// and has the real Backstage catalog ingest the tree from its root
// Location: no error, and every entity we emitted is accepted.
func TestRealCatalogAcceptsTree(t *testing.T) {
	harness := catalogtest.Harness(t)
	ps := append(loadExamples(t), injectionPathway())
	res, err := Render(ps, Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "tree")
	if _, err := Write(context.Background(), dir, res, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
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
}
