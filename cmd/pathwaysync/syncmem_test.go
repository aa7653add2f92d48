package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkSyncMemory compares the peak RSS of `pathwaysync sync` (a
// first sync, then an unchanged rerun) and of `pathwaysync serve` up to
// the end of its first sync with that of `pathwaysync export`
// of the same generated seed-sized pages (about 12 KB and 11 files of
// output each), each run as the built binary in its own process; the
// GitHub emulator runs in another process (internal/ghemu/cmd/ghemu) with
// github.com's 2.5 MB create-tree limit. Peak RSS is the kernel's maxrss
// of the process, robust to the machine's load; times are not.
//
// BENCH_SYNC_SIZES picks the sizes (default "1000,2000"; add 10000 for
// the large figure: it takes minutes); BENCH_SYNC_SERVE=off skips serve.
func BenchmarkSyncMemory(b *testing.B) {
	sizes := []int{1000, 2000}
	if v := os.Getenv("BENCH_SYNC_SIZES"); v != "" {
		sizes = nil
		for _, s := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				b.Fatalf("BENCH_SYNC_SIZES: %v", err)
			}
			sizes = append(sizes, n)
		}
	}
	bin := buildBinary(b)
	emuBin := filepath.Join(filepath.Dir(bin), "ghemu")
	if out, err := exec.Command("go", "build", "-o", emuBin, "../../internal/ghemu/cmd/ghemu").CombinedOutput(); err != nil {
		b.Fatalf("build emulator: %v\n%s", err, out)
	}
	seed, err := os.ReadFile("../../examples/pathways/intermediate-platform-engineer-to-senior-platform-engineer.txt")
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			src := filepath.Join(b.TempDir(), "pages")
			writePages(b, string(seed), src, n)
			for i := 0; i < b.N; i++ {
				url, stop := startEmulator(b, emuBin)
				env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "XDG_CACHE_HOME=" + b.TempDir(),
					"PATHWAYSYNC_GITHUB_API_URL=" + url, "PATHWAYSYNC_GITHUB_REPOSITORY=" + e2eRepo,
					"PATHWAYSYNC_GITHUB_PATH=" + e2ePath, "PATHWAYSYNC_GITHUB_TOKEN=" + e2eToken,
					"PATHWAYSYNC_GITHUB_BASE_BRANCH=main", "PATHWAYSYNC_SOURCES=" + src, "PATHWAYSYNC_SERVER_LOG_LEVEL=error"}
				export, _ := runMeasured(b, bin, env, "export", "--out", filepath.Join(b.TempDir(), "out"))
				first, out := runMeasured(b, bin, env, "sync", "--format", "json")
				firstReq := requests(b, out)
				rerun, out := runMeasured(b, bin, env, "sync", "--format", "json")
				stop()
				// The daemon's first sync, into a fresh repository.
				if os.Getenv("BENCH_SYNC_SERVE") != "off" {
					url, stop = startEmulator(b, emuBin)
					env[3] = "PATHWAYSYNC_GITHUB_API_URL=" + url
					serve := serveMeasured(b, bin, append(env, "PATHWAYSYNC_SERVER_ADDR="+freeAddr(b), "PATHWAYSYNC_SYNC_SCHEDULE=1h"))
					stop()
					b.ReportMetric(serve.rss, "serve-MiB")
				}
				b.ReportMetric(export.rss, "export-MiB")
				b.ReportMetric(first.rss, "sync-MiB")
				b.ReportMetric(rerun.rss, "rerun-MiB")
				b.ReportMetric(first.rss/export.rss, "sync/export")
				b.ReportMetric(float64(firstReq), "sync-requests")
				b.ReportMetric(float64(requests(b, out)), "rerun-requests")
				b.ReportMetric(export.wall.Seconds(), "export-s")
				b.ReportMetric(first.wall.Seconds(), "sync-s")
			}
		})
	}
}

// writePages writes n distinct pages made from seed (as the exporter's
// benchmark does: 200 roles, 20 disciplines), 100 per subfolder.
func writePages(b *testing.B, seed, dir string, n int) {
	for i := range n {
		const roles = 200
		a := i % roles
		c := (a + 1 + i/roles) % roles
		page := strings.NewReplacer(
			"Intermediate Platform Engineer", fmt.Sprintf("Level %d Practitioner", a),
			"Senior Platform Engineer", fmt.Sprintf("Level %d Practitioner", c),
			"Platform Engineering", fmt.Sprintf("Discipline %d", i%20),
		).Replace(seed)
		p := filepath.Join(dir, fmt.Sprintf("d%03d", i/100), fmt.Sprintf("page-%05d.txt", i))
		if i%100 == 0 {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				b.Fatal(err)
			}
		}
		if err := os.WriteFile(p, []byte(page), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

// startEmulator runs the emulator binary and returns its API URL.
func startEmulator(b *testing.B, bin string) (string, func()) {
	cmd := exec.Command(bin, "-repo", e2eRepo, "-token", e2eToken)
	in, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	url, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		b.Fatalf("emulator: %v", err)
	}
	return strings.TrimSpace(url), func() { in.Close(); _ = cmd.Wait() }
}

type measured struct {
	rss  float64 // peak RSS, MiB
	wall time.Duration
}

// runMeasured runs the binary and returns its peak RSS and stdout.
func runMeasured(b *testing.B, bin string, env []string, args ...string) (measured, []byte) {
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("pathwaysync %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		b.Skip("no rusage on this platform")
	}
	// Linux reports maxrss in KiB.
	return measured{rss: float64(ru.Maxrss) / 1024, wall: time.Since(start)}, out.Bytes()
}

// serveMeasured runs `pathwaysync serve` until its first sync has
// succeeded (/readyz answers 200), stops it and returns its peak RSS.
func serveMeasured(b *testing.B, bin string, env []string) measured {
	addr := strings.TrimPrefix(env[len(env)-2], "PATHWAYSYNC_SERVER_ADDR=")
	cmd := exec.Command(bin, "serve")
	cmd.Env = env
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &errb
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	for get("http://"+addr+"/readyz") != http.StatusOK {
		if time.Since(start) > 10*time.Minute {
			_ = cmd.Process.Kill()
			b.Fatalf("serve: no successful sync in 10 minutes\n%s", errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	wall := time.Since(start)
	_ = cmd.Process.Signal(syscall.SIGTERM)
	_ = cmd.Wait()
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		b.Skip("no rusage on this platform")
	}
	return measured{rss: float64(ru.Maxrss) / 1024, wall: wall}
}

// requests is the request count of a `sync --format json` result.
func requests(b *testing.B, out []byte) int {
	var r struct{ Requests int }
	if err := json.Unmarshal(out, &r); err != nil {
		b.Fatalf("sync output %q: %v", out, err)
	}
	return r.Requests
}
