package source

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// load runs one Cache.Load and returns titles, failing sources and the error.
func load(t *testing.T, c *Cache, specs ...string) ([]string, []string, error) {
	t.Helper()
	ps, _, failures, err := c.Load(t.Context(), specs)
	if err != nil && ps != nil {
		t.Errorf("pathways %q returned with error %v", titles(ps), err)
	}
	var failed []string
	for _, f := range failures {
		failed = append(failed, f.Source)
		if f.Err == nil {
			t.Errorf("failure %q without an error", f.Source)
		}
	}
	return titles(ps), failed, err
}

func TestCacheURL(t *testing.T) {
	const lm = "Sat, 28 Nov 2026 04:00:00 GMT"
	srv := newServer(t, map[string]page{
		"/etag.yaml": {body: doc("Junior Tester", "Senior Tester"), etag: `"v1"`, lastModified: lm},
		"/lm.yaml":   {body: doc("Junior Lamp", "Senior Lamp"), lastModified: lm},
	})
	c := NewCache(Options{})
	specs := []string{srv.URL + "/etag.yaml", srv.URL + "/lm.yaml"}

	steps := []struct {
		name       string
		change     func()
		want       []string
		wantFailed []string
		wantHits   []hit // path, validators sent, status and body bytes
	}{
		{
			name: "first load transfers both bodies",
			want: []string{"Junior Tester to Senior Tester", "Junior Lamp to Senior Lamp"},
			wantHits: []hit{
				{path: "/etag.yaml", status: 200, bodyBytes: len(doc("Junior Tester", "Senior Tester"))},
				{path: "/lm.yaml", status: 200, bodyBytes: len(doc("Junior Lamp", "Senior Lamp"))},
			},
		},
		{
			name: "second load is conditional and transfers no body",
			want: []string{"Junior Tester to Senior Tester", "Junior Lamp to Senior Lamp"},
			wantHits: []hit{
				{path: "/etag.yaml", ifNoneMatch: `"v1"`, ifModifiedSince: lm, status: 304},
				{path: "/lm.yaml", ifModifiedSince: lm, status: 304},
			},
		},
		{
			name:   "changed content is fetched and imported",
			change: func() { srv.set("/etag.yaml", page{body: doc("Junior Prober", "Senior Prober"), etag: `"v2"`}) },
			want:   []string{"Junior Prober to Senior Prober", "Junior Lamp to Senior Lamp"},
			wantHits: []hit{
				{path: "/etag.yaml", ifNoneMatch: `"v1"`, ifModifiedSince: lm, status: 200, bodyBytes: len(doc("Junior Prober", "Senior Prober"))},
				{path: "/lm.yaml", ifModifiedSince: lm, status: 304},
			},
		},
		{
			name:       "failing source keeps its last good content and is reported",
			change:     func() { srv.set("/etag.yaml", page{status: http.StatusNotFound}) },
			want:       []string{"Junior Prober to Senior Prober", "Junior Lamp to Senior Lamp"},
			wantFailed: []string{srv.URL + "/etag.yaml"},
			wantHits: []hit{
				{path: "/etag.yaml", ifNoneMatch: `"v2"`, status: 404},
				{path: "/lm.yaml", ifModifiedSince: lm, status: 304},
			},
		},
		{
			name: "content that no longer imports keeps the last good content",
			change: func() {
				srv.set("/etag.yaml", page{body: "apiVersion: pathwaysync.dev/v1\nkind: Pathway\n", etag: `"v3"`})
			},
			want:       []string{"Junior Prober to Senior Prober", "Junior Lamp to Senior Lamp"},
			wantFailed: []string{srv.URL + "/etag.yaml"},
			wantHits: []hit{
				{path: "/etag.yaml", ifNoneMatch: `"v2"`, status: 200, bodyBytes: len("apiVersion: pathwaysync.dev/v1\nkind: Pathway\n")},
				{path: "/lm.yaml", ifModifiedSince: lm, status: 304},
			},
		},
		{
			name:   "recovered source",
			change: func() { srv.set("/etag.yaml", page{body: doc("Junior Tester", "Senior Tester"), etag: `"v4"`}) },
			want:   []string{"Junior Tester to Senior Tester", "Junior Lamp to Senior Lamp"},
			wantHits: []hit{
				{path: "/etag.yaml", ifNoneMatch: `"v2"`, status: 200, bodyBytes: len(doc("Junior Tester", "Senior Tester"))},
				{path: "/lm.yaml", ifModifiedSince: lm, status: 304},
			},
		},
	}
	for _, st := range steps {
		if st.change != nil {
			st.change()
		}
		got, failed, err := load(t, c, specs...)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if !slices.Equal(got, st.want) {
			t.Errorf("%s: titles = %q, want %q", st.name, got, st.want)
		}
		if !slices.Equal(failed, st.wantFailed) {
			t.Errorf("%s: failed = %q, want %q", st.name, failed, st.wantFailed)
		}
		hits := srv.takeHits()
		for i := range hits {
			hits[i].userAgent = ""
		}
		if !slices.Equal(hits, st.wantHits) {
			t.Errorf("%s: requests\n got %+v\nwant %+v", st.name, hits, st.wantHits)
		}
	}
}

func TestCacheNeverLoaded(t *testing.T) {
	srv := newServer(t, map[string]page{"/ok.yaml": {body: doc("Junior Tester", "Senior Tester")}})
	c := NewCache(Options{})
	got, failed, err := load(t, c, srv.URL+"/ok.yaml", srv.URL+"/missing.yaml")
	if err == nil || len(got) != 0 {
		t.Fatalf("titles %q, err %v; want no pathways and an error", got, err)
	}
	wantErr(t, err, srv.URL+"/missing.yaml", "404")
	if !slices.Equal(failed, []string{srv.URL + "/missing.yaml"}) {
		t.Errorf("failed = %q", failed)
	}
	// Once it loads, a later failure falls back instead of failing the load.
	srv.set("/missing.yaml", page{body: doc("Junior Late", "Senior Late")})
	if _, _, err := load(t, c, srv.URL+"/ok.yaml", srv.URL+"/missing.yaml"); err != nil {
		t.Fatal(err)
	}
	srv.set("/missing.yaml", page{status: http.StatusInternalServerError})
	got, failed, err = load(t, NewCache(Options{HTTPClient: &http.Client{}}), srv.URL+"/missing.yaml")
	if err == nil || len(got) != 0 || len(failed) != 1 {
		t.Fatalf("fresh cache: titles %q, failed %q, err %v; want an error", got, failed, err)
	}
}

func TestCacheFiles(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeFiles(t, dir, map[string]string{
		"p/a.yaml":     doc("Junior Archer", "Senior Archer"),
		"p/b.yaml":     doc("Junior Baker", "Senior Baker"),
		"single.yaml":  doc("Junior Solo", "Senior Solo"),
		"q/keep.yaml":  doc("Junior Keeper", "Senior Keeper"),
		"q/.skip.yaml": "\x00",
	})
	c := NewCache(Options{})
	specs := []string{"p", "single.yaml", "q"}
	all := []string{"Junior Archer to Senior Archer", "Junior Baker to Senior Baker", "Junior Solo to Senior Solo", "Junior Keeper to Senior Keeper"}
	write := func(name, content string) func() {
		return func() {
			if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	steps := []struct {
		name       string
		change     func()
		want       []string
		wantFailed []string
		wantErrIs  error
	}{
		{name: "first load", want: all},
		{name: "unchanged", want: all},
		{
			name:   "edited file is re-imported",
			change: write("p/b.yaml", doc("Junior Brewer", "Senior Brewer")),
			want:   []string{"Junior Archer to Senior Archer", "Junior Brewer to Senior Brewer", "Junior Solo to Senior Solo", "Junior Keeper to Senior Keeper"},
		},
		{
			name:       "emptied file keeps its last good content",
			change:     write("p/b.yaml", ""),
			want:       []string{"Junior Archer to Senior Archer", "Junior Brewer to Senior Brewer", "Junior Solo to Senior Solo", "Junior Keeper to Senior Keeper"},
			wantFailed: []string{"p/b.yaml"},
		},
		{
			name: "file replaced by a dangling symlink keeps its last good content",
			change: func() {
				_ = os.Remove("single.yaml")
				if err := os.Symlink("gone.yaml", "single.yaml"); err != nil {
					t.Fatal(err)
				}
			},
			want:       []string{"Junior Archer to Senior Archer", "Junior Brewer to Senior Brewer", "Junior Solo to Senior Solo", "Junior Keeper to Senior Keeper"},
			wantFailed: []string{"p/b.yaml", "single.yaml"},
		},
		{
			name: "a file deleted from a folder is gone; a deleted folder keeps its content",
			change: func() {
				write("p/b.yaml", doc("Junior Brewer", "Senior Brewer"))()
				_ = os.Remove("single.yaml")
				write("single.yaml", doc("Junior Solo", "Senior Solo"))()
				if err := os.Remove("p/a.yaml"); err != nil {
					t.Fatal(err)
				}
				if err := os.RemoveAll("q"); err != nil {
					t.Fatal(err)
				}
			},
			want:       []string{"Junior Brewer to Senior Brewer", "Junior Solo to Senior Solo", "Junior Keeper to Senior Keeper"},
			wantFailed: []string{"q"},
		},
		{
			name: "a folder emptied of pathway files keeps its content",
			change: func() {
				if err := os.Mkdir("q", 0o755); err != nil {
					t.Fatal(err)
				}
			},
			want:       []string{"Junior Brewer to Senior Brewer", "Junior Solo to Senior Solo", "Junior Keeper to Senior Keeper"},
			wantFailed: []string{"q"},
		},
		{
			name:      "a new file duplicating a title fails the load",
			change:    write("p/dup.yaml", doc("junior solo", "senior solo")),
			wantErrIs: ErrDuplicate,
		},
		{
			name:      "a new broken file that never loaded fails the load",
			change:    func() { _ = os.Remove("p/dup.yaml"); write("p/new.yaml", "\x00")() },
			wantErrIs: ErrBinary,
		},
	}
	for _, st := range steps {
		if st.change != nil {
			st.change()
		}
		got, failed, err := load(t, c, specs...)
		if st.wantErrIs != nil {
			if !errors.Is(err, st.wantErrIs) {
				t.Errorf("%s: error %v, want %v", st.name, err, st.wantErrIs)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if !slices.Equal(got, st.want) {
			t.Errorf("%s: titles = %q, want %q", st.name, got, st.want)
		}
		if !slices.Equal(failed, st.wantFailed) {
			t.Errorf("%s: failed = %q, want %q", st.name, failed, st.wantFailed)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "p")); err != nil {
		t.Fatal(err)
	}
}

func TestCacheResultsAreCopies(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.yaml": doc("Junior Tester", "Senior Tester") + "skills:\n  - Write tests\n"})
	c := NewCache(Options{})
	ps, _, _, err := c.Load(t.Context(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	ps[0].Title = "changed"
	ps[0].Skills[0] = "changed"
	ps, _, _, err = c.Load(t.Context(), []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if ps[0].Title != "Junior Tester to Senior Tester" || ps[0].Skills[0] != "Write tests" {
		t.Fatalf("cached pathway was modified through a previous result: %+v", ps[0])
	}
}
