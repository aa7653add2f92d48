package githubsync

import (
	"strings"
	"sync"
	"testing"

	"github.com/pathwaysync/pathwaysync/internal/gitobj"
	"github.com/pathwaysync/pathwaysync/internal/objcache"
)

// lyingCache answers every key with a value of the right shape for
// another object: a listing of one file, a blob of other bytes.
type lyingCache struct {
	mu   sync.Mutex
	gets int
}

func (c *lyingCache) Get(key string) ([]byte, bool) {
	c.mu.Lock()
	c.gets++
	c.mu.Unlock()
	if strings.HasPrefix(key, "tree/") {
		return []byte("100644 blob " + gitobj.BlobSHA([]byte("x")) + "\tx\n"), true
	}
	return []byte("not the blob"), true
}

func (c *lyingCache) Put(string, []byte) {}

// TestCacheIsChecked: a cache answering every key wrongly changes
// nothing a sync does but the reads it saves: none.
func TestCacheIsChecked(t *testing.T) {
	run := func(c Cache) (*Result, int) {
		v := newEnv(t)
		base := samples(3)
		v.seedBase(renderTree(base))
		next := clone(base)
		next[1].Skills = next[1].Skills[1:]
		p := v.publisher(nil, func(o *Options) { o.Cache = c; o.TreeRequestBytes = 1 })
		res := v.publish(p, renderTree(next))
		v.checkBranch("pathwaysync/update", "main", renderTree(next))
		return res, len(v.pulls())
	}
	want, _ := run(nil)
	liar := &lyingCache{}
	got, prs := run(liar)
	if got.Action != want.Action || got.Requests != want.Requests || strings.Join(got.Modified, ",") != strings.Join(want.Modified, ",") || prs != 1 {
		t.Errorf("with a lying cache: %s, %d requests, modified %v; without: %s, %d, %v", got.Action, got.Requests, got.Modified, want.Action, want.Requests, want.Modified)
	}
	if liar.gets == 0 {
		t.Error("the cache was never asked")
	}
}

// TestCacheRemembersRenderedFolders: the cache gets the listing of every
// folder of a rendered tree compared folder by folder, so a later sync
// finds a folder the repository then holds without a request (the
// requests saved are counted in TestFolderPastListingLimit); a tree listed
// in one request leaves nothing in it.
func TestCacheRemembersRenderedFolders(t *testing.T) {
	files := renderTree(samples(3))
	p := &Publisher{}
	want, err := p.prepare(files)
	if err != nil {
		t.Fatal(err)
	}
	c := objcache.NewMemory(1 << 20)
	rememberFolders(c, want)
	if _, ok := cachedListing(c, want.folders["pathways"].SHA); ok {
		t.Error("a tree listed in one request was remembered")
	}
	rememberAll(c, want)
	if _, ok := cachedListing(c, want.folders["pathways"].SHA); !ok {
		t.Fatal("the rendered pathways/ listing is not cached")
	}
	tr, ok := cachedTree(c, want.folders[""].SHA, true)
	if !ok || len(tr.Entries) != want.folders[""].Entries {
		t.Fatalf("the rendered tree, assembled from the cache: %v, want %d entries", ok, want.folders[""].Entries)
	}
	for _, e := range tr.Entries {
		if e.GetType() == "blob" && want.blobs[e.GetPath()] != e.GetSHA() {
			t.Errorf("%s: %s, rendered %s", e.GetPath(), e.GetSHA(), want.blobs[e.GetPath()])
		}
	}
}
