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
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/internal/workpool"
	"github.com/pathwaysync/pathwaysync/manifest"
)

// stage is a tree being built in a fresh sibling folder of its target; the
// target only changes when commit swaps the stage in. Its methods are safe
// for concurrent use.
//
// The staging folder .NAME.new-N holds a marker file, created and locked
// before anything else, and the tree under tree/. The marker lets a later
// export of the same target tell litter of its own (left by kill -9) from
// anything else; the lock tells it from a stage still being built.
type stage struct {
	dir     string // absolute target folder
	tmp     string // the staging folder, ours alone
	root    string // tmp/tree: the tree swapped in for dir
	exists  bool   // dir exists and may be replaced
	foreign []string
	prev    *manifest.Manifest // the names of dir's tree, when it is ours
	marker  *os.File           // locked until the stage is gone

	mu   sync.Mutex
	made map[string]bool // folders created under root, slash-separated
}

// Staging names: .NAME.new-N and .NAME.old-N beside the target NAME, N the
// digits os.MkdirTemp puts for "*".
const (
	stageMarker = ".pathwaysync-staging"
	stageTree   = "tree"
	newInfix    = ".new-"
	oldInfix    = ".old-"
)

// stageHook, when set by a test, is called at fixed points of an export's
// life (see hookPoints in the tests) so that the test can kill the process
// there.
var stageHook func(point string)

func hook(point string) {
	if stageHook != nil {
		stageHook(point)
	}
}

// openStage removes what earlier exports of dir left behind (see
// cleanLitter), checks that dir may be (re)placed — it refuses a non-empty
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
	if err := cleanLitter(dir); err != nil {
		return nil, fmt.Errorf("write %s: %w", dir, err)
	}
	t, err := checkTarget(dir, o)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", dir, err)
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+newInfix+"*")
	if err != nil {
		return nil, fmt.Errorf("write: %w", err)
	}
	s := &stage{dir: dir, tmp: tmp, root: filepath.Join(tmp, stageTree), exists: t.exists, foreign: t.foreign, prev: t.prev,
		made: map[string]bool{".": true}}
	if err := s.init(); err != nil {
		s.abort()
		return nil, fmt.Errorf("write: %w", err)
	}
	hook("staged")
	return s, nil
}

// init marks and locks the fresh staging folder, then makes the tree's
// folder.
func (s *stage) init() error {
	f, err := os.OpenFile(filepath.Join(s.tmp, stageMarker), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	s.marker = f
	if busy, err := tryLock(f); err != nil || busy {
		return fmt.Errorf("lock %s: %v (busy %t)", f.Name(), err, busy)
	}
	if err := os.Chmod(s.tmp, 0o755); err != nil {
		return err
	}
	return os.Mkdir(s.root, 0o755)
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
	return s.root + string(filepath.Separator) + filepath.FromSlash(rel)
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

// commit swaps the stage in for its target, then removes the staging
// folder.
func (s *stage) commit() error {
	hook("written")
	if err := swap(s.root, s.dir, s.exists); err != nil {
		s.abort()
		return fmt.Errorf("write %s: %w", s.dir, err)
	}
	s.abort()
	return nil
}

// abort removes the stage, unlocking it last; the target is untouched.
func (s *stage) abort() {
	_ = os.RemoveAll(s.tmp)
	if s.marker != nil {
		_ = s.marker.Close()
	}
}

// target is what checkTarget found.
type target struct {
	exists bool
	// foreign are the files (slash paths) in the folder that its manifest
	// does not list: all of them in a folder without one.
	foreign []string
	// prev is the folder's manifest as manifest.ReadNames reads it; nil
	// when it has none it can read.
	prev *manifest.Manifest
}

// checkTarget reports whether dir exists and may be replaced, and what of
// it pathwaysync did not write.
func checkTarget(dir string, o WriteOptions) (target, error) {
	var t target
	fi, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return t, nil
	}
	if err != nil {
		return t, err
	}
	if !fi.IsDir() {
		return t, errors.New("not a folder (symbolic links are not followed)")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return t, err
	}
	t.exists = true
	if len(entries) == 0 {
		return t, nil
	}
	ours, err := isOurs(dir)
	if err != nil {
		return t, err
	}
	if !ours && !o.Force {
		return t, ErrNotOurs
	}
	if ours {
		t.prev = readTreeNames(dir)
	}
	t.foreign, err = foreignFiles(dir, t.prev)
	if t.prev != nil {
		t.prev.Files = nil // the names are what the export keeps
	}
	return t, err
}

// isOurs reports whether dir holds a manifest pathwaysync wrote (its
// header: a 10k-pathway root manifest is 2 MB); err is ErrNotOurs wrapped with
// the reason when the manifest is there but not pathwaysync's.
func isOurs(dir string) (bool, error) {
	mf := filepath.Join(dir, manifest.FileName)
	if fi, err := os.Lstat(mf); err != nil || !fi.Mode().IsRegular() {
		return false, nil
	}
	f, err := os.Open(mf)
	if err != nil {
		return false, err
	}
	defer f.Close()
	if err := manifest.CheckHeader(bufio.NewReader(f)); err != nil {
		return false, nil
	}
	return true, nil
}

// foreignFiles lists, sorted, every file and link under dir that m does
// not list (all of them when m is nil), the manifest aside.
func foreignFiles(dir string, m *manifest.Manifest) ([]string, error) {
	listed := map[string]bool{manifest.FileName: m != nil}
	if m != nil {
		for _, f := range m.Files {
			listed[f] = true
		}
	}
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if rel = filepath.ToSlash(rel); !listed[rel] {
			out = append(out, rel)
		}
		return nil
	})
	return out, err
}

// cleanLitter removes what exports of dir killed with kill -9 left beside
// it, and nothing else: .NAME.new-N folders that hold a staging marker no
// live export holds, and .NAME.old-N folders once NAME is a complete tree
// (a manifest pathwaysync wrote). When NAME is missing (killed between the
// swap's two renames) it is first restored from the newest old folder,
// preferring one that is a complete tree. While another export of dir is
// running nothing is done about old folders.
func cleanLitter(dir string) error {
	parent, base := filepath.Split(dir)
	entries, err := os.ReadDir(parent)
	if err != nil {
		return nil // no parent folder: nothing left behind
	}
	busy := false
	var olds []string
	for _, e := range entries {
		name := e.Name()
		switch {
		case !e.IsDir():
		case isStageName(name, "."+base+newInfix):
			p := filepath.Join(parent, name)
			f, err := os.OpenFile(filepath.Join(p, stageMarker), os.O_RDWR, 0)
			if err != nil {
				continue // no marker: not ours, or one too young to have it
			}
			if b, err := tryLock(f); b || err != nil {
				busy = busy || b
				f.Close()
				continue
			}
			removeTree(p)
			f.Close()
		case isStageName(name, "."+base+oldInfix):
			olds = append(olds, filepath.Join(parent, name))
		}
	}
	if busy || len(olds) == 0 {
		return nil
	}
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		i := newestOld(olds)
		if err := os.Rename(olds[i], dir); err != nil {
			return fmt.Errorf("restore the tree from %s: %w", olds[i], err)
		}
		olds = slices.Delete(olds, i, i+1)
	}
	if ours, err := isOurs(dir); err != nil || !ours {
		return nil
	}
	for _, old := range olds {
		removeTree(old)
	}
	return nil
}

// isStageName reports whether name is prefix followed by digits only.
func isStageName(name, prefix string) bool {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok || rest == "" {
		return false
	}
	for _, c := range rest {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// newestOld picks the old folder to restore: the most recently moved aside
// among those that are complete trees, else among all.
func newestOld(olds []string) int {
	best, bestOurs := -1, false
	var bestTime time.Time
	for i, p := range olds {
		fi, err := os.Lstat(p)
		if err != nil {
			continue
		}
		ours, _ := isOurs(p)
		if best < 0 || ours && !bestOurs || ours == bestOurs && fi.ModTime().After(bestTime) {
			best, bestOurs, bestTime = i, ours, fi.ModTime()
		}
	}
	return max(best, 0)
}

// swap moves tmp to dir, moving an existing dir aside first and removing
// it after; if the second rename fails the old tree is put back.
func swap(tmp, dir string, exists bool) error {
	if !exists {
		return os.Rename(tmp, dir)
	}
	old, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+oldInfix+"*")
	if err != nil {
		return err
	}
	if err := os.Remove(old); err != nil { // keep the unique name only
		return err
	}
	if err := os.Rename(dir, old); err != nil {
		return err
	}
	hook("moved-aside")
	if err := os.Rename(tmp, dir); err != nil {
		if rerr := os.Rename(old, dir); rerr != nil {
			return fmt.Errorf("%w (and restoring the old tree from %s: %v)", err, old, rerr)
		}
		return err
	}
	hook("swapped")
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
