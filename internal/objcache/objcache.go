// Package objcache keeps values that never change for a key (git objects
// by SHA) in memory, least recently used out first, and in a folder that
// outlives the process. Both are bounded in bytes and safe for concurrent
// use; either may forget anything, and callers check what they get back.
package objcache

import (
	"container/list"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// DefaultDirMaxBytes is the recommended bound of a Dir (the default of
// sync.cache_max_bytes): 256 MiB holds the listings of a 10,000-pathway
// catalog many times over.
const DefaultDirMaxBytes = 256 << 20

// Memory is an in-memory cache of at most its size in bytes.
type Memory struct {
	mu    sync.Mutex
	max   int64
	size  int64
	order *list.List // front: most recently used
	items map[string]*list.Element
}

type item struct {
	key   string
	value []byte
}

// NewMemory returns an empty cache holding at most maxBytes of values.
func NewMemory(maxBytes int64) *Memory {
	return &Memory{max: maxBytes, order: list.New(), items: map[string]*list.Element{}}
}

// Get returns the value put under key, if still held.
func (m *Memory) Get(key string) ([]byte, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.items[key]
	if !ok {
		return nil, false
	}
	m.order.MoveToFront(el)
	return el.Value.(*item).value, true
}

// Put keeps value under key; a value larger than the cache is not kept.
// The cache keeps value itself: the caller must not change it.
func (m *Memory) Put(key string, value []byte) {
	if int64(len(value)) > m.max {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if el, ok := m.items[key]; ok {
		m.order.MoveToFront(el)
		return
	}
	m.items[key] = m.order.PushFront(&item{key, value})
	m.size += int64(len(value))
	for m.size > m.max {
		el := m.order.Back()
		it := el.Value.(*item)
		m.order.Remove(el)
		delete(m.items, it.key)
		m.size -= int64(len(it.value))
	}
}

// Dir is a cache in a folder: one file per key, written atomically,
// readable by its owner only. When it holds more than its size, the files
// used least recently (by modification time, renewed on each Get) go.
type Dir struct {
	dir  string
	max  int64
	mu   sync.Mutex
	puts int
}

// pruneEvery is how many Puts go between two checks of the folder's size.
const pruneEvery = 64

// OpenDir opens (creating it) the cache folder dir, holding at most
// maxBytes, and prunes it to that size.
func OpenDir(dir string, maxBytes int64) (*Dir, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("open cache: %w", err)
	}
	d := &Dir{dir: dir, max: maxBytes}
	if err := d.prune(); err != nil {
		return nil, fmt.Errorf("open cache %s: %w", dir, err)
	}
	return d, nil
}

// file is key's file; false for a key that is not a safe file name
// ("kind/hex" with a lowercase ASCII kind).
func (d *Dir) file(key string) (string, bool) {
	if len(key) == 0 || len(key) > 100 {
		return "", false
	}
	name := []byte(key)
	slash := false
	for i, c := range name {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '/' && !slash && i > 0 && i < len(name)-1:
			name[i], slash = '-', true
		default:
			return "", false
		}
	}
	return filepath.Join(d.dir, string(name)), true
}

// Get returns the value put under key, if the folder holds it.
func (d *Dir) Get(key string) ([]byte, bool) {
	f, ok := d.file(key)
	if !ok {
		return nil, false
	}
	b, err := os.ReadFile(f)
	if err != nil {
		return nil, false
	}
	now := time.Now()
	_ = os.Chtimes(f, now, now) // recently used; a failure only ages it
	return b, true
}

// Put writes value under key. Errors (a full disk, a read-only folder)
// are not reported: the value is then simply not cached.
func (d *Dir) Put(key string, value []byte) {
	f, ok := d.file(key)
	if !ok || int64(len(value)) > d.max {
		return
	}
	if _, err := os.Stat(f); err == nil {
		return
	}
	tmp, err := os.CreateTemp(d.dir, ".put-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(value)
	if cerr := tmp.Close(); werr != nil || cerr != nil || os.Rename(tmp.Name(), f) != nil {
		os.Remove(tmp.Name())
		return
	}
	d.mu.Lock()
	d.puts++
	check := d.puts%pruneEvery == 0
	d.mu.Unlock()
	if check {
		_ = d.prune()
	}
}

// prune removes the least recently used files until the folder holds at
// most three quarters of its size, once it holds more than its size, and
// leftovers of interrupted Puts.
func (d *Dir) prune() error {
	entries, err := os.ReadDir(d.dir)
	if err != nil {
		return err
	}
	type file struct {
		path string
		size int64
		used time.Time
	}
	var files []file
	var total int64
	for _, e := range entries {
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			continue
		}
		p := filepath.Join(d.dir, e.Name())
		if e.Name()[0] == '.' && time.Since(info.ModTime()) > time.Hour {
			os.Remove(p)
			continue
		}
		files = append(files, file{p, info.Size(), info.ModTime()})
		total += info.Size()
	}
	if total <= d.max {
		return nil
	}
	slices.SortFunc(files, func(a, b file) int { return a.used.Compare(b.used) })
	for _, f := range files {
		if total <= d.max*3/4 {
			break
		}
		if os.Remove(f.path) == nil {
			total -= f.size
		}
	}
	return nil
}

// Layered is a Memory in front of a Dir: a value found only in the Dir is
// kept in memory too.
type Layered struct {
	Memory *Memory
	Dir    *Dir
}

// Get looks in memory, then in the folder.
func (l Layered) Get(key string) ([]byte, bool) {
	if b, ok := l.Memory.Get(key); ok {
		return b, true
	}
	b, ok := l.Dir.Get(key)
	if ok {
		l.Memory.Put(key, b)
	}
	return b, ok
}

// Put keeps value in memory and in the folder.
func (l Layered) Put(key string, value []byte) {
	l.Memory.Put(key, value)
	l.Dir.Put(key, value)
}
