package daemon

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/catalog/catalogtest"
)

// ownerLocation is the Location name cmd passes (the exported tree's own).
const ownerLocation = "pathways-owner"

// ownerOutcome is the test outcome plus the Group that owns its entities,
// as an exported tree with the default owner carries it.
func ownerOutcome(t *testing.T) *Outcome {
	out := testOutcome(t)
	out.Entities = append(out.Entities, catalog.Entity{APIVersion: catalog.APIVersion, Kind: catalog.KindGroup,
		Metadata: catalog.Metadata{Name: "platform-guild", Namespace: "pathways", Title: "Platform guild"},
		Spec:     map[string]any{"type": "team", "children": []string{}}})
	return out
}

// TestOwnerYAML: the Group is served apart from /catalog-info.yaml, which
// reads it through one Location document; without a Group there is no
// such document and /catalog-owner.yaml is 404.
func TestOwnerYAML(t *testing.T) {
	srv := serveSnapshot(t, ownerOutcome(t), Options{OwnerLocationName: ownerLocation})
	main := do(srv.Handler(), "GET", "/catalog-info.yaml", "", nil)
	owner := do(srv.Handler(), "GET", OwnerYAMLPath, "", nil)
	if main.Code != 200 || owner.Code != 200 {
		t.Fatalf("status %d, %d", main.Code, owner.Code)
	}
	if strings.Contains(main.Body.String(), "kind: Group") || !strings.Contains(main.Body.String(), "- ./catalog-owner.yaml") ||
		strings.Count(main.Body.String(), "kind: Location") != 1 || !strings.Contains(main.Body.String(), "name: "+ownerLocation+"\n") {
		t.Errorf("/catalog-info.yaml:\n%s", main.Body)
	}
	if !strings.Contains(owner.Body.String(), "kind: Group") || strings.Count(owner.Body.String(), "---") != 1 {
		t.Errorf("%s:\n%s", OwnerYAMLPath, owner.Body)
	}
	etag := owner.Header().Get("ETag")
	if nm := do(srv.Handler(), "GET", OwnerYAMLPath, "", map[string]string{"If-None-Match": etag}); nm.Code != 304 {
		t.Errorf("If-None-Match: status %d", nm.Code)
	}

	plain := serveSnapshot(t, testOutcome(t), Options{})
	if rec := do(plain.Handler(), "GET", OwnerYAMLPath, "", nil); rec.Code != 404 {
		t.Errorf("without a Group: status %d", rec.Code)
	}
	if b := do(plain.Handler(), "GET", "/catalog-info.yaml", "", nil).Body.String(); strings.Contains(b, "kind: Location") {
		t.Errorf("without a Group the document holds a Location:\n%s", b)
	}
}

// TestOwnerLocationNameRequired: a sync holding a Group cannot be served
// without the name of the Location that reads it; one without a Group can.
func TestOwnerLocationNameRequired(t *testing.T) {
	if _, err := buildSnapshot(ownerOutcome(t).Entities, nil, Options{}); err == nil || !strings.Contains(err.Error(), "OwnerLocationName") {
		t.Errorf("with a Group and no name: %v", err)
	}
	if _, err := buildSnapshot(testOutcome(t).Entities, nil, Options{}); err != nil {
		t.Errorf("without a Group: %v", err)
	}
}

// TestOwnerYAMLRealCatalog: the real catalog reads the served document as
// a url Location reads it (the owner file beside it): with Group allowed
// it accepts everything, and under rules that allow only Component,
// System, Resource and Location it still accepts every other entity.
func TestOwnerYAMLRealCatalog(t *testing.T) {
	harness := catalogtest.Harness(t)
	out := ownerOutcome(t)
	srv := serveSnapshot(t, out, Options{OwnerLocationName: ownerLocation})
	dir := t.TempDir()
	for _, p := range []string{"/catalog-info.yaml", OwnerYAMLPath} {
		rec := do(srv.Handler(), "GET", p, "", nil)
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(p)), rec.Body.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rep := catalogtest.Run(t, harness, dir)
	if !rep.OK || len(rep.Errors) > 0 {
		t.Errorf("default rules: ok %v, errors %+v", rep.OK, rep.Errors)
	}
	for _, e := range out.Entities {
		if !slices.Contains(rep.Accepted, e.Ref()) && e.Kind != catalog.KindLocation {
			t.Errorf("default rules: %s not accepted", e.Ref())
		}
	}
	rep = catalogtest.Run(t, harness, dir, "--allow-kinds", "Component,System,Resource,Location")
	if len(rep.Errors) == 0 {
		t.Error("old rules: the Group was accepted although not allowed")
	}
	for _, e := range rep.Errors {
		if e.Entity != "location:pathways/"+ownerLocation {
			t.Errorf("old rules: error %s %s: %s", e.Type, e.Entity, e.Message)
		}
	}
	for _, e := range out.Entities {
		if e.Kind != catalog.KindGroup && e.Kind != catalog.KindLocation && !slices.Contains(rep.Accepted, e.Ref()) {
			t.Errorf("old rules: %s lost", e.Ref())
		}
	}
}
