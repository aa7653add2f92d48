package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pathwaysync/pathwaysync/manifest"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// TestExportInterruptLeavesNoLitter: SIGINT or SIGTERM at any time during
// a real export leaves no staging folder beside the target, and the target
// is a complete tree or absent (issue 9 item 2).
func TestExportInterruptLeavesNoLitter(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	src := t.TempDir()
	for i := range 1500 {
		p := pathway.Pathway{APIVersion: pathway.APIVersion, Kind: pathway.Kind,
			Title: fmt.Sprintf("Role %d to Role %d", i, i+1), From: pathway.Role{Title: fmt.Sprintf("Role %d", i)},
			To: pathway.Role{Title: fmt.Sprintf("Role %d", i+1)}, Summary: "Grow.", Skills: []string{"A skill."}}
		b, err := pathway.MarshalYAML(&p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, fmt.Sprintf("p%04d.yaml", i)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	parent := t.TempDir()
	out := filepath.Join(parent, "out")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2))
	interrupted := 0
	for i := range 6 {
		sig := []syscall.Signal{syscall.SIGINT, syscall.SIGTERM}[i%2]
		cmd := exec.Command(bin, "export", "--out", out, src)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
		var errb bytes.Buffer
		cmd.Stderr = &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Signal once the staging folder exists, at a random point of the
		// writing or the swap.
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if m, _ := filepath.Glob(filepath.Join(parent, ".out.new-*")); len(m) > 0 {
				break
			}
		}
		time.Sleep(time.Duration(rng.IntN(300)) * time.Millisecond)
		_ = cmd.Process.Signal(sig)
		if err := cmd.Wait(); err != nil {
			interrupted++
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() < 0 {
				t.Fatalf("run %d: %v (killed, not exited)\n%s", i, err, errb.String())
			}
		}
		es, err := os.ReadDir(parent)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			if e.Name() != "out" {
				t.Errorf("run %d (%v): left beside the target: %s", i, sig, e.Name())
			}
		}
		if _, err := os.Lstat(out); err == nil {
			b, err := os.ReadFile(filepath.Join(out, manifest.FileName))
			if err != nil {
				t.Fatalf("run %d: target without manifest: %v", i, err)
			}
			m, err := manifest.Parse(b)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range m.Files {
				if _, err := os.Lstat(filepath.Join(out, filepath.FromSlash(f))); err != nil {
					t.Fatalf("run %d: incomplete target: %v", i, err)
				}
			}
		}
		if strings.Contains(errb.String(), "panic") {
			t.Fatalf("run %d: %s", i, errb.String())
		}
	}
	t.Logf("%d of 6 runs interrupted before they finished", interrupted)
}
