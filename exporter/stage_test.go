package exporter

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pathwaysync/pathwaysync/manifest"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// The helper process: go test re-runs this test binary with
// TestHelperExport and the variables below to export and be killed.
const (
	helperEnv  = "PATHWAYSYNC_TEST_EXPORT_DIR"  // the target
	killAtEnv  = "PATHWAYSYNC_TEST_KILL_AT"     // a hook point: kill -9 there
	helperSize = "PATHWAYSYNC_TEST_EXPORT_SIZE" // pathways to export, looping
)

// hookPoints are where stageHook is called, in order.
var hookPoints = []string{"staged", "written", "moved-aside", "swapped"}

// manyPathways are n generated pathways (the first n/2 differ from the
// rest in content only, so consecutive exports change files).
func manyPathways(n, round int) []pathway.Pathway {
	ps := make([]pathway.Pathway, n)
	for i := range ps {
		ps[i] = mkPathway(fmt.Sprintf("Role %d to Role %d", i, i+1), fmt.Sprintf("Role %d", i), fmt.Sprintf("Role %d", i+1), "Engineering")
		ps[i].Skills = append(ps[i].Skills, fmt.Sprintf("Round %d", round))
	}
	return ps
}

func TestHelperExport(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		t.Skip("run by the kill -9 tests")
	}
	if at := os.Getenv(killAtEnv); at != "" {
		stageHook = func(point string) {
			if point == at {
				_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
				time.Sleep(time.Minute)
			}
		}
		if _, err := Export(context.Background(), dir, loadExamples(t), Options{}, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		t.Fatalf("not killed at %s", at)
	}
	var n int
	fmt.Sscan(os.Getenv(helperSize), &n)
	for round := 0; ; round++ { // until killed
		if _, err := Export(context.Background(), dir, manyPathways(n, round), Options{}, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}

// helper starts this test binary as the helper process.
func helper(t *testing.T, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperExport$", "-test.count=1")
	cmd.Env = append(os.Environ(), env...)
	return cmd
}

// checkComplete fails unless dir is a complete tree: a manifest
// pathwaysync wrote, every file it lists, and nothing else.
func checkComplete(t *testing.T, dir string) *manifest.Manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, manifest.FileName))
	if err != nil {
		t.Fatalf("%s: no manifest: %v", dir, err)
	}
	m, err := manifest.ParseTree(b, func(p string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, p)) })
	if err != nil {
		t.Fatal(err)
	}
	got := tree(t, dir)
	if len(got) != len(m.Files)+1 {
		t.Errorf("%s: %d files, the manifest lists %d", dir, len(got)-1, len(m.Files))
	}
	for _, f := range m.Files {
		if _, ok := got[f]; !ok {
			t.Errorf("%s: %s missing", dir, f)
		}
	}
	return m
}

// litter are the staging folders of out in parent.
func litter(t *testing.T, parent string) []string {
	var l []string
	for _, s := range siblings(t, parent) {
		if strings.HasPrefix(s, ".out.new-") || strings.HasPrefix(s, ".out.old-") {
			l = append(l, s)
		}
	}
	return l
}

// unrelated are folders beside the target that look like staging folders
// but are not an export's to remove; mkUnrelated makes them.
var unrelated = []string{".out.new-17", ".out.old-notdigits", ".other.new-18", ".out.new-x"}

func mkUnrelated(t *testing.T, parent string) {
	for _, u := range unrelated {
		if err := os.MkdirAll(filepath.Join(parent, u), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(parent, u, "keep.txt"), []byte(u), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Another target's abandoned stage, marker and all, is not out's.
	if err := os.WriteFile(filepath.Join(parent, ".other.new-18", stageMarker), nil, 0o644); err != nil {
		t.Fatal(err)
	}
}

func checkUnrelated(t *testing.T, parent string) {
	t.Helper()
	for _, u := range unrelated {
		if b, err := os.ReadFile(filepath.Join(parent, u, "keep.txt")); err != nil || string(b) != u {
			t.Errorf("%s touched: %v", u, err)
		}
	}
}

// TestKill9AtFixedPoints is issue 9 item 2: an export killed at each point
// of its life leaves the target an old or new tree (or, between the swap's
// renames, the old one aside), and the next export removes exactly its
// litter, restoring the old tree first when the target is missing.
func TestKill9AtFixedPoints(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	first := manyPathways(3, 0)
	for _, at := range hookPoints {
		t.Run(at, func(t *testing.T) {
			parent := t.TempDir()
			dir := filepath.Join(parent, "out")
			if _, err := Export(context.Background(), dir, first, Options{}, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			mkUnrelated(t, parent)
			oldTree := tree(t, dir)
			err := helper(t, helperEnv+"="+dir, killAtEnv+"="+at).Run()
			if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("helper not killed: %v", err)
			}
			if len(litter(t, parent)) == 0 {
				t.Fatalf("killed at %s, no litter: the test kills too late", at)
			}
			if _, err := os.Lstat(dir); at == "moved-aside" {
				if err == nil {
					t.Fatal("target present between the swap's renames")
				}
			} else {
				checkComplete(t, dir)
			}
			// The next export of the same target cleans up; between the
			// renames the old tree comes back first.
			if err := cleanLitter(dir); err != nil {
				t.Fatal(err)
			}
			if l := litter(t, parent); !slices.Equal(l, []string{".out.new-17", ".out.new-x", ".out.old-notdigits"}) {
				t.Errorf("left after cleaning: %v", l)
			}
			checkUnrelated(t, parent)
			got := tree(t, dir)
			switch at {
			case "staged", "written", "moved-aside":
				if !maps.Equal(got, oldTree) {
					t.Error("the old tree did not survive")
				}
			case "swapped":
				checkComplete(t, dir)
				if maps.Equal(got, oldTree) {
					t.Error("the new tree was not in place")
				}
			}
			if _, err := Export(context.Background(), dir, loadExamples(t), Options{}, WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			checkComplete(t, dir)
			checkUnrelated(t, parent)
		})
	}
}

// TestKill9AtRandom kills a real export loop at random times: the target
// is always a complete tree (or, between the swap's renames, absent and
// restored by the next export), and the next export leaves no litter.
func TestKill9AtRandom(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 9))
	killed, littered := 0, 0
	for i := range 8 {
		cmd := helper(t, helperEnv+"="+dir, helperSize+"=150")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(50+rng.IntN(400)) * time.Millisecond)
		_ = cmd.Process.Kill()
		err := cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok && ee.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL {
			killed++
		} else {
			t.Fatalf("run %d: helper ended by itself: %v", i, err)
		}
		if _, err := os.Lstat(dir); err == nil {
			checkComplete(t, dir)
		}
		if len(litter(t, parent)) > 0 {
			littered++
		}
		if err := cleanLitter(dir); err != nil {
			t.Fatal(err)
		}
		if l := litter(t, parent); len(l) > 0 {
			t.Fatalf("run %d: litter after cleaning: %v", i, l)
		}
		if _, err := os.Lstat(dir); err == nil {
			checkComplete(t, dir)
		}
	}
	t.Logf("%d kills, %d left litter", killed, littered)
	if _, err := Export(context.Background(), dir, manyPathways(10, 1), Options{}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	checkComplete(t, dir)
	if s := siblings(t, parent); !slices.Equal(s, []string{"out"}) {
		t.Errorf("beside the target: %v", s)
	}
}

// TestCleanLitterLeavesLiveStage: a stage whose marker another export
// holds is not removed, and nothing is done about old trees meanwhile.
func TestCleanLitterLeavesLiveStage(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	if _, err := Export(context.Background(), dir, manyPathways(2, 0), Options{}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	live, err := openStage(dir, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer live.abort()
	old := filepath.Join(parent, ".out.old-5")
	if err := os.Mkdir(old, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := cleanLitter(dir); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{live.tmp, old, filepath.Join(live.tmp, stageMarker)} {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s removed while an export runs: %v", p, err)
		}
	}
	live.abort()
	if err := cleanLitter(dir); err != nil {
		t.Fatal(err)
	}
	if l := litter(t, parent); len(l) > 0 {
		t.Errorf("litter: %v", l)
	}
}

// TestCleanLitterKeepsOldOfIncompleteTarget: an old tree is only removed
// once the target is a complete tree.
func TestCleanLitterKeepsOldOfIncompleteTarget(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	old := filepath.Join(parent, ".out.old-7")
	for _, d := range []string{dir, old} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "mine.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := cleanLitter(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(old); err != nil {
		t.Errorf("old tree removed beside an incomplete target: %v", err)
	}
}

// TestForeignFilesNamed is issue 9 item 8: every file a replaced folder
// held that pathwaysync did not write is named, by Export and by Write.
func TestForeignFilesNamed(t *testing.T) {
	ps := manyPathways(2, 0)
	res, err := Render(ps, Options{})
	if err != nil {
		t.Fatal(err)
	}
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	write := func(rel string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(rel), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("notes/b.txt")
	write("a.txt")
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	st, err := Write(context.Background(), dir, res, WriteOptions{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a.txt", "link", "notes/b.txt"}; !slices.Equal(st.Foreign, want) {
		t.Errorf("Write --force named %v, want %v", st.Foreign, want)
	}
	// An exported tree with a hand-added file: only that file.
	write("pathways/hand-made.md")
	sum, err := Export(context.Background(), dir, ps, Options{}, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"pathways/hand-made.md"}; !slices.Equal(sum.Foreign, want) {
		t.Errorf("Export named %v, want %v", sum.Foreign, want)
	}
	sum, err = Export(context.Background(), dir, ps, Options{}, WriteOptions{})
	if err != nil || len(sum.Foreign) != 0 {
		t.Errorf("clean tree: %v, %v", sum.Foreign, err)
	}
}
