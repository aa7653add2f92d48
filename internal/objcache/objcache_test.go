package objcache_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pathwaysync/pathwaysync/internal/objcache"
)

func TestMemoryEvictsLeastRecentlyUsed(t *testing.T) {
	m := objcache.NewMemory(10)
	m.Put("a", []byte("aaaa"))
	m.Put("b", []byte("bbbb"))
	if _, ok := m.Get("a"); !ok { // a is now the most recent
		t.Fatal("a forgotten")
	}
	m.Put("c", []byte("cccc")) // 12 bytes: b goes
	if _, ok := m.Get("b"); ok {
		t.Error("b kept past the size")
	}
	for _, k := range []string{"a", "c"} {
		if _, ok := m.Get(k); !ok {
			t.Errorf("%s forgotten", k)
		}
	}
	m.Put("huge", make([]byte, 11))
	if _, ok := m.Get("huge"); ok {
		t.Error("a value larger than the cache kept")
	}
}

func TestDirRoundTripAndSafeNames(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	d, err := objcache.OpenDir(dir, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	d.Put("tree/0123abcd", []byte("listing\n"))
	if b, ok := d.Get("tree/0123abcd"); !ok || string(b) != "listing\n" {
		t.Errorf("Get = %q, %v", b, ok)
	}
	if fi, err := os.Stat(filepath.Join(dir, "tree-0123abcd")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("cache file: %v, %v", fi, err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("cache folder: %v, %v", fi, err)
	}
	for _, bad := range []string{"../x", "tree/../../x", "/etc/passwd", "Tree/AB", "a/b/c", "", "tree/", "/x", ".hidden"} {
		d.Put(bad, []byte("x"))
		if _, ok := d.Get(bad); ok {
			t.Errorf("key %q stored", bad)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d files", len(entries))
	}
}

func TestDirPrunesLeastRecentlyUsed(t *testing.T) {
	dir := t.TempDir()
	d, err := objcache.OpenDir(dir, 4000)
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	for i := range 10 {
		key := fmt.Sprintf("blob/%02d", i)
		d.Put(key, bytes.Repeat([]byte("x"), 500))
		os.Chtimes(filepath.Join(dir, fmt.Sprintf("blob-%02d", i)), old.Add(time.Duration(i)*time.Second), old.Add(time.Duration(i)*time.Second))
	}
	d.Get("blob/00") // used now: kept
	if _, err := objcache.OpenDir(dir, 4000); err != nil {
		t.Fatal(err)
	}
	var total int64
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		fi, _ := e.Info()
		total += fi.Size()
	}
	if total > 3000 {
		t.Errorf("%d bytes after pruning to 3/4 of 4000", total)
	}
	if _, ok := d.Get("blob/00"); !ok {
		t.Error("the most recently used file was pruned")
	}
	if _, ok := d.Get("blob/01"); ok {
		t.Error("the least recently used file was kept")
	}
}

func TestLayered(t *testing.T) {
	d, err := objcache.OpenDir(t.TempDir(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	d.Put("blob/ab", []byte("v"))
	l := objcache.Layered{Memory: objcache.NewMemory(100), Dir: d}
	if b, ok := l.Get("blob/ab"); !ok || string(b) != "v" {
		t.Fatalf("Get = %q %v", b, ok)
	}
	if _, ok := l.Memory.Get("blob/ab"); !ok {
		t.Error("a value read from the folder is not kept in memory")
	}
}
