package catalogapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"

	"github.com/pathwaysync/pathwaysync/catalog"
)

// TestNewServes: New's handler answers the read API on its own, with uid,
// etag, relations and managed-by annotations computed, and the input left
// as it was.
func TestNewServes(t *testing.T) {
	in := []catalog.Entity{
		{APIVersion: "backstage.io/v1alpha1", Kind: "System", Metadata: catalog.Metadata{Name: "platform"},
			Spec: map[string]any{"owner": "group:default/guild"}},
		{APIVersion: "backstage.io/v1alpha1", Kind: "Component", Metadata: catalog.Metadata{Name: "path", Namespace: "default"},
			Spec: map[string]any{"type": "learning-pathway", "owner": "group:default/guild", "lifecycle": "production", "system": "platform"}},
	}
	api, err := New(in, Options{PublicURL: "https://p.example.com/"})
	if err != nil {
		t.Fatal(err)
	}
	if in[0].Metadata.Namespace != "" || in[0].Metadata.Annotations != nil {
		t.Fatal("New modified its input")
	}
	rec := httptest.NewRecorder()
	api.ServeHTTP(rec, httptest.NewRequest("GET", "/api/catalog/entities/by-name/component/default/path", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("by-name = %d %s", rec.Code, rec.Body)
	}
	var e catalog.Entity
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
		t.Fatal(err)
	}
	if e.Metadata.UID != UID("component:default/path") || e.Metadata.Etag == "" {
		t.Errorf("uid %q etag %q", e.Metadata.UID, e.Metadata.Etag)
	}
	if got := e.Metadata.Annotations[ManagedByAnnotation]; got != "url:https://p.example.com/catalog-info.yaml" {
		t.Errorf("managed-by = %q", got)
	}
	if !slices.Contains(e.Relations, catalog.Relation{Type: "partOf", TargetRef: "system:default/platform"}) {
		t.Errorf("relations = %+v, want partOf system:default/platform", e.Relations)
	}
	rec = httptest.NewRecorder()
	api.ServeHTTP(rec, httptest.NewRequest("GET", "/api/catalog/nope", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("unknown path = %d", rec.Code)
	}
}

func TestParseByQueryErrors(t *testing.T) {
	for _, tt := range []struct{ query, want string }{
		{"limit=-1", "Invalid limit, must be zero or greater"},
		{"offset=x", "Invalid offset, must be zero or greater"},
		{"orderField=metadata.name,up", "Invalid order field order, must be asc or desc"},
		{"cursor=%25%25", "Malformed cursor: could not be parsed"},
		{"totalItems=some", `Invalid totalItems parameter "some", expected one of: include, exclude`},
	} {
		q, _ := url.ParseQuery(tt.query)
		_, err := parseByQuery(q)
		ie, ok := err.(*inputError)
		if !ok || ie.msg != tt.want {
			t.Errorf("%s: err = %v, want input error %q", tt.query, err, tt.want)
		}
	}
}
