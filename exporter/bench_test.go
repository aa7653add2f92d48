package exporter

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pathwaysync/pathwaysync/source"
)

const seedFile = "intermediate-platform-engineer-to-senior-platform-engineer.txt"

// pageGen makes distinct page texts from the seed page (9.2 KB of page
// text, 11 files and ~12 KB of output per pathway): pathway i runs between
// two of 200 roles in one of 20 disciplines, so roles and disciplines are
// shared as on the real site.
type pageGen struct{ seed string }

func newPageGen(b testing.TB) pageGen {
	data, err := os.ReadFile(filepath.Join(examplesDir, seedFile))
	if err != nil {
		b.Fatal(err)
	}
	return pageGen{seed: string(data)}
}

func (g pageGen) page(i int) []byte {
	const roles = 200
	a := i % roles
	c := (a + 1 + i/roles) % roles
	r := strings.NewReplacer(
		"Intermediate Platform Engineer", fmt.Sprintf("Level %d Practitioner", a),
		"Senior Platform Engineer", fmt.Sprintf("Level %d Practitioner", c),
		"Platform Engineering", fmt.Sprintf("Discipline %d", i%20),
	)
	return []byte(r.Replace(g.seed))
}

// writePages writes n generated pages into a folder (100 per subfolder)
// and returns it with their total size.
func writePages(b *testing.B, g pageGen, n int) (string, int64) {
	dir := filepath.Join(b.TempDir(), "pages")
	var size int64
	for i := range n {
		p := filepath.Join(dir, fmt.Sprintf("d%03d", i/100), fmt.Sprintf("page-%05d.txt", i))
		if i%100 == 0 {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				b.Fatal(err)
			}
		}
		data := g.page(i)
		size += int64(len(data))
		if err := os.WriteFile(p, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir, size
}

// BenchmarkExport10k is `pathwaysync export` for 1k, 5k and 10k generated
// seed-sized pages: source.Load of a folder of page files (read, import in
// parallel), then Export (render, validate, write 11 files per pathway into
// a fresh folder, swap). The folders are under TMPDIR (tmpfs or disk: say
// which with the figures). Target for 10k on 2 cores: ≤2 s and ≤256 MiB
// peak RSS (measure RSS one size at a time under /usr/bin/time -v).
//
// The collector runs with GOGC=50, as `pathwaysync export` sets it, unless
// BENCH_GOGC says otherwise (e.g. 100, the Go default). load-s/op and
// export-s/op split the time between source.Load and Export.
func BenchmarkExport10k(b *testing.B) {
	defer debug.SetGCPercent(debug.SetGCPercent(benchGOGC()))
	g := newPageGen(b)
	ctx := context.Background()
	for _, n := range []int{1000, 5000, 10000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			src, size := writePages(b, g, n)
			out := b.TempDir()
			// Start as the export command does: without the generator's
			// garbage on the heap.
			runtime.GC()
			b.ReportAllocs()
			b.ResetTimer()
			var sum Summary
			var load, export time.Duration
			for i := 0; i < b.N; i++ {
				start := time.Now()
				ps, _, err := source.Load(ctx, []string{src}, source.Options{})
				if err != nil {
					b.Fatal(err)
				}
				mid := time.Now()
				dir := filepath.Join(out, fmt.Sprint(i))
				if sum, err = Export(ctx, dir, ps, Options{}, WriteOptions{}); err != nil {
					b.Fatal(err)
				}
				load += mid.Sub(start)
				export += time.Since(mid)
				if sum.Pathways != n {
					b.Fatalf("exported %d pathways, want %d", sum.Pathways, n)
				}
				b.StopTimer()
				if err := os.RemoveAll(dir); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(load.Seconds()/float64(b.N), "load-s/op")
			b.ReportMetric(export.Seconds()/float64(b.N), "export-s/op")
			b.ReportMetric(float64(sum.Files), "files")
			b.ReportMetric(float64(sum.Bytes)/(1<<20), "MiB-written")
			b.ReportMetric(float64(size)/(1<<20), "MiB-read")
		})
	}
}

// benchGOGC is the GC percent for BenchmarkExport10k: $BENCH_GOGC or 50.
func benchGOGC() int {
	if v, err := strconv.Atoi(os.Getenv("BENCH_GOGC")); err == nil {
		return v
	}
	return 50
}

// BenchmarkReexport10k is the export that replaces an earlier tree of the
// same 10k pages: it also reads the old manifest's names, lists the old
// tree's files for foreign ones and removes the old tree. Peak RSS under
// /usr/bin/time -v covers both exports.
func BenchmarkReexport10k(b *testing.B) {
	defer debug.SetGCPercent(debug.SetGCPercent(benchGOGC()))
	ctx := context.Background()
	src, _ := writePages(b, newPageGen(b), 10000)
	dir := filepath.Join(b.TempDir(), "out")
	ps, _, err := source.Load(ctx, []string{src}, source.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := Export(ctx, dir, ps, Options{}, WriteOptions{}); err != nil {
		b.Fatal(err)
	}
	ps = nil
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		ps, _, err := source.Load(ctx, []string{src}, source.Options{})
		if err != nil {
			b.Fatal(err)
		}
		sum, err := Export(ctx, dir, ps, Options{}, WriteOptions{})
		if err != nil || len(sum.Foreign) > 0 {
			b.Fatal(err, sum.Foreign)
		}
	}
}
