package exporter

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pathwaysync/pathwaysync/pathway"
)

const seedFile = "intermediate-platform-engineer-to-senior-platform-engineer.txt"

// pageGen makes distinct page texts from the seed page: pathway i runs
// between two of 200 roles in one of 20 disciplines, so roles and
// disciplines are shared as on the real site.
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

// export is the whole pipeline: import page texts, render (entities are
// validated inside Render), write the tree.
func export(b *testing.B, g pageGen, n int, dir string) WriteStats {
	// Pages are independent: import them on every core, as a loader may.
	parsed := make([][]pathway.Pathway, n)
	errs := make([]error, n)
	parallel(n, func(i int) {
		parsed[i], _, errs[i] = pathway.Parse(fmt.Sprintf("page-%d.txt", i), g.page(i))
	})
	ps := make([]pathway.Pathway, 0, n)
	for i := range parsed {
		if errs[i] != nil {
			b.Fatal(errs[i])
		}
		ps = append(ps, parsed[i]...)
	}
	res, err := Render(ps, Options{})
	if err != nil {
		b.Fatal(err)
	}
	st, err := Write(context.Background(), dir, res, WriteOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return st
}

// BenchmarkExport10k exports 1k, 5k and 10k generated pathways (import,
// render, validate, write) to show linear growth; target for 10k: ≤2 s
// and ≤256 MiB peak RSS on 2 cores.
func BenchmarkExport10k(b *testing.B) {
	g := newPageGen(b)
	for _, n := range []int{1000, 5000, 10000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			dir := filepath.Join(b.TempDir(), "tree")
			b.ReportAllocs()
			var st WriteStats
			for i := 0; i < b.N; i++ {
				st = export(b, g, n, dir)
			}
			b.ReportMetric(float64(st.Files), "files")
			b.ReportMetric(float64(st.Bytes)/(1<<20), "MiB-written")
		})
	}
}
