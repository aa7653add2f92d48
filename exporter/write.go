package exporter

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/pathwaysync/pathwaysync/manifest"
)

// ErrNotOurs is returned by Write for a non-empty folder without a
// pathwaysync manifest (unless WriteOptions.Force).
var ErrNotOurs = errors.New("folder is not empty and has no " + manifest.FileName)

// WriteOptions tune Write.
type WriteOptions struct {
	// Force replaces a non-empty folder that lacks a pathwaysync manifest.
	Force bool
}

// WriteStats counts what Write wrote.
type WriteStats struct {
	Files int
	Bytes int64
}

// Write puts res into dir atomically: the tree is built in a sibling
// temporary folder and swapped in by rename, so dir ends up holding exactly
// res.Files (files of an earlier tree that res no longer has vanish) or, on
// any error, is left untouched. It refuses a non-empty dir without a
// pathwaysync manifest unless o.Force (then the whole folder is replaced),
// and rejects file paths that are absolute, contain "..", or would escape
// dir. The swap is not durable across a power cut (no fsync).
func Write(ctx context.Context, dir string, res *Result, o WriteOptions) (WriteStats, error) {
	var st WriteStats
	if dir == "" {
		return st, errors.New("write: empty folder name")
	}
	if err := checkPaths(res); err != nil {
		return st, fmt.Errorf("write: %w", err)
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return st, fmt.Errorf("write: %w", err)
	}
	exists, err := checkTarget(dir, o)
	if err != nil {
		return st, fmt.Errorf("write %s: %w", dir, err)
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return st, fmt.Errorf("write: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".new-*")
	if err != nil {
		return st, fmt.Errorf("write: %w", err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		_ = os.RemoveAll(tmp)
		return st, fmt.Errorf("write: %w", err)
	}
	st, err = writeTree(ctx, tmp, res.Files)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		_ = os.RemoveAll(tmp)
		return WriteStats{}, fmt.Errorf("write %s: %w", dir, err)
	}
	if err := swap(tmp, dir, exists); err != nil {
		_ = os.RemoveAll(tmp)
		return WriteStats{}, fmt.Errorf("write %s: %w", dir, err)
	}
	return st, nil
}

// checkPaths rejects paths that could leave the tree, duplicates, and a
// result without a manifest.
func checkPaths(res *Result) error {
	if res == nil {
		return errors.New("nil result")
	}
	seen := make(map[string]bool, len(res.Files))
	hasManifest := false
	for _, f := range res.Files {
		p := f.Path
		if p == "" || strings.ContainsAny(p, "\\\x00") || path.IsAbs(p) || path.Clean(p) != p ||
			p == "." || p == ".." || strings.HasPrefix(p, "../") || !filepath.IsLocal(filepath.FromSlash(p)) {
			return fmt.Errorf("unsafe file path %q", p)
		}
		if seen[p] {
			return fmt.Errorf("duplicate file path %q", p)
		}
		seen[p] = true
		hasManifest = hasManifest || p == manifest.FileName
	}
	if !hasManifest {
		return fmt.Errorf("result has no %s", manifest.FileName)
	}
	return nil
}

// checkTarget reports whether dir exists and may be replaced.
func checkTarget(dir string, o WriteOptions) (bool, error) {
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !fi.IsDir() {
		return false, errors.New("not a folder (symbolic links are not followed)")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false, err
	}
	if len(entries) == 0 || o.Force {
		return true, nil
	}
	mf := filepath.Join(dir, manifest.FileName)
	if fi, err := os.Lstat(mf); err != nil || !fi.Mode().IsRegular() {
		return false, ErrNotOurs
	}
	b, err := os.ReadFile(mf)
	if err != nil {
		return false, err
	}
	if _, err := manifest.Parse(b); err != nil {
		return false, fmt.Errorf("%w: %v", ErrNotOurs, err)
	}
	return true, nil
}

// writeTree writes files under root (a fresh folder only we use) with a
// few workers.
func writeTree(ctx context.Context, root string, files []File) (WriteStats, error) {
	var st WriteStats
	dirs := map[string]bool{}
	for _, f := range files {
		for d := path.Dir(f.Path); d != "." && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	for _, d := range sortedKeys(dirs) { // parents sort before children
		if err := os.Mkdir(filepath.Join(root, filepath.FromSlash(d)), 0o755); err != nil {
			return st, err
		}
	}
	const workers = 4
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	chunk := (len(files) + workers - 1) / workers
	for w := 0; w < workers && w*chunk < len(files); w++ {
		part := files[w*chunk : min(len(files), (w+1)*chunk)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, f := range part {
				if i%256 == 0 && ctx.Err() != nil {
					return
				}
				err := writeFile(filepath.Join(root, filepath.FromSlash(f.Path)), f.Data)
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				stop := first != nil
				mu.Unlock()
				if stop {
					return
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return st, first
	}
	for _, f := range files {
		st.Files++
		st.Bytes += int64(len(f.Data))
	}
	return st, nil
}

func writeFile(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// swap moves tmp to dir, moving an existing dir aside first and removing
// it after; if the second rename fails the old tree is put back.
func swap(tmp, dir string, exists bool) error {
	if !exists {
		return os.Rename(tmp, dir)
	}
	old, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".old-*")
	if err != nil {
		return err
	}
	if err := os.Remove(old); err != nil { // keep the unique name only
		return err
	}
	if err := os.Rename(dir, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if rerr := os.Rename(old, dir); rerr != nil {
			return fmt.Errorf("%w (and restoring the old tree from %s: %v)", err, old, rerr)
		}
		return err
	}
	_ = os.RemoveAll(old) // the new tree is in place; a leftover is only litter
	return nil
}
