package githubsync

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pathwaysync/pathwaysync/exporter"
	"github.com/pathwaysync/pathwaysync/internal/ghemu"
	"github.com/pathwaysync/pathwaysync/internal/objcache"
	"github.com/pathwaysync/pathwaysync/manifest"
	"github.com/pathwaysync/pathwaysync/pathway"
	"github.com/pathwaysync/pathwaysync/source"
)

// treesRoute is the create-tree route in the emulator's log.
const treesRoute = "POST /repos/{owner}/{repo}/git/trees"

var (
	seedOnce sync.Once
	seedPage string
)

// catalogPathways imports n distinct pathways made from the seed page of
// the examples (9.2 KB of page text, about 12 KB and 11 files of output
// each, as on the real site): real-sized files, not tree()'s stubs.
// variant changes every pathway's text.
func catalogPathways(t testing.TB, n int, variant string) []pathway.Pathway {
	t.Helper()
	seedOnce.Do(func() {
		data, err := os.ReadFile("../examples/pathways/intermediate-platform-engineer-to-senior-platform-engineer.txt")
		if err != nil {
			panic(err)
		}
		seedPage = string(data)
	})
	pages := make(map[string][]byte, n)
	for i := range n {
		const roles = 200
		a := i % roles
		c := (a + 1 + i/roles) % roles
		page := strings.NewReplacer(
			"Intermediate Platform Engineer", fmt.Sprintf("Level %d Practitioner", a),
			"Senior Platform Engineer", fmt.Sprintf("Level %d Practitioner", c),
			"Platform Engineering", fmt.Sprintf("Discipline %d", i%20),
			"Kubernetes", "Kubernetes"+variant,
		).Replace(seedPage)
		pages[fmt.Sprintf("pages/page-%05d.txt", i)] = []byte(page)
	}
	ps, _, err := source.LoadFiles(pages, source.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != n {
		t.Fatalf("imported %d pathways, want %d", len(ps), n)
	}
	return ps
}

// catalogTree renders pathways as the sync command does.
func catalogTree(t testing.TB, ps []pathway.Pathway) map[string][]byte {
	t.Helper()
	res, err := exporter.Render(ps, exporter.Options{})
	if err != nil {
		t.Fatal(err)
	}
	files := make(map[string][]byte, len(res.Files))
	for _, f := range res.Files {
		files[f.Path] = f.Data
	}
	return files
}

// treeAnswers returns a client that records the status of every
// create-tree answer, and a function returning those so far.
func treeAnswers(v *env) (*Client, func() []int) {
	var statuses []int
	var mu sync.Mutex
	c := v.client(func(o *ClientOptions) {
		o.attemptTimeout = 2 * time.Minute // see patient
		o.Observe = func(ri RequestInfo) {
			if ri.Route == treesRoute {
				mu.Lock()
				statuses = append(statuses, ri.Status)
				mu.Unlock()
			}
		}
	})
	return c, func() []int {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(statuses)
	}
}

// treeRequests counts the create-tree requests in the emulator's log.
func treeRequests(e *ghemu.Emulator) int {
	n := 0
	for _, r := range e.Log() {
		if r == treesRoute {
			n++
		}
	}
	return n
}

// checkOneCommit asserts that the bot branch is one commit on main's head.
func (v *env) checkOneCommit() {
	v.t.Helper()
	head, ok := v.e.GetCommit(testRepo, v.e.BranchSHA(testRepo, "pathwaysync/update"))
	if !ok || len(head.Parents) != 1 || head.Parents[0] != v.e.BranchSHA(testRepo, "main") {
		v.t.Errorf("bot branch head %+v is not one commit on main", head)
	}
}

// TestLargeCatalogUnderCreateTreeLimit is a first sync of a realistic
// catalog under github.com's create-tree limit: the tree is built in
// bodies within the budget and committed once, one PR; then a change to
// every pathway likewise, and an unchanged rerun costs 3 requests.
func TestLargeCatalogUnderCreateTreeLimit(t *testing.T) {
	n := 2000
	if testing.Short() {
		n = 300
	}
	v := newEnv(t)
	v.e.SetCreateTreeLimit(ghemu.GitHubCreateTreeBytes, 422)
	p := v.publisher(v.patient())
	ps := catalogPathways(t, n, "")
	files := catalogTree(t, ps)
	var size int
	for _, d := range files {
		size += len(d)
	}
	v.e.ResetStats()
	res := v.publish(p, files)
	trees := treeRequests(v.e)
	if res.Action != ActionCreated || len(v.pulls()) != 1 || len(res.Added) != len(files) {
		t.Fatalf("first sync: %s, %d PRs, %d of %d files added", res.Action, len(v.pulls()), len(res.Added), len(files))
	}
	// Bodies of at most 1 MiB: at least one per MiB of content, and not
	// many more.
	if min := size / DefaultTreeRequestBytes; trees < min || trees > 2*min+2 {
		t.Errorf("%d create-tree requests for %d bytes of files, want about %d", trees, size, min)
	}
	v.checkBranch("pathwaysync/update", "main", files)
	v.checkOneCommit()
	t.Logf("%d pathways, %d files, %.1f MB: first sync %d requests, %d create-tree", n, len(files), float64(size)/1e6, res.Requests, trees)

	if again := v.publish(p, files); again.Action != ActionUnchanged || again.Requests > 3 || again.Writes != 0 {
		t.Errorf("unchanged rerun: %s, %d requests, %d writes", again.Action, again.Requests, again.Writes)
	}

	changed := catalogTree(t, catalogPathways(t, n, " (changed)"))
	v.e.ResetStats()
	res = v.publish(p, changed)
	if res.Action != ActionUpdated || len(v.pulls()) != 1 {
		t.Fatalf("every pathway changed: %s, %d PRs", res.Action, len(v.pulls()))
	}
	v.checkBranch("pathwaysync/update", "main", changed)
	v.checkOneCommit()
	t.Logf("every pathway changed: %d requests, %d create-tree", res.Requests, treeRequests(v.e))

	// Someone changes main outside the folder; then one pathway changes.
	// The PR's folder is grafted onto the new base and only the change is
	// sent: the one-pathway budget (10), the graft and, at 2,000 pathways,
	// the manifest's blob: 12 requests, not the whole catalog again.
	if _, err := v.e.Commit(testRepo, "main", map[string][]byte{"docs/added-later.md": []byte("# added on main\n")}, "Add a page\n"); err != nil {
		t.Fatal(err)
	}
	one := catalogPathways(t, n, " (changed)")
	one[n/2].Skills = append(one[n/2].Skills, "One more skill")
	files = catalogTree(t, one)
	v.e.ResetStats()
	res = v.publish(p, files)
	limit := 10 + 1
	if len(files[manifest.FileName]) > DefaultTreeRequestBytes-len(testPath)-100 {
		limit++
	}
	if res.Action != ActionUpdated || res.Requests > limit || len(res.Added) != len(files) {
		t.Errorf("one pathway changed: %s, %d requests, %d files added to main: %v", res.Action, res.Requests, len(res.Added), v.e.Log())
	}
	v.checkBranch("pathwaysync/update", "main", files)
	v.checkOneCommit()
	t.Logf("one pathway changed: %d requests, %d create-tree", res.Requests, treeRequests(v.e))
}

// TestTreeTooLargeRetriedSmaller: a create-tree body refused for its size
// (422 "too large to process" or 502) in the middle of a sync is sent
// again in smaller bodies, each refusal halving the budget, never the same
// body through the generic 5xx retry; a file too large for any body is
// uploaded as a blob.
func TestTreeTooLargeRetriedSmaller(t *testing.T) {
	ps := catalogPathways(t, 60, "")
	files := catalogTree(t, ps)
	files["pathways/huge.md"] = []byte(strings.Repeat("A huge page.\n", 40_000)) // 520 KB, over any budget
	files["pathways/quotes.md"] = []byte(strings.Repeat(`"`, 60_000))            // 60 KB that escape to 120 KB
	for _, status := range []int{422, 502} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			v := newEnv(t)
			c, answers := treeAnswers(v)
			p := v.publisher(c, func(o *Options) { o.TreeRequestBytes = 256 << 10 })
			// The first body passes; then GitHub gets stricter.
			const limit = 100 << 10
			v.e.Inject(ghemu.Fault{Route: treesRoute, Times: 2, Kind: ghemu.FaultHook, Before: func() {
				if len(answers()) == 1 {
					v.e.SetCreateTreeLimit(limit, status)
				}
			}})
			res := v.publish(p, files)
			if res.Action != ActionCreated {
				t.Fatalf("action %s", res.Action)
			}
			v.checkBranch("pathwaysync/update", "main", files)
			v.checkOneCommit()
			statuses := answers()
			refused := 0
			for _, s := range statuses {
				if s != 201 {
					refused++
				}
			}
			// Bodies of 256 KiB, then 128 KiB, then 64 KiB fit; the quotes
			// alone are refused once and uploaded. The generic retry would
			// have sent each refused body five times.
			if statuses[0] != 201 || statuses[1] != status || refused < 2 || refused > 4 {
				t.Errorf("create-tree answers %v: want 201, then %d, 2 to 4 refusals in all", statuses, status)
			}
			// Uploaded: the quotes, and every file over the last budget.
			want := 1
			for _, d := range files {
				if len(d) > 64<<10-64 {
					want++
				}
			}
			if got := v.e.Stats().ByRoute["POST /repos/{owner}/{repo}/git/blobs"]; got != want {
				t.Errorf("%d blob uploads, want %d (the quotes and the files over 64 KiB)", got, want)
			}
			t.Logf("create-tree answers: %v", statuses)
		})
	}
}

// wideTree is tree(n, version) with 12 files per pathway, as the exporter
// writes them: 10,000 pathways are 120,000 files, past GitHub's listing
// limit. The files are small: the listing counts entries, not bytes.
func wideTree(n, version int) map[string][]byte {
	files := tree(n, version)
	m, err := manifest.Parse(files[manifest.FileName])
	if err != nil {
		panic(err)
	}
	for i := range n {
		dir := fmt.Sprintf("pathways/pathway-%04d/", i)
		files[dir+"mkdocs.yml"] = []byte(fmt.Sprintf("site_name: Pathway %d\n", i))
		for _, page := range []string{"skills", "behaviours", "projects", "reading", "courses", "ai-literacy", "roles", "focus"} {
			files[dir+"docs/"+page+".md"] = []byte(fmt.Sprintf("# %s of pathway %d\n", page, i))
		}
	}
	m.Files = m.Files[:0]
	for p := range files {
		if p != manifest.FileName {
			m.Files = append(m.Files, p)
		}
	}
	m.Version = manifest.Version // split, as the exporter writes it
	putManifest(files, m)
	return files
}

// TestFolderPastListingLimit: a managed folder of 10,000 pathways (120,000
// files) is past GitHub's recursive listing limit; it is compared folder
// by folder and syncs. Without a cache its unchanged rerun costs a
// constant number of requests; with one (as sync and serve run) the
// folders read once, addressed by SHA, are not read again: an unchanged
// rerun costs what a small catalog's does.
func TestFolderPastListingLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("commits 120,000 files")
	}
	const n = 10_000
	v := newEnv(t)
	base := wideTree(n, 0)
	v.seedBase(base)
	if tr, _, err := v.client().gh.Git.GetTree(context.Background(), "acme", "platform", "main:"+testPath, true); err != nil || !tr.GetTruncated() {
		t.Fatalf("the folder's recursive listing is not truncated (%v): the test does not test the limit", err)
	}
	p := v.publisher(v.patient())
	// main holds the tree: branch, the folder's entries (its SHA is the
	// rendered one), pulls.
	if same := v.publish(p, base); same.Action != ActionUnchanged || same.Requests != 3 {
		t.Errorf("main holds the tree: %s, %d requests", same.Action, same.Requests)
	}
	first := v.publish(p, wideTree(n, 1)) // pathway 0 changes
	if first.Action != ActionCreated || len(first.Modified) != 2 || len(first.Added)+len(first.Deleted) != 0 {
		t.Fatalf("first sync: %s, added %d, modified %v, deleted %d", first.Action, len(first.Added), first.Modified, len(first.Deleted))
	}
	v.checkBranch("pathwaysync/update", "main", wideTree(n, 1))
	v.checkOneCommit()
	again := v.publish(p, wideTree(n, 1))
	// branch; the folder's entries; pathways/'s entries; pathway-0000
	// (the PR's change to main); pulls.
	if again.Action != ActionUnchanged || again.Requests > 5 || again.Writes != 0 {
		t.Errorf("unchanged rerun: %s, %d requests, %d writes", again.Action, again.Requests, again.Writes)
	}

	// With a cache, from the second sync on.
	cached := v.publisher(v.patient(), func(o *Options) { o.Cache = objcache.NewMemory(64 << 20) })
	v.publish(cached, wideTree(n, 1))
	warm := v.publish(cached, wideTree(n, 1))
	// branch; the folder's entries; pulls.
	if warm.Action != ActionUnchanged || warm.Requests > 3 {
		t.Errorf("unchanged rerun with a cache: %s, %d requests", warm.Action, warm.Requests)
	}
	v3 := wideTree(n, 1)
	v3["pathways/pathway-9999/docs/skills.md"] = []byte("# skills, changed\n")
	change := v.publish(cached, v3)
	// As within the listing limit (at most 8 here: counts-only files, no
	// comment), the folder's entries standing in for its listing, plus
	// pathway-9999's folder, read once.
	if change.Action != ActionUpdated || len(change.Modified) != 3 || change.Requests > 9 {
		t.Errorf("one-pathway change: %s, modified %v, %d requests", change.Action, change.Modified, change.Requests)
	}
	v.checkBranch("pathwaysync/update", "main", v3)
	t.Logf("10,000 pathways: first sync %d requests, unchanged rerun %d (%d with a cache), one-pathway change %d with a cache",
		first.Requests, again.Requests, warm.Requests, change.Requests)
}

// TestLargeCatalogOnePathwayBudget: with the catalog merged, changing one
// pathway of a large realistic catalog opens, then updates, the PR within
// the request budget at any size: 2,000 pathways are listed in one
// request; 10,000 are past the listing limit and compared folder by
// folder, with the cache sync and serve keep, warmed by one earlier sync.
func TestLargeCatalogOnePathwayBudget(t *testing.T) {
	sizes := []int{2000, 10_000}
	if testing.Short() {
		sizes = []int{300}
	}
	for _, n := range sizes {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			v := newEnv(t)
			v.e.SetCreateTreeLimit(ghemu.GitHubCreateTreeBytes, 422)
			ps := catalogPathways(t, n, "")
			v.seedBase(catalogTree(t, ps))
			var mod []func(*Options)
			if n > 2000 {
				mod = append(mod, func(o *Options) { o.Cache = objcache.NewMemory(64 << 20) })
			}
			p := v.publisher(v.patient(), mod...)
			if n > 2000 {
				v.publish(p, catalogTree(t, ps)) // the sync before: main is up to date
			}
			for i := range 3 {
				ps[n/2].Skills = append(ps[n/2].Skills, fmt.Sprintf("Skill %d", i))
				files := catalogTree(t, ps)
				v.e.ResetStats()
				res := v.publish(p, files)
				// Creating (labels included) or updating (the delta
				// comment included): 10. The change is inside one
				// pathway's folder, its part of the manifest included; the
				// root manifest does not change, so no file goes up as a
				// blob of its own.
				limit, action := 10, ActionCreated
				if i > 0 {
					action = ActionUpdated
				}
				if res.Action != action || res.Requests > limit {
					t.Errorf("change %d: %s, %d requests, want %s in at most %d: %v", i, res.Action, res.Requests, action, limit, v.e.Log())
				}
				t.Logf("change %d: %s, %d requests", i, res.Action, res.Requests)
			}
			// Adding a pathway also changes the files that list every
			// pathway: the root Location and the root manifest's index
			// (about 90 and 190 bytes per pathway), its discipline's page
			// and picture. At 10,000 pathways those are past a create-tree
			// body: the index goes up as a blob, the rest in three bodies.
			for _, q := range catalogPathways(t, n+1, "") {
				if strings.HasSuffix(q.Source, fmt.Sprintf("page-%05d.txt", n)) {
					ps = append(ps, q)
				}
			}
			v.e.ResetStats()
			res := v.publish(p, catalogTree(t, ps))
			limit := 10
			if n > 2000 {
				limit = 12
			}
			if res.Action != ActionUpdated || res.Requests > limit {
				t.Errorf("a pathway added: %s, %d requests, want at most %d: %v", res.Action, res.Requests, limit, v.e.Log())
			}
			t.Logf("a pathway added: %s, %d requests", res.Action, res.Requests)
		})
	}
}

// TestTreeServerErrors: a create-tree 500 is retried as any request's.
// A 502 on a body that cannot be cut (one entry, a blob SHA or a
// deletion) is not about size: it is sent again with the usual retries.
func TestTreeServerErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		want   []int
		blobs  int
	}{
		{"500 retried", 500, []int{500, 201}, 1},
		{"502 on one entry retried", 502, []int{502, 502, 201}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := newEnv(t)
			v.seedBase(tree(2, 0))
			c, answers := treeAnswers(v)
			// Dropping pathway 1 deletes its two files and changes the
			// manifest; under a budget of 1 byte every file is uploaded
			// as a blob (the manifest) and every body holds one entry.
			p := v.publisher(c, func(o *Options) { o.TreeRequestBytes = 1 })
			files := without(2, 0, 1)
			times := len(tc.want) - 1
			v.e.Inject(ghemu.Fault{Route: treesRoute, Kind: ghemu.FaultStatus, Status: tc.status, Times: times})
			res := v.publish(p, files)
			if res.Action != ActionCreated || len(res.Deleted) != 2 {
				t.Fatalf("%s, deleted %v", res.Action, res.Deleted)
			}
			v.checkBranch("pathwaysync/update", "main", files)
			statuses := answers()
			if got := fmt.Sprint(statuses[:len(tc.want)]); got != fmt.Sprint(tc.want) {
				t.Errorf("create-tree answers %v, want them to start %v", statuses, tc.want)
			}
			if got := v.e.Stats().ByRoute["POST /repos/{owner}/{repo}/git/blobs"]; got != tc.blobs {
				t.Errorf("%d blob uploads, want %d", got, tc.blobs)
			}
		})
	}
}
