package githubsync

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pathwaysync/pathwaysync/internal/ghemu"
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

func TestFitTruncatesSafely(t *testing.T) {
	line := "- modified pathways/ünïcødé-éèê/docs/index.md\n"
	long := "<details><summary>x</summary>\n\n" + strings.Repeat(line, 4000) + "</details>\n"
	out := fit(long, "https://example.com/compare/a...b", maxMarkerLen)
	if len(out)+maxMarkerLen > maxBody || !strings.Contains(out, "</details>") || !utf8.ValidString(out) {
		t.Errorf("len %d", len(out))
	}
	if short := fit("abc\n", "u", maxMarkerLen); short != "abc\n" {
		t.Errorf("short body changed: %q", short)
	}
}
