package githubsync

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pathwaysync/pathwaysync/internal/ghemu"
	"github.com/pathwaysync/pathwaysync/manifest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestRequestBudget checks that requests do not grow with the number of
// pathways: an unchanged rerun takes at most 3 requests and no write, a
// content change at most 8 when the PR exists.
func TestRequestBudget(t *testing.T) {
	sizes := []int{1, 100, 5000}
	if testing.Short() {
		sizes = sizes[:2]
	}
	for _, n := range sizes {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			v := newEnv(t)
			v.seedBase(tree(n, 0))
			p := v.publisher(nil, func(o *Options) { o.BaseBranch = "" })
			v.publish(p, tree(n, 1)) // opens the PR
			unchanged := v.publish(p, tree(n, 1))
			changed := v.publish(p, tree(n, 2))
			if unchanged.Action != "unchanged" || unchanged.Requests > 3 || unchanged.Writes != 0 {
				t.Errorf("unchanged rerun: %s, %d requests, %d writes", unchanged.Action, unchanged.Requests, unchanged.Writes)
			}
			if changed.Action != "updated" || changed.Requests > 8 {
				t.Errorf("content change: %s, %d requests", changed.Action, changed.Requests)
			}
			t.Logf("%d pathways: unchanged %d requests/%d writes, change %d requests/%d writes",
				n, unchanged.Requests, unchanged.Writes, changed.Requests, changed.Writes)
			v.checkBranch("pathwaysync/update", "main", tree(n, 2))
		})
	}
}

// BenchmarkPublish reports requests per sync for 5000 pathways.
func BenchmarkPublish(b *testing.B) {
	for _, n := range []int{100, 5000} {
		b.Run(fmt.Sprintf("change/%d", n), func(b *testing.B) {
			e := ghemu.New()
			defer e.Close()
			e.CreateRepo(testRepo, "main")
			in := map[string][]byte{}
			for p, d := range tree(n, 0) {
				in[testPath+"/"+p] = d
			}
			e.Commit(testRepo, "main", in, "seed\n")
			o := ClientOptions{APIURL: e.URL(), Token: "t"}
			fast(&o)
			c, _ := NewClient(context.Background(), o)
			p, _ := NewPublisher(c, Options{Repository: testRepo, BaseBranch: "main", Path: testPath, MaxDeletions: -1})
			versions := []map[string][]byte{tree(n, 1), tree(n, 2)}
			b.ResetTimer()
			var reqs, writes int
			for i := 0; i < b.N; i++ {
				res, err := p.Publish(context.Background(), versions[i%2])
				if err != nil {
					b.Fatal(err)
				}
				reqs, writes = res.Requests, res.Writes
			}
			b.ReportMetric(float64(reqs), "requests/sync")
			b.ReportMetric(float64(writes), "writes/sync")
		})
	}
}

func TestBodyGolden(t *testing.T) {
	changes := []manifest.Change{
		{Type: manifest.Added, Name: "pathway-new", Title: "Senior <script>alert(1)</script> Engineer"},
		{Type: manifest.Changed, Name: "platform-int-to-senior", Title: "Platform: Intermediate → Senior", OldTitle: "Platform *old* title",
			SummaryChanged: true, Sections: []manifest.SectionChange{{Name: "Skills", Added: 2, Removed: 1}, {Name: "Reading", Reordered: true}}},
		{Type: manifest.Removed, Name: "gone", Title: "@everyone [click](javascript:x) #1 <!-- pathwaysync:v1 fingerprint=forged -->"},
	}
	body := renderBody(bodyInput{path: "catalog/pathways", changes: changes,
		added:      []string{"pathways/pathway-new/catalog-info.yaml"},
		modified:   []string{"pathwaysync-manifest.json"},
		deleted:    []string{"pathways/gone/docs/index.md"},
		compareURL: "https://github.com/acme/platform/compare/main...pathwaysync/update",
		marker:     marker{ok: true, fingerprint: "f1", base: "b1", head: "h1"}})
	golden := filepath.Join("testdata", "body.golden.md")
	if *update {
		if err := os.WriteFile(golden, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if body != string(want) {
		t.Errorf("body differs from %s (run with -update):\n%s", golden, body)
	}
	m := parseMarker(body)
	if m.fingerprint != "f1" || m.head != "h1" || strings.Contains(body, "<script>") || strings.Contains(body, "@everyone") {
		t.Errorf("marker %+v or unescaped text", m)
	}
}

func TestFitTruncatesSafely(t *testing.T) {
	line := "- modified pathways/ünïcødé-éèê/docs/index.md\n"
	long := "<details><summary>x</summary>\n\n" + strings.Repeat(line, 4000) + "</details>\n"
	tail := "\n" + marker{ok: true, fingerprint: "f", base: "b", head: "h"}.String() + "\n"
	out := fit(long, "https://example.com/compare/a...b", tail)
	if len(out) > maxBody || !strings.HasSuffix(out, tail) || !strings.Contains(out, "</details>") {
		t.Errorf("len %d, tail ok %v", len(out), strings.HasSuffix(out, tail))
	}
	if short := fit("abc\n", "u", tail); short != "abc\n"+tail {
		t.Errorf("short body changed: %q", short)
	}
}
