package source

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestCacheGitHub(t *testing.T) {
	const (
		key  = "acme/pathways@main:catalog"
		spec = "github://acme/pathways/catalog@main"
	)
	t.Chdir(t.TempDir())
	writeFiles(t, ".", map[string]string{"local.yaml": doc("Junior Solo", "Senior Solo")})
	gh := newFakeGitHub()
	files := func(pairs ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i+1 < len(pairs); i += 2 {
			m[pairs[i]] = pairs[i+1]
		}
		return m
	}
	a, b := doc("Junior Archer", "Senior Archer"), doc("Junior Baker", "Senior Baker")
	gh.set(key, "t1", files("a.yaml", a, "sub/b.yaml", b, "README.md", "x"))
	var logs bytes.Buffer
	c := NewCache(Options{ReadGitHubFolder: gh.Read, Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	specs := []string{spec, "local.yaml"}
	boom := errors.New("503 Service Unavailable")
	var failing bool
	gh.fail = func(string) error {
		if failing {
			return boom
		}
		return nil
	}
	steps := []struct {
		name       string
		change     func()
		want       []string
		wantFailed []string
		wantErrIs  error
		wantErr    []string
		notParsed  bool // the folder's version was unchanged: no document was imported
	}{
		{name: "first load", want: []string{"Junior Archer to Senior Archer", "Junior Baker to Senior Baker", "Junior Solo to Senior Solo"}},
		{
			name:      "unchanged version reuses the documents without importing",
			want:      []string{"Junior Archer to Senior Archer", "Junior Baker to Senior Baker", "Junior Solo to Senior Solo"},
			notParsed: true,
		},
		{
			// The version is the contract: content under an unchanged tree
			// SHA is not looked at, which proves the parse was skipped.
			name:      "content is trusted to follow the version",
			change:    func() { gh.set(key, "t1", files("a.yaml", doc("Junior Ghost", "Senior Ghost"), "sub/b.yaml", b)) },
			want:      []string{"Junior Archer to Senior Archer", "Junior Baker to Senior Baker", "Junior Solo to Senior Solo"},
			notParsed: true,
		},
		{
			name:   "new version re-imports changed files",
			change: func() { gh.set(key, "t2", files("a.yaml", a, "sub/b.yaml", doc("Junior Brewer", "Senior Brewer"))) },
			want:   []string{"Junior Archer to Senior Archer", "Junior Brewer to Senior Brewer", "Junior Solo to Senior Solo"},
		},
		{
			name:       "failing folder keeps its last good content and is reported",
			change:     func() { failing = true },
			want:       []string{"Junior Archer to Senior Archer", "Junior Brewer to Senior Brewer", "Junior Solo to Senior Solo"},
			wantFailed: []string{spec},
		},
		{
			name: "folder listing no pathway file keeps its last good content",
			change: func() {
				failing = false
				gh.set(key, "t3", files("README.md", "moved"))
			},
			want:       []string{"Junior Archer to Senior Archer", "Junior Brewer to Senior Brewer", "Junior Solo to Senior Solo"},
			wantFailed: []string{spec},
		},
		{
			name:       "a broken file keeps its last good content; the others update",
			change:     func() { gh.set(key, "t4", files("a.yaml", "\x00", "sub/b.yaml", b)) },
			want:       []string{"Junior Archer to Senior Archer", "Junior Baker to Senior Baker", "Junior Solo to Senior Solo"},
			wantFailed: []string{"github://acme/pathways/catalog/a.yaml@main"},
		},
		{
			name:       "the broken file is reported again while the version stays",
			want:       []string{"Junior Archer to Senior Archer", "Junior Baker to Senior Baker", "Junior Solo to Senior Solo"},
			wantFailed: []string{"github://acme/pathways/catalog/a.yaml@main"},
		},
		{
			name:   "a file deleted from the folder is gone",
			change: func() { gh.set(key, "t5", files("sub/b.yaml", b)) },
			want:   []string{"Junior Baker to Senior Baker", "Junior Solo to Senior Solo"},
		},
		{
			name:      "a GitHub file duplicating a local title fails the load, naming both",
			change:    func() { gh.set(key, "t6", files("sub/b.yaml", b, "dup.yaml", doc("junior solo", "senior solo"))) },
			wantErrIs: ErrDuplicate,
			wantErr:   []string{"github://acme/pathways/catalog/dup.yaml@main", "local.yaml"},
		},
		{
			name:      "a new broken file that never loaded fails the load",
			change:    func() { gh.set(key, "t7", files("sub/b.yaml", b, "new.yaml", "")) },
			wantErrIs: ErrEmpty,
			wantErr:   []string{"github://acme/pathways/catalog/new.yaml@main"},
		},
		{
			name:   "recovered",
			change: func() { gh.set(key, "t8", files("sub/b.yaml", b)) },
			want:   []string{"Junior Baker to Senior Baker", "Junior Solo to Senior Solo"},
		},
	}
	for _, st := range steps {
		if st.change != nil {
			st.change()
		}
		logs.Reset()
		got, failed, err := load(t, c, specs...)
		if reads := gh.takeReads(); !maps.Equal(reads, map[string]int{key: 1}) {
			t.Errorf("%s: reads = %v, want one read of the folder", st.name, reads)
		}
		if st.wantErrIs != nil {
			if !errors.Is(err, st.wantErrIs) {
				t.Errorf("%s: error %v, want %v", st.name, err, st.wantErrIs)
			}
			wantErr(t, err, st.wantErr...)
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
		imported := strings.Contains(logs.String(), `msg="imported source" source=github://`)
		if skipped := strings.Contains(logs.String(), "source not modified"); skipped != st.notParsed || (st.notParsed && imported) {
			t.Errorf("%s: not-modified logged %v, imported %v; want skip %v\n%s", st.name, skipped, imported, st.notParsed, logs.String())
		}
	}
}

// TestCacheGitHubFailures covers loads that must fail rather than publish a
// set missing a folder that never loaded.
func TestCacheGitHubFailures(t *testing.T) {
	boom := errors.New("401 Bad credentials")
	tests := []struct {
		name       string
		spec       string
		noReader   bool
		set        bool
		fail       error
		wantFailed string
		wantIs     error
		wantErr    []string
	}{
		{name: "folder that never loaded", spec: "github://acme/pathways/catalog", set: true, fail: boom,
			wantFailed: "github://acme/pathways/catalog", wantIs: boom, wantErr: []string{"github://acme/pathways/catalog", "401"}},
		{name: "missing folder", spec: "github://acme/pathways/nope",
			wantFailed: "github://acme/pathways/nope", wantErr: []string{"github://acme/pathways/nope", "404"}},
		{name: "no GitHub client", spec: "github://acme/pathways/catalog", set: true, noReader: true,
			wantFailed: "github://acme/pathways/catalog", wantIs: ErrNoGitHubClient, wantErr: []string{"github://acme/pathways/catalog", "github.token_file"}},
		{name: "malformed spec", spec: "github://acme/pathways@", set: true,
			wantFailed: "github://acme/pathways@", wantErr: []string{"github://acme/pathways@", "empty ref"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gh := newFakeGitHub()
			if tt.set {
				gh.set("acme/pathways@:catalog", "t1", map[string]string{"x.yaml": doc("Junior Tester", "Senior Tester")})
			}
			gh.fail = func(string) error { return tt.fail }
			o := Options{ReadGitHubFolder: gh.Read}
			if tt.noReader {
				o.ReadGitHubFolder = nil
			}
			c := NewCache(o)
			got, failed, err := load(t, c, tt.spec)
			if len(got) != 0 {
				t.Errorf("titles %q, want none", got)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v, want errors.Is %v", err, tt.wantIs)
			}
			wantErr(t, err, tt.wantErr...)
			if !slices.Equal(failed, []string{tt.wantFailed}) {
				t.Errorf("failed = %q, want %q", failed, tt.wantFailed)
			}
		})
	}
}

// TestCacheGitHubSpecForms proves one folder written two ways shares one
// cache entry, and a folder dropped from the specs is forgotten.
func TestCacheGitHubSpecForms(t *testing.T) {
	gh := newFakeGitHub()
	gh.set("acme/pathways@:catalog", "t1", map[string]string{"x.yaml": doc("Junior Tester", "Senior Tester")})
	c := NewCache(Options{ReadGitHubFolder: gh.Read})
	if _, _, err := load(t, c, "github://acme/pathways/catalog/"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := load(t, c, "GITHUB://acme/pathways/catalog"); err != nil {
		t.Fatal(err)
	}
	if len(c.github) != 1 || c.github["github://acme/pathways/catalog"] == nil {
		t.Fatalf("cache entries %v, want one under the canonical spec", slices.Collect(maps.Keys(c.github)))
	}
	// Listing the same folder twice defines every title twice.
	_, _, err := load(t, c, "github://acme/pathways/catalog", "github://acme/pathways/catalog/")
	if !errors.Is(err, ErrDuplicate) {
		t.Fatalf("error %v, want ErrDuplicate", err)
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.yaml": doc("Junior Ant", "Senior Ant")})
	if _, _, err := load(t, c, dir); err != nil {
		t.Fatal(err)
	}
	if len(c.github) != 0 || len(c.files) != 1 {
		t.Fatalf("after dropping the folder: %d GitHub entries, %d files cached; want 0 and 1", len(c.github), len(c.files))
	}
	// A folder that comes back is a fresh source: its failure is fatal again.
	gh.fail = func(string) error { return errors.New("boom") }
	if _, _, err := load(t, c, "github://acme/pathways/catalog"); err == nil {
		t.Fatal("forgotten folder failing: want an error")
	}
}

func TestCacheGitHubCanceled(t *testing.T) {
	gh := newFakeGitHub()
	gh.set("acme/pathways@:", "t1", map[string]string{"x.yaml": doc("Junior Tester", "Senior Tester")})
	c := NewCache(Options{ReadGitHubFolder: gh.Read})
	if _, _, err := load(t, c, "github://acme/pathways"); err != nil {
		t.Fatal(err)
	}
	gh.set("acme/pathways@:", "t2", map[string]string{"x.yaml": doc("Junior Tester", "Senior Tester")})
	ctx, cancel := context.WithCancel(t.Context())
	gh.onRead = func(string, string, string) { cancel() }
	_, _, failures, err := c.Load(ctx, []string{"github://acme/pathways"})
	if !errors.Is(err, context.Canceled) || len(failures) != 0 {
		t.Fatalf("error %v, failures %v; want context.Canceled and no failure", err, failures)
	}
	gh.onRead = nil
	if _, failed, err := load(t, c, "github://acme/pathways"); err != nil || len(failed) != 0 {
		t.Fatalf("after cancel: failed %q, err %v", failed, err)
	}
}
