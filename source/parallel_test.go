package source

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
)

// TestLoadParallelDeterministic: parsing on several goroutines gives the
// same pathways, warnings and errors, in the same order, every time and at
// any GOMAXPROCS.
func TestLoadParallelDeterministic(t *testing.T) {
	good, bad := t.TempDir(), t.TempDir()
	files := map[string]string{}
	for i := range 60 {
		files[fmt.Sprintf("d%d/p%02d.yaml", i%3, i)] = doc(fmt.Sprintf("Junior R%02d", i), fmt.Sprintf("Senior R%02d", 59-i))
	}
	writeFiles(t, good, files)
	files["d1/broken.yaml"] = "apiVersion: pathwaysync.dev/v1\nkind: Pathway\ntitle: A to B\nfrom: {title: A}\nto: {title: B}\ntitel: x\n"
	files["d2/empty.txt"] = ""
	files["d0/dup.yaml"] = doc("Junior R07", "Senior R52")
	writeFiles(t, bad, files)

	type result struct {
		titles []string
		warns  int
		err    string
	}
	load := func(dir string) result {
		ps, ws, err := Load(t.Context(), []string{dir}, Options{})
		r := result{titles: titles(ps), warns: len(ws)}
		if err != nil {
			r.err = err.Error()
		}
		return r
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, dir := range []string{good, bad} {
		runtime.GOMAXPROCS(1)
		want := load(dir)
		for _, procs := range []int{2, 4, 8} {
			runtime.GOMAXPROCS(procs)
			for range 3 {
				if got := load(dir); !slices.Equal(got.titles, want.titles) || got.warns != want.warns || got.err != want.err {
					t.Fatalf("GOMAXPROCS=%d: %+v, want %+v", procs, got, want)
				}
			}
		}
	}
	if r := load(good); len(r.titles) != 60 || r.err != "" {
		t.Errorf("good folder: %+v", r)
	}
	r := load(bad)
	for _, w := range []string{"broken.yaml:6", "empty.txt"} {
		wantErr(t, fmt.Errorf("%s", r.err), w)
	}
}
