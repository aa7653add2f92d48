package exporter

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/internal/workpool"
	"github.com/pathwaysync/pathwaysync/manifest"
)

// stage is a tree being built in a fresh sibling folder of its target; the
// target only changes when commit swaps the stage in. Its methods are safe
// for concurrent use.
type stage struct {
	dir    string // absolute target folder
	tmp    string // the staging folder, ours alone
	exists bool   // dir exists and may be replaced

	mu   sync.Mutex
	made map[string]bool // folders created under tmp, slash-separated
}

// openStage checks that dir may be (re)placed — it refuses a non-empty
// folder without a pathwaysync manifest unless o.Force, and anything but a
// folder — and creates the staging folder next to it.
func openStage(dir string, o WriteOptions) (*stage, error) {
	if dir == "" {
		return nil, errors.New("write: empty folder name")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	exists, err := checkTarget(dir, o)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", dir, err)
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".new-*")
	if err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		_ = os.RemoveAll(tmp)
		return nil, fmt.Errorf("write: %w", err)
	}
	return &stage{dir: dir, tmp: tmp, exists: exists, made: map[string]bool{".": true}}, nil
}

// checkPath rejects a file path that is empty, absolute, not clean, or
// could leave the tree.
func checkPath(p string) error {
	if p == "" || strings.ContainsAny(p, "\\\x00") || path.IsAbs(p) || path.Clean(p) != p ||
		p == "." || p == ".." || strings.HasPrefix(p, "../") || !filepath.IsLocal(filepath.FromSlash(p)) {
		return fmt.Errorf("unsafe file path %q", p)
	}
	return nil
}

// Put creates the file f at its slash path (checked with checkPath) and
// its missing parent folders; a file that already exists is an error.
func (s *stage) Put(f File, _ *catalog.Entity) error {
	rel := f.Path
	if err := checkPath(rel); err != nil {
		return err
	}
	if err := s.mkdirAll(path.Dir(rel)); err != nil {
		return err
	}
	return createFile(s.path(rel), f.Data)
}

// String is the target folder.
func (s *stage) String() string { return s.dir }

// path is the file path of rel (checked with checkPath) in the stage.
func (s *stage) path(rel string) string {
	return s.tmp + string(filepath.Separator) + filepath.FromSlash(rel)
}

// mkdirAll creates the folder rel and its parents under the stage.
func (s *stage) mkdirAll(rel string) error {
	s.mu.Lock()
	done := s.made[rel]
	s.mu.Unlock()
	if done {
		return nil
	}
	if err := s.mkdirAll(path.Dir(rel)); err != nil {
		return err
	}
	err := os.Mkdir(s.path(rel), 0o755)
	if errors.Is(err, fs.ErrExist) { // another worker made it, or a file is in the way
		var fi fs.FileInfo
		if fi, err = os.Lstat(s.path(rel)); err == nil && !fi.IsDir() {
			err = fmt.Errorf("%s: a file is in the way of a folder", rel)
		}
	}
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.made[rel] = true
	s.mu.Unlock()
	return nil
}

// commit swaps the stage in for its target.
func (s *stage) commit() error {
	if err := swap(s.tmp, s.dir, s.exists); err != nil {
		s.abort()
		return fmt.Errorf("write %s: %w", s.dir, err)
	}
	return nil
}

// abort removes the stage; the target is untouched.
func (s *stage) abort() { _ = os.RemoveAll(s.tmp) }

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
	f, err := os.Open(mf)
	if err != nil {
		return false, err
	}
	defer f.Close()
	// The header is enough: a 10k-pathway manifest is 35 MB.
	if err := manifest.CheckHeader(bufio.NewReader(f)); err != nil {
		return false, fmt.Errorf("%w: %v", ErrNotOurs, err)
	}
	return true, nil
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
	removeTree(old) // the new tree is in place; a leftover is only litter
	return nil
}

// removeTree removes dir and everything under it, the subfolders of its
// subfolders (one per pathway) on a few goroutines: unlinking the 110k
// files of a large tree one by one took as long as writing them.
func removeTree(dir string) {
	var subs []string
	top, _ := os.ReadDir(dir)
	for _, e := range top {
		if !e.IsDir() {
			continue
		}
		p := filepath.Join(dir, e.Name())
		inner, _ := os.ReadDir(p)
		for _, e := range inner {
			if e.IsDir() {
				subs = append(subs, filepath.Join(p, e.Name()))
			}
		}
	}
	workpool.ForEach(context.Background(), len(subs), writeWorkers(), func(i int) bool {
		_ = os.RemoveAll(subs[i])
		return true
	})
	_ = os.RemoveAll(dir)
}
