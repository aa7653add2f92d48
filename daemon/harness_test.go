package daemon

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pathwaysync/pathwaysync/catalogapi"
)

// findHarness returns the path of the Backstage harness's run.sh:
// $PATHWAYSYNC_HARNESS (the script or its folder), else the first
// shared/backstage-harness/run.sh found walking up from the test's folder.
func findHarness(t *testing.T) string {
	t.Helper()
	if env := os.Getenv("PATHWAYSYNC_HARNESS"); env != "" {
		if fi, err := os.Stat(env); err == nil && fi.IsDir() {
			env = filepath.Join(env, "run.sh")
		}
		return env
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "backstage-harness", "run.sh")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("Backstage harness not found: set PATHWAYSYNC_HARNESS or provide ../shared/backstage-harness (use -short to skip)")
		}
		dir = parent
	}
}

// realEntities runs the real catalog backend over dir and returns the
// entities its API served.
func realEntities(t *testing.T, dir string) []map[string]any {
	t.Helper()
	out := filepath.Join(t.TempDir(), "entities.json")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, findHarness(t), "--entities-out", out, abs)
	report, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("harness: %v\nreport: %s\nstderr: %s", err, report, stderr)
	}
	var rep struct {
		OK bool `json:"ok"`
	}
	if err := json.Unmarshal(report, &rep); err != nil || !rep.OK {
		t.Fatalf("harness did not accept the testdata tree: %s", report)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var ents []map[string]any
	if err := json.Unmarshal(b, &ents); err != nil {
		t.Fatal(err)
	}
	return ents
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// TestReadAPIMatchesBackstage loads the testdata tree into the real
// catalog backend and into our read API and compares the entities: the
// same fields, metadata (uid and etag present, values aside; managed-by
// annotations present, their location values aside), spec and relations.
func TestReadAPIMatchesBackstage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real Backstage catalog backend")
	}
	real := realEntities(t, "testdata/catalog")
	srv := serveSnapshot(t, testOutcome(t), Options{PublicURL: "https://pathwaysync.example.com"})
	rec := do(srv.Handler(), "GET", "/api/catalog/entities", "", nil)
	var ours []map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &ours); err != nil {
		t.Fatal(err)
	}
	ref := func(e map[string]any) string {
		md := e["metadata"].(map[string]any)
		return strings.ToLower(e["kind"].(string) + ":" + md["namespace"].(string) + "/" + md["name"].(string))
	}
	oursBy := map[string]map[string]any{}
	for _, e := range ours {
		oursBy[ref(e)] = e
	}
	if len(ours) != len(real) {
		t.Fatalf("we serve %d entities, the catalog %d", len(ours), len(real))
	}
	for _, re := range real {
		r := ref(re)
		t.Run(r, func(t *testing.T) {
			oe := oursBy[r]
			if oe == nil {
				t.Fatalf("we do not serve %s", r)
			}
			if a, b := keys(re), keys(oe); !reflect.DeepEqual(a, b) {
				t.Errorf("top-level fields: catalog %v, ours %v", a, b)
			}
			rmd, omd := re["metadata"].(map[string]any), oe["metadata"].(map[string]any)
			if a, b := keys(rmd), keys(omd); !reflect.DeepEqual(a, b) {
				t.Errorf("metadata fields: catalog %v, ours %v", a, b)
			}
			if uid, _ := omd["uid"].(string); !uuidRE.MatchString(uid) {
				t.Errorf("uid %q is not a UUID", uid)
			}
			if etag, _ := omd["etag"].(string); etag == "" {
				t.Error("no etag")
			}
			for k := range rmd {
				switch k {
				case "uid", "etag":
					continue
				case "annotations":
					ra, oa := rmd[k].(map[string]any), omd[k].(map[string]any)
					if a, b := keys(ra), keys(oa); !reflect.DeepEqual(a, b) {
						t.Errorf("annotation keys: catalog %v, ours %v", a, b)
					}
					for ak, av := range ra {
						if ak == catalogapi.ManagedByAnnotation || ak == catalogapi.OriginAnnotation {
							continue
						}
						if oa[ak] != av {
							t.Errorf("annotation %s: catalog %v, ours %v", ak, av, oa[ak])
						}
					}
				default:
					if !reflect.DeepEqual(rmd[k], omd[k]) {
						t.Errorf("metadata.%s: catalog %v, ours %v", k, rmd[k], omd[k])
					}
				}
			}
			if !reflect.DeepEqual(re["spec"], oe["spec"]) {
				t.Errorf("spec: catalog %v, ours %v", re["spec"], oe["spec"])
			}
			if a, b := relations(re), relations(oe); !reflect.DeepEqual(a, b) {
				t.Errorf("relations:\ncatalog %v\nours    %v", a, b)
			}
		})
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// relations returns "type targetRef" pairs, sorted; a missing array is nil
// and an empty one is empty (the catalog always sends the array).
func relations(e map[string]any) []string {
	list, ok := e["relations"].([]any)
	if !ok {
		return nil
	}
	out := []string{}
	for _, r := range list {
		m := r.(map[string]any)
		out = append(out, m["type"].(string)+" "+m["targetRef"].(string))
	}
	sort.Strings(out)
	return out
}

// TestCatalogYAMLAcceptedByBackstage registers our /catalog-info.yaml with
// the real catalog: every entity in it must be accepted.
func TestCatalogYAMLAcceptedByBackstage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real Backstage catalog backend")
	}
	srv := serveSnapshot(t, testOutcome(t), Options{PublicURL: "https://pathwaysync.example.com"})
	rec := do(srv.Handler(), "GET", "/catalog-info.yaml", "", nil)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "catalog-info.yaml"), rec.Body.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	real := realEntities(t, dir)
	var got []string
	for _, e := range real {
		md := e["metadata"].(map[string]any)
		got = append(got, strings.ToLower(e["kind"].(string)+":"+md["namespace"].(string)+"/"+md["name"].(string)))
	}
	sort.Strings(got)
	want := []string{compRef, interRef, seniorRef, sysRef}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("catalog accepted %v, want %v", got, want)
	}
}
