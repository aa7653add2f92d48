package daemon

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pathwaysync/pathwaysync/catalogapi"
)

const (
	compRef   = "component:pathways/intermediate-platform-engineer-to-senior-platform-engineer"
	sysRef    = "system:pathways/platform-engineering"
	locRef    = "location:pathways/pathwaysync"
	seniorRef = "resource:pathways/senior-platform-engineer"
	interRef  = "resource:pathways/intermediate-platform-engineer"
)

func TestEntitiesFilter(t *testing.T) {
	srv := serveSnapshot(t, testOutcome(t), Options{})
	tests := []struct {
		query string
		want  []string // sorted refs
	}{
		{"", []string{compRef, locRef, interRef, seniorRef, sysRef}},
		{"filter=kind=component", []string{compRef}},
		{"filter=kind=Resource,spec.type=role-archetype", []string{interRef, seniorRef}},
		{"filter=kind=system&filter=kind=location", []string{locRef, sysRef}},
		{"filter=kind=system,kind=location", []string{locRef, sysRef}},
		{"filter=metadata.namespace=PATHWAYS,kind=component", []string{compRef}},
		{"filter=relations.ownedBy=group:pathways/platform-guild", []string{compRef, interRef, seniorRef, sysRef}},
		{"filter=relations.hasPart", []string{sysRef}},
		{"filter=metadata.tags.learning-pathway", []string{compRef, sysRef}},
		{"filter=spec.dependsOn", []string{compRef}},
		{"filter=metadata.annotations.backstage.io/techdocs-ref=dir:.", []string{compRef}},
		{"filter=metadata.name=senior-platform-engineer", []string{seniorRef}},
		{"filter=kind=api", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			rec := do(srv.Handler(), "GET", "/api/catalog/entities?"+tt.query, "", nil)
			if rec.Code != 200 {
				t.Fatalf("code %d: %s", rec.Code, rec.Body)
			}
			got := entityNames(t, rec.Body.Bytes())
			sortStrings(got)
			if !reflect.DeepEqual(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			if tt.want == nil && strings.TrimSpace(rec.Body.String()) != "[]" {
				t.Fatalf("empty result body = %q, want []", rec.Body)
			}
		})
	}
}

func sortStrings(s []string) {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
}

func TestEntitiesFieldsAndErrors(t *testing.T) {
	srv := serveSnapshot(t, testOutcome(t), Options{})
	h := srv.Handler()
	rec := do(h, "GET", "/api/catalog/entities?filter=kind=component&fields=kind,metadata.name&fields=metadata.annotations.backstage.io/techdocs-ref,spec.nope", "", nil)
	want := `[{"kind":"Component","metadata":{"annotations":{"backstage.io/techdocs-ref":"dir:."},"name":"intermediate-platform-engineer-to-senior-platform-engineer"}}]`
	if got := rec.Body.String(); got != want {
		t.Fatalf("projection:\n got %s\nwant %s", got, want)
	}
	errs := []struct {
		target, msg string
	}{
		{"/api/catalog/entities?filter==x", "Invalid filter, '=x' is not a valid statement (expected a string on the form a=b or a= or a)"},
		{"/api/catalog/entities?limit=0", "Invalid limit, must be greater than zero"},
		{"/api/catalog/entities?offset=-1", "Invalid offset, must be zero or greater"},
		{"/api/catalog/entities?after=%25%25", "Malformed after cursor, could not be parsed"},
		{"/api/catalog/entities?order=up:x", `Invalid order parameter "up:x", expected "<asc or desc>:<field name>"`},
		{"/api/catalog/entities?fields=spec.list[0]", `Invalid field "spec.list[0]", array type fields are not supported`},
		{"/api/catalog/entity-facets", "Missing facet parameter"},
	}
	for _, e := range errs {
		rec := do(h, "GET", e.target, "", nil)
		wantBody := map[string]any{
			"error":    map[string]any{"name": "InputError", "message": e.msg},
			"request":  map[string]any{"method": "GET", "url": strings.TrimPrefix(e.target, "/api/catalog")},
			"response": map[string]any{"statusCode": float64(400)},
		}
		var got map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != 400 || !reflect.DeepEqual(got, wantBody) {
			t.Errorf("%s: %d %s\nwant 400 %v", e.target, rec.Code, rec.Body, wantBody)
		}
	}
}

func TestEntitiesPaging(t *testing.T) {
	srv := serveSnapshot(t, testOutcome(t), Options{})
	h := srv.Handler()
	var all []string
	target := "/api/catalog/entities?fields=kind,metadata&limit=2"
	for pages := 0; target != ""; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		rec := do(h, "GET", target, "", nil)
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", target, rec.Code, rec.Body)
		}
		all = append(all, entityNames(t, rec.Body.Bytes())...)
		target = ""
		if link := rec.Header().Get("Link"); link != "" {
			if !strings.HasPrefix(link, "</entities?fields=kind%2Cmetadata&limit=2&after=") || !strings.HasSuffix(link, `>; rel="next"`) {
				t.Fatalf("link = %q", link)
			}
			target = "/api/catalog" + strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`)
		}
	}
	want := []string{compRef, locRef, interRef, seniorRef, sysRef} // entity-ref order
	if !reflect.DeepEqual(all, want) {
		t.Fatalf("pages = %v, want %v", all, want)
	}
	rec := do(h, "GET", "/api/catalog/entities?offset=4&limit=2", "", nil)
	if got := entityNames(t, rec.Body.Bytes()); !reflect.DeepEqual(got, []string{sysRef}) || rec.Header().Get("Link") != "" {
		t.Fatalf("offset=4: %v link %q", got, rec.Header().Get("Link"))
	}
	rec = do(h, "GET", "/api/catalog/entities?order=desc:metadata.name&filter=kind=resource", "", nil)
	if got := entityNames(t, rec.Body.Bytes()); !reflect.DeepEqual(got, []string{seniorRef, interRef}) {
		t.Fatalf("order desc = %v", got)
	}
}

func TestByQuery(t *testing.T) {
	srv := serveSnapshot(t, testOutcome(t), Options{})
	h := srv.Handler()
	type page struct {
		Items      []map[string]any  `json:"items"`
		TotalItems int               `json:"totalItems"`
		PageInfo   map[string]string `json:"pageInfo"`
	}
	get := func(q string) (page, map[string]any) {
		t.Helper()
		rec := do(h, "GET", "/api/catalog/entities/by-query?"+q, "", nil)
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", q, rec.Code, rec.Body)
		}
		var p page
		var raw map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &raw)
		return p, raw
	}
	names := func(p page) []string {
		var out []string
		for _, it := range p.Items {
			out = append(out, it["metadata"].(map[string]any)["name"].(string))
		}
		return out
	}
	p1, raw := get("orderField=metadata.name,asc&limit=2")
	if !reflect.DeepEqual(keys(raw), []string{"items", "pageInfo", "totalItems"}) {
		t.Fatalf("by-query keys = %v", keys(raw))
	}
	if p1.TotalItems != 5 || !reflect.DeepEqual(names(p1), []string{"intermediate-platform-engineer", "intermediate-platform-engineer-to-senior-platform-engineer"}) {
		t.Fatalf("page 1 = %v total %d", names(p1), p1.TotalItems)
	}
	if p1.PageInfo["prevCursor"] != "" || p1.PageInfo["nextCursor"] == "" {
		t.Fatalf("page 1 pageInfo = %v", p1.PageInfo)
	}
	p2, _ := get("limit=2&cursor=" + p1.PageInfo["nextCursor"])
	if !reflect.DeepEqual(names(p2), []string{"pathwaysync", "platform-engineering"}) || p2.TotalItems != 5 {
		t.Fatalf("page 2 = %v", names(p2))
	}
	if p2.PageInfo["prevCursor"] == "" || p2.PageInfo["nextCursor"] == "" {
		t.Fatalf("page 2 pageInfo = %v", p2.PageInfo)
	}
	p3, _ := get("limit=2&cursor=" + p2.PageInfo["nextCursor"])
	if !reflect.DeepEqual(names(p3), []string{"senior-platform-engineer"}) || p3.PageInfo["nextCursor"] != "" {
		t.Fatalf("page 3 = %v %v", names(p3), p3.PageInfo)
	}
	back, _ := get("limit=2&cursor=" + p3.PageInfo["prevCursor"])
	if !reflect.DeepEqual(names(back), names(p2)) {
		t.Fatalf("prev of page 3 = %v, want %v", names(back), names(p2))
	}
	first, _ := get("limit=2&cursor=" + p2.PageInfo["prevCursor"])
	if !reflect.DeepEqual(names(first), names(p1)) || first.PageInfo["prevCursor"] != "" {
		t.Fatalf("prev of page 2 = %v %v", names(first), first.PageInfo)
	}

	desc, _ := get("orderField=metadata.name,desc&filter=kind=resource&fields=metadata.name")
	if !reflect.DeepEqual(names(desc), []string{"senior-platform-engineer", "intermediate-platform-engineer"}) || desc.TotalItems != 2 {
		t.Fatalf("desc = %v", names(desc))
	}
	if len(desc.Items[0]) != 1 {
		t.Fatalf("fields not applied: %v", desc.Items[0])
	}
	ft, _ := get("fullTextFilterTerm=SENIOR&fullTextFilterFields=metadata.name&orderField=metadata.name,asc")
	if !reflect.DeepEqual(names(ft), []string{"intermediate-platform-engineer-to-senior-platform-engineer", "senior-platform-engineer"}) {
		t.Fatalf("full text = %v", names(ft))
	}
	ex, _ := get("totalItems=exclude&limit=1")
	if ex.TotalItems != 0 || len(ex.Items) != 1 {
		t.Fatalf("totalItems=exclude: %+v", ex)
	}
	missing, _ := get("orderField=spec.lifecycle,asc")
	if missing.TotalItems != 1 {
		t.Fatalf("entities without the order field must be left out: %d", missing.TotalItems)
	}
	if rec := do(h, "GET", "/api/catalog/entities/by-query?cursor=bm9wZQ==", "", nil); rec.Code != 400 {
		t.Fatalf("bad cursor: %d", rec.Code)
	}
}

func TestByNameUIDRefs(t *testing.T) {
	srv := serveSnapshot(t, testOutcome(t), Options{})
	h := srv.Handler()
	rec := do(h, "GET", "/api/catalog/entities/by-name/Component/PATHWAYS/Intermediate-Platform-Engineer-to-Senior-Platform-Engineer", "", nil)
	if rec.Code != 200 {
		t.Fatalf("by-name: %d", rec.Code)
	}
	var e map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &e)
	uid := e["metadata"].(map[string]any)["uid"].(string)
	if uid != catalogapi.UID(compRef) {
		t.Fatalf("uid %s not derived from the ref", uid)
	}
	if rec := do(h, "GET", "/api/catalog/entities/by-uid/"+uid, "", nil); rec.Code != 200 {
		t.Fatalf("by-uid: %d", rec.Code)
	}
	nf := []struct{ target, msg string }{
		{"/api/catalog/entities/by-name/component/default/Nope", "No entity named 'Nope' found, with kind 'component' in namespace 'default'"},
		{"/api/catalog/entities/by-uid/123", "No entity with uid 123"},
	}
	for _, c := range nf {
		rec := do(h, "GET", c.target, "", nil)
		want := `{"error":{"message":"` + c.msg + `","name":"NotFoundError"},"request":{"method":"GET","url":"` + strings.TrimPrefix(c.target, "/api/catalog") + `"},"response":{"statusCode":404}}`
		if rec.Code != 404 || rec.Body.String() != want {
			t.Errorf("%s: %d %s\nwant %s", c.target, rec.Code, rec.Body, want)
		}
	}

	rec = do(h, "POST", "/api/catalog/entities/by-refs", `{"entityRefs":["System:Pathways/Platform-Engineering","component:default/missing","`+seniorRef+`"],"fields":["metadata.name"]}`, map[string]string{"Content-Type": "application/json"})
	want := `{"items":[{"metadata":{"name":"platform-engineering"}},null,{"metadata":{"name":"senior-platform-engineer"}}]}`
	if rec.Code != 200 || rec.Body.String() != want {
		t.Fatalf("by-refs: %d %s\nwant %s", rec.Code, rec.Body, want)
	}
	rec = do(h, "POST", "/api/catalog/entities/by-refs?filter=kind=resource", `{"entityRefs":["`+sysRef+`","`+seniorRef+`"]}`, nil)
	var got struct{ Items []any }
	_ = json.Unmarshal(rec.Body.Bytes(), &got)
	if len(got.Items) != 2 || got.Items[0] != nil || got.Items[1] == nil {
		t.Fatalf("by-refs with filter: %s", rec.Body)
	}
	rec = do(h, "POST", "/api/catalog/entities/by-refs", `{"refs":[]}`, nil)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "Malformed request body") {
		t.Fatalf("bad by-refs body: %d %s", rec.Code, rec.Body)
	}
}

func TestFacets(t *testing.T) {
	srv := serveSnapshot(t, testOutcome(t), Options{})
	rec := do(srv.Handler(), "GET", "/api/catalog/entity-facets?facet=kind&facet=spec.type&facet=metadata.tags&filter=metadata.namespace=pathways", "", nil)
	want := `{"facets":{"kind":[{"value":"Component","count":1},{"value":"Location","count":1},{"value":"Resource","count":2},{"value":"System","count":1}],` +
		`"metadata.tags":[{"value":"learning-pathway","count":2},{"value":"platform","count":1}],` +
		`"spec.type":[{"value":"learning-pathway","count":1},{"value":"role-archetype","count":2}]}}`
	if rec.Code != 200 || rec.Body.String() != want {
		t.Fatalf("facets: %d\n got %s\nwant %s", rec.Code, rec.Body, want)
	}
	rec = do(srv.Handler(), "GET", "/api/catalog/entity-facets?facet=spec.type&filter=kind=resource", "", nil)
	if want := `{"facets":{"spec.type":[{"value":"role-archetype","count":2}]}}`; rec.Body.String() != want {
		t.Fatalf("filtered facets: %s", rec.Body)
	}
}

// golden compares got with testdata/golden/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if string(got) != string(want) {
		t.Fatalf("%s differs from golden:\n%s", name, got)
	}
}

func TestCatalogInfoYAML(t *testing.T) {
	srv := serveSnapshot(t, testOutcome(t), Options{PublicURL: "https://pathwaysync.example.com"})
	rec := do(srv.Handler(), "GET", "/catalog-info.yaml", "", nil)
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/yaml") {
		t.Fatalf("code %d type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	body := rec.Body.String()
	for _, bad := range []string{"uid:", "etag:", "relations:", "managed-by-location", "kind: Location"} {
		if strings.Contains(body, bad) {
			t.Errorf("catalog-info.yaml contains %q", bad)
		}
	}
	golden(t, "catalog-info.yaml", rec.Body.Bytes())
	etag := rec.Header().Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	for _, inm := range []string{etag, "W/" + etag, `"x", ` + etag, "*"} {
		if rec := do(srv.Handler(), "GET", "/catalog-info.yaml", "", map[string]string{"If-None-Match": inm}); rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("If-None-Match %s: %d", inm, rec.Code)
		}
	}
	if rec := do(srv.Handler(), "GET", "/catalog-info.yaml", "", map[string]string{"If-None-Match": `"other"`}); rec.Code != 200 {
		t.Errorf("stale If-None-Match: %d", rec.Code)
	}
}

func TestLearningPaths(t *testing.T) {
	out := testOutcome(t)
	srv := serveSnapshot(t, out, Options{TechDocsBaseURL: "https://backstage.example.com/docs/"})
	rec := do(srv.Handler(), "GET", "/api/learning-paths", "", nil)
	golden(t, "learning-paths.json", rec.Body.Bytes())
	var lps []map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &lps); err != nil || len(lps) != 1 {
		t.Fatalf("decode: %v %s", err, rec.Body)
	}
	if got := lps[0]["url"]; got != "https://backstage.example.com/docs/pathways/component/intermediate-platform-engineer-to-senior-platform-engineer" {
		t.Errorf("url = %v", got)
	}
	for k := range lps[0] {
		switch k {
		case "label", "url", "description", "hours", "minutes", "paths":
		default:
			t.Errorf("field %q is not in the RHDH LearningPathLink shape", k)
		}
	}
	if lps[0]["paths"] != float64(2) {
		t.Errorf("paths = %v, want the 2 focus areas", lps[0]["paths"])
	}
}

func TestStatusPageEscapes(t *testing.T) {
	out := testOutcome(t)
	out.Pathways[0].Title = `<script>alert(1)</script>`
	out.Pathways[0].Source = `javascript:alert(1)`
	srv := serveSnapshot(t, out, Options{})
	srv.mu.Lock()
	srv.pushHistory(syncRecord{ID: "abc", Reason: "api", Outcome: "failure", Error: `<img src=x onerror=alert(1)>`})
	srv.lastPR = prInfo{Action: "created", Number: 7, URL: "https://github.com/o/r/pull/7"}
	srv.mu.Unlock()
	rec := do(srv.Handler(), "GET", "/", "", nil)
	body := rec.Body.String()
	if rec.Code != 200 || strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") || strings.Contains(body, "javascript:") {
		t.Fatalf("status page not escaped:\n%s", body)
	}
	for _, want := range []string{"&lt;script&gt;", `href="https://github.com/o/r/pull/7"`, "abc"} {
		if !strings.Contains(body, want) {
			t.Errorf("status page lacks %q", want)
		}
	}
	if rec := do(srv.Handler(), "GET", "/nope", "", nil); rec.Code != 404 {
		t.Errorf("/nope = %d", rec.Code)
	}
	if rec := do(srv.Handler(), "GET", "/healthz", "", nil); rec.Code != 200 {
		t.Errorf("/healthz = %d", rec.Code)
	}
}

func TestCatalogInfoYAMLGzip(t *testing.T) {
	srv := serveSnapshot(t, testOutcome(t), Options{})
	plain := do(srv.Handler(), "GET", "/catalog-info.yaml", "", nil)
	rec := do(srv.Handler(), "GET", "/catalog-info.yaml", "", map[string]string{"Accept-Encoding": "br, gzip"})
	if rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("no gzip encoding: %v", rec.Header())
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil || string(got) != plain.Body.String() {
		t.Fatalf("gzip body differs from plain (%v)", err)
	}
	if rec := do(srv.Handler(), "GET", "/catalog-info.yaml", "", map[string]string{"Accept-Encoding": "gzip;q=0"}); rec.Header().Get("Content-Encoding") != "" {
		t.Fatal("gzip sent despite q=0")
	}
	etag := rec.Header().Get("ETag")
	if rec := do(srv.Handler(), "GET", "/catalog-info.yaml", "", map[string]string{"If-None-Match": etag}); rec.Code != 304 {
		t.Fatalf("weak gzip etag not honoured: %d", rec.Code)
	}
}
