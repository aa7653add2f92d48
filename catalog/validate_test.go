package catalog_test

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/catalog/catalogtest"
)

func good() catalog.Entity {
	return catalog.Entity{
		APIVersion: catalog.APIVersion,
		Kind:       catalog.KindComponent,
		Metadata: catalog.Metadata{
			Name:      "intermediate-platform-engineer-to-senior-platform-engineer",
			Namespace: "pathways",
			Title:     "Intermediate Platform Engineer to Senior Platform Engineer",
			Tags:      []string{"learning-pathway", "platform-engineering"},
			Links:     []catalog.Link{{URL: "https://www.raganmcgill.co.uk/learn/x", Title: "Source"}},
			Annotations: map[string]string{
				"backstage.io/techdocs-ref": "dir:.",
			},
		},
		Spec: map[string]any{
			"type":         "learning-pathway",
			"lifecycle":    "production",
			"owner":        "group:default/learning-pathways",
			"system":       "system:pathways/platform-engineering",
			"dependsOn":    []string{"resource:pathways/intermediate-platform-engineer"},
			"dependencyOf": []any{"resource:pathways/senior-platform-engineer"},
		},
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(e *catalog.Entity)
		fields []string // expected FieldError.Field values, in order
	}{
		{"good", func(e *catalog.Entity) {}, nil},
		{"name too long", func(e *catalog.Entity) { e.Metadata.Name = strings.Repeat("a", 64) }, []string{"metadata.name"}},
		{"name 63 ok", func(e *catalog.Entity) { e.Metadata.Name = strings.Repeat("a", 63) }, nil},
		{"name bad chars", func(e *catalog.Entity) { e.Metadata.Name = "a b" }, []string{"metadata.name"}},
		{"name empty", func(e *catalog.Entity) { e.Metadata.Name = "" }, []string{"metadata.name"}},
		{"namespace upper", func(e *catalog.Entity) { e.Metadata.Namespace = "Pathways" }, []string{"metadata.namespace"}},
		{"tags", func(e *catalog.Entity) { e.Metadata.Tags = []string{"ok", "Cap", "a_b", "a--b", "lang:go", ""} },
			[]string{"metadata.tags[1]", "metadata.tags[2]", "metadata.tags[3]", "metadata.tags[5]"}},
		{"label value with space", func(e *catalog.Entity) { e.Metadata.Labels = map[string]string{"x": "a b", "y": ""} },
			[]string{"metadata.labels[x]"}},
		{"label key", func(e *catalog.Entity) { e.Metadata.Labels = map[string]string{"a/b/c": "v"} }, []string{"metadata.labels[a/b/c]"}},
		{"annotation key", func(e *catalog.Entity) { e.Metadata.Annotations["Bad.Prefix/x"] = "v" },
			[]string{"metadata.annotations[Bad.Prefix/x]"}},
		{"link relative", func(e *catalog.Entity) { e.Metadata.Links[0].URL = "/learn/x" }, []string{"metadata.links[0].url"}},
		{"link no host", func(e *catalog.Entity) { e.Metadata.Links[0].URL = "https://" }, []string{"metadata.links[0].url"}},
		{"link blank title", func(e *catalog.Entity) { e.Metadata.Links[0].Title = " " }, []string{"metadata.links[0].title"}},
		{"missing owner", func(e *catalog.Entity) { delete(e.Spec, "owner") }, []string{"spec.owner"}},
		{"missing type", func(e *catalog.Entity) { delete(e.Spec, "type") }, []string{"spec.type"}},
		{"missing lifecycle", func(e *catalog.Entity) { delete(e.Spec, "lifecycle") }, []string{"spec.lifecycle"}},
		{"type not string", func(e *catalog.Entity) { e.Spec["type"] = 3 }, []string{"spec.type"}},
		{"dependsOn without kind", func(e *catalog.Entity) { e.Spec["dependsOn"] = []string{"pathways/x"} }, []string{"spec.dependsOn[0]"}},
		{"dependencyOf without kind", func(e *catalog.Entity) { e.Spec["dependencyOf"] = []any{"resource:a", "b"} },
			[]string{"spec.dependencyOf[1]"}},
		{"owner without kind ok", func(e *catalog.Entity) { e.Spec["owner"] = "team-a" }, nil},
		{"owner empty namespace", func(e *catalog.Entity) { e.Spec["owner"] = "group:/x" }, []string{"spec.owner"}},
		{"system empty name", func(e *catalog.Entity) { e.Spec["system"] = "system:pathways/" }, []string{"spec.system"}},
		{"kind not allowed", func(e *catalog.Entity) { e.Kind = "Group" }, []string{"kind"}},
		{"kind unknown", func(e *catalog.Entity) { e.Kind = "Pathway" }, []string{"kind"}},
		{"apiVersion", func(e *catalog.Entity) { e.APIVersion = "backstage.io/v2" }, []string{"apiVersion"}},
		{"no spec", func(e *catalog.Entity) { e.Spec = nil }, []string{"spec"}},
		{"uid", func(e *catalog.Entity) { e.Metadata.UID = "x" }, []string{"metadata.uid"}},
		{"etag", func(e *catalog.Entity) { e.Metadata.Etag = "x" }, []string{"metadata.etag"}},
		{"relations", func(e *catalog.Entity) {
			e.Relations = []catalog.Relation{{Type: "ownedBy", TargetRef: "group:default/x"}}
		},
			[]string{"relations"}},
		{"managed-by annotations", func(e *catalog.Entity) {
			e.Metadata.Annotations["backstage.io/managed-by-location"] = "url:x"
			e.Metadata.Annotations["backstage.io/managed-by-origin-location"] = "url:x"
			e.Metadata.Annotations["backstage.io/orphan"] = "true"
		}, []string{"metadata.annotations[backstage.io/managed-by-location]",
			"metadata.annotations[backstage.io/managed-by-origin-location]", "metadata.annotations[backstage.io/orphan]"}},
		{"location without targets", func(e *catalog.Entity) {
			e.Kind = catalog.KindLocation
			e.Spec = map[string]any{}
		}, []string{"spec.targets"}},
		{"location with targets", func(e *catalog.Entity) {
			e.Kind = catalog.KindLocation
			e.Spec = map[string]any{"targets": []string{"./a.yaml"}}
		}, nil},
		{"resource ok", func(e *catalog.Entity) {
			e.Kind = catalog.KindResource
			delete(e.Spec, "lifecycle")
		}, nil},
		{"system needs owner", func(e *catalog.Entity) {
			e.Kind = catalog.KindSystem
			e.Spec = map[string]any{"type": "discipline"}
		}, []string{"spec.owner"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := good()
			tt.edit(&e)
			var fields []string
			for _, err := range catalog.Validate(&e) {
				var fe *catalog.FieldError
				if !errors.As(err, &fe) {
					t.Fatalf("error %v is not a *FieldError", err)
				}
				if fe.Entity != e.Ref() || fe.Msg == "" {
					t.Errorf("error %q: entity %q (want %q), msg %q", err, fe.Entity, e.Ref(), fe.Msg)
				}
				fields = append(fields, fe.Field)
			}
			if strings.Join(fields, ",") != strings.Join(tt.fields, ",") {
				t.Errorf("fields = %q, want %q", fields, tt.fields)
			}
		})
	}
}

func TestValidateAllowedKinds(t *testing.T) {
	e := good()
	e.Kind = catalog.KindGroup
	e.Spec = map[string]any{"type": "team", "children": []any{}}
	if errs := catalog.ValidateWith(&e, catalog.ValidateOptions{AllowedKinds: []string{"Group"}}); len(errs) != 0 {
		t.Errorf("group allowed: %v", errs)
	}
	if errs := catalog.Validate(&e); len(errs) != 1 {
		t.Errorf("group not allowed by default: %v", errs)
	}
}

func TestValidateAllDuplicates(t *testing.T) {
	a, b, c := good(), good(), good()
	b.Metadata.Name = strings.ToUpper(b.Metadata.Name)
	c.Kind = catalog.KindResource
	delete(c.Spec, "lifecycle")
	err := catalog.ValidateAll([]catalog.Entity{a, b, c})
	if err == nil || !strings.Contains(err.Error(), "duplicate") {
		t.Fatalf("ValidateAll = %v, want a duplicate error", err)
	}
	if got := strings.Count(err.Error(), "duplicate"); got != 1 {
		t.Errorf("%d duplicate errors, want 1: %v", got, err)
	}
	if err := catalog.ValidateAll([]catalog.Entity{a, c}); err != nil {
		t.Errorf("ValidateAll(distinct) = %v", err)
	}
}

func TestParseRef(t *testing.T) {
	tests := []struct {
		ref, kind, ns, name string
		ok                  bool
	}{
		{"resource:pathways/x", "resource", "pathways", "x", true},
		{"pathways/x", "", "pathways", "x", true},
		{"x", "", "", "x", true},
		{"group:x", "group", "", "x", true},
		{"a/b:c", "", "a", "b:c", true},
		{":x", "", "", "x", false},
		{"k:/x", "k", "", "x", false},
		{"k:ns/", "k", "ns", "", false},
	}
	for _, tt := range tests {
		k, ns, n, ok := catalog.ParseRef(tt.ref)
		if k != tt.kind || ns != tt.ns || n != tt.name || ok != tt.ok {
			t.Errorf("ParseRef(%q) = %q %q %q %v, want %q %q %q %v", tt.ref, k, ns, n, ok, tt.kind, tt.ns, tt.name, tt.ok)
		}
	}
}

// corpusVerdicts validates every corpus file; a file that does not decode
// into an Entity is rejected.
func corpusVerdicts(t *testing.T, dir string) map[string][]error {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) < 12 {
		t.Fatalf("corpus: %d files, %v", len(files), err)
	}
	out := map[string][]error{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var e catalog.Entity
		if err := yaml.UnmarshalStrict(data, &e); err != nil {
			out[filepath.Base(f)] = []error{err}
			continue
		}
		out[filepath.Base(f)] = catalog.Validate(&e)
	}
	return out
}

// TestCorpusNames checks the corpus against its file names (good-* are
// accepted, bad-* rejected) without the harness.
func TestCorpusNames(t *testing.T) {
	for name, errs := range corpusVerdicts(t, "testdata/corpus") {
		if wantOK := strings.HasPrefix(name, "good-"); wantOK != (len(errs) == 0) {
			t.Errorf("%s: errors %v", name, errs)
		}
	}
}

// TestCorpusAgainstCatalog is the differential test: for every corpus file
// our verdict must equal the real catalog's.
func TestCorpusAgainstCatalog(t *testing.T) {
	harness := catalogtest.Harness(t)
	dir, err := filepath.Abs("testdata/corpus")
	if err != nil {
		t.Fatal(err)
	}
	ours := corpusVerdicts(t, dir)
	rep := catalogtest.Run(t, harness, dir, "--allow-kinds", strings.Join(catalog.DefaultAllowedKinds(), ","))
	seen := map[string]bool{}
	for _, f := range rep.Files {
		name := filepath.Base(f.File)
		errs, ok := ours[name]
		if !ok {
			continue // e.g. a Location target outside the corpus
		}
		seen[name] = true
		theirs := len(f.Errors) == 0 && len(f.Accepted) > 0
		if mine := len(errs) == 0; mine != theirs {
			t.Errorf("%s: we say accepted=%v (%v), the catalog says accepted=%v (%v)", name, mine, errs, theirs, f.Errors)
		}
	}
	var missing []string
	for name := range ours {
		if !seen[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("the harness reported no verdict for %v", missing)
	}
}
