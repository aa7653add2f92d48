package githubsync

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pathwaysync/pathwaysync/internal/ghemu"
	"github.com/pathwaysync/pathwaysync/manifest"
	"github.com/pathwaysync/pathwaysync/pathway"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestRequestBudget checks that requests do not grow with the number of
// pathways. With files that carry the full content: an unchanged rerun
// takes at most 3 requests and no write; a one-pathway change of the
// open PR at most 10 (branch, subtree, pulls, the pathway's old file on
// the base and on the PR's previous head, tree, commit, ref, the delta
// comment, the PR edit); a change of every pathway at most 40 (the
// description reads at most 20 old files for the body, the manifest, the
// previous head's listing and 10 old files for the comment). With files
// of an older exporter (counts only), a change is at most 8. Under
// github.com's create-tree limit, the tree costs one request per
// Options.TreeRequestBytes of changed content, and a file over that (the
// manifest of a large catalog) one blob upload: one more request.
func TestRequestBudget(t *testing.T) {
	sizes := []int{1, 100, 1000}
	if testing.Short() {
		sizes = sizes[:2]
	}
	for _, n := range sizes {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			v := newEnv(t)
			v.e.SetCreateTreeLimit(ghemu.GitHubCreateTreeBytes, 422)
			base := samples(n)
			v.seedBase(renderTree(base))
			p := v.publisher(nil, func(o *Options) { o.BaseBranch = "" })
			v1 := clone(base)
			v1[0].Skills = v1[0].Skills[1:]
			v.publish(p, renderTree(v1)) // opens the PR
			unchanged := v.publish(p, renderTree(v1))
			if unchanged.Action != "unchanged" || unchanged.Requests > 3 || unchanged.Writes != 0 {
				t.Errorf("unchanged rerun: %s, %d requests, %d writes", unchanged.Action, unchanged.Requests, unchanged.Writes)
			}
			// The same pathway again, then another one.
			v2 := clone(v1)
			v2[0].Duration = pathway.Duration{Text: "18-30 months"}
			v3 := clone(v2)
			v3[n-1].Summary = "Changed again."
			for i, files := range []map[string][]byte{renderTree(v2), renderTree(v3)} {
				res := v.publish(p, files)
				limit := 10
				if len(files[manifest.FileName]) > DefaultTreeRequestBytes-len(testPath)-100 {
					limit++ // the manifest is uploaded as a blob
				}
				if res.Action != "updated" || res.Requests > limit || len(deltaComments(v.pulls()[0])) != i+1 {
					t.Errorf("one-pathway change %d: %s, %d requests, comments %d", i, res.Action, res.Requests, len(v.pulls()[0].Comments))
				}
				t.Logf("%d pathways: unchanged %d requests, one-pathway change %d requests/%d writes", n, unchanged.Requests, res.Requests, res.Writes)
			}
			all := clone(v3)
			for i := range all {
				all[i].Skills = append(all[i].Skills, "Everyone learns this")
			}
			files := renderTree(all)
			if res := v.publish(p, files); res.Action != "updated" || res.Requests > 40 {
				t.Errorf("every pathway changed: %s, %d requests", res.Action, res.Requests)
			} else {
				t.Logf("%d pathways all changed: %d requests", n, res.Requests)
			}
			v.checkBranch("pathwaysync/update", "main", files)

			// An older exporter's files: counts only.
			w := newEnv(t)
			w.seedBase(tree(n, 0))
			q := w.publisher(nil)
			w.publish(q, tree(n, 1))
			if res := w.publish(q, tree(n, 2)); res.Action != "updated" || res.Requests > 8 {
				t.Errorf("counts-only change: %s, %d requests", res.Action, res.Requests)
			}
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
			c, _ := NewClient(o)
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
