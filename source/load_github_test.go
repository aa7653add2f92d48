package source

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
)

func TestLoadGitHub(t *testing.T) {
	const catalog = "acme/pathways@main:catalog"
	boom := errors.New("502 Bad Gateway")
	tests := []struct {
		name       string
		folders    map[string]map[string]string // fake key → files
		local      map[string]string
		specs      []string
		noReader   bool
		fail       func(key string) error
		maxBytes   int64
		want       []string
		wantSource []string
		wantWarn   []string
		wantReads  map[string]int
		wantIs     error
		wantErr    []string
	}{
		{
			name: "nested pathway files, sorted by title, other and hidden files skipped",
			folders: map[string]map[string]string{catalog: {
				"b.yaml":            doc("Junior Baker", "Senior Baker"),
				"sub/a.text":        "Junior Archer to Senior Archer\n\n🕑 6-12 months Archery\n\nLearn to hit the target.\n",
				"README.md":         "not a pathway",
				".github/ci.yml":    "\x00",
				"sub/.draft.yaml":   "\x00",
				"sub/deeper/c.YML":  doc("Junior Cook", "Senior Cook"),
				"sub/deeper/d.json": "{}",
			}},
			specs:      []string{"github://acme/pathways/catalog@main"},
			want:       []string{"Junior Archer to Senior Archer", "Junior Baker to Senior Baker", "Junior Cook to Senior Cook"},
			wantSource: []string{"github://acme/pathways/catalog/sub/a.text@main", "github://acme/pathways/catalog/b.yaml@main", "github://acme/pathways/catalog/sub/deeper/c.YML@main"},
			wantReads:  map[string]int{catalog: 1},
		},
		{
			name:       "repository root at the default branch, spec order then title",
			folders:    map[string]map[string]string{"acme/pathways@:": {"z.yaml": doc("Junior Zebra", "Senior Zebra")}},
			local:      map[string]string{"a.yaml": doc("Junior Ant", "Senior Ant")},
			specs:      []string{"a.yaml", "github://acme/pathways/"},
			want:       []string{"Junior Ant to Senior Ant", "Junior Zebra to Senior Zebra"},
			wantSource: []string{"a.yaml", "github://acme/pathways/z.yaml"},
		},
		{
			name:     "folder without pathway files warns",
			folders:  map[string]map[string]string{catalog: {"README.md": "nothing"}},
			specs:    []string{"github://acme/pathways/catalog@main"},
			wantWarn: []string{"github://acme/pathways/catalog@main: no pathway files (.txt .text .html .htm .yaml .yml) in folder"},
		},
		{
			name:    "duplicate between a GitHub file and a local file names both",
			folders: map[string]map[string]string{catalog: {"x.yaml": doc("Junior Tester", "Senior Tester")}},
			local:   map[string]string{"p/b.yaml": doc("junior tester", "senior tester")},
			specs:   []string{"github://acme/pathways/catalog@main", "p"},
			wantIs:  ErrDuplicate,
			wantErr: []string{"github://acme/pathways/catalog/x.yaml@main", "p/b.yaml"},
		},
		{
			name: "duplicate between two GitHub folders names both",
			folders: map[string]map[string]string{
				catalog:                {"x.yaml": doc("Junior Tester", "Senior Tester")},
				"acme/other@v1:extras": {"y.yaml": doc("JUNIOR TESTER", "SENIOR TESTER")},
			},
			specs:   []string{"github://acme/pathways/catalog@main", "github://acme/other/extras@v1"},
			wantIs:  ErrDuplicate,
			wantErr: []string{"github://acme/pathways/catalog/x.yaml@main", "github://acme/other/extras/y.yaml@v1"},
		},
		{
			name:     "size limit",
			folders:  map[string]map[string]string{catalog: {"big.yaml": doc("Junior Big", "Senior Big")}},
			specs:    []string{"github://acme/pathways/catalog@main"},
			maxBytes: 10,
			wantIs:   ErrTooLarge,
			wantErr:  []string{"github://acme/pathways/catalog/big.yaml@main", "10 bytes"},
		},
		{
			name:    "empty file",
			folders: map[string]map[string]string{catalog: {"empty.yaml": " \n"}},
			specs:   []string{"github://acme/pathways/catalog@main"},
			wantIs:  ErrEmpty,
			wantErr: []string{"github://acme/pathways/catalog/empty.yaml@main"},
		},
		{
			name:    "binary file",
			folders: map[string]map[string]string{catalog: {"logo.html": "\x89PNG\r\n\x1a\n\x00"}},
			specs:   []string{"github://acme/pathways/catalog@main"},
			wantIs:  ErrBinary,
			wantErr: []string{"github://acme/pathways/catalog/logo.html@main"},
		},
		{
			name: "every failing document is reported",
			folders: map[string]map[string]string{catalog: {
				"a.yaml": "", "b.yaml": doc("Junior Tester", "Senior Tester"), "c.yaml": "\x00",
			}},
			specs:   []string{"github://acme/pathways/catalog@main", "missing.yaml"},
			wantErr: []string{"catalog/a.yaml@main", "catalog/c.yaml@main", "missing.yaml"},
		},
		{
			name:    "reader failure names the spec",
			folders: map[string]map[string]string{catalog: {"x.yaml": doc("Junior Tester", "Senior Tester")}},
			specs:   []string{"github://acme/pathways/catalog@main"},
			fail:    func(string) error { return boom },
			wantIs:  boom,
			wantErr: []string{"github://acme/pathways/catalog@main"},
		},
		{
			name:    "missing folder",
			specs:   []string{"github://acme/pathways/nope"},
			wantErr: []string{"github://acme/pathways/nope", "404"},
		},
		{
			name:     "no GitHub client configured",
			specs:    []string{"github://acme/pathways/catalog@main"},
			noReader: true,
			wantIs:   ErrNoGitHubClient,
			wantErr:  []string{"github://acme/pathways/catalog@main", "github.token", "GitHub App"},
		},
		{
			name:    "malformed spec",
			specs:   []string{"github://acme"},
			wantErr: []string{"github://acme", "want github://OWNER/REPO/PATH[@REF]"},
		},
		{
			name:    "other schemes are still refused",
			specs:   []string{"s3://bucket/p.yaml"},
			wantErr: []string{"unsupported URL scheme", "s3://bucket/p.yaml"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tt.local)
			t.Chdir(dir)
			gh := newFakeGitHub()
			for key, files := range tt.folders {
				gh.set(key, "v1", files)
			}
			gh.fail = tt.fail
			o := Options{MaxBytes: tt.maxBytes, ReadGitHubFolder: gh.Read}
			if tt.noReader {
				o.ReadGitHubFolder = nil
			}
			ps, ws, err := Load(t.Context(), tt.specs, o)
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v, want errors.Is %v", err, tt.wantIs)
			}
			wantErr(t, err, tt.wantErr...)
			if err != nil {
				if ps != nil {
					t.Errorf("pathways %q returned with an error", titles(ps))
				}
				return
			}
			if got := titles(ps); !slices.Equal(got, tt.want) && len(got)+len(tt.want) > 0 {
				t.Errorf("titles = %q, want %q", got, tt.want)
			}
			if tt.wantSource != nil {
				var sources []string
				for _, p := range ps {
					sources = append(sources, p.Source)
				}
				if !slices.Equal(sources, tt.wantSource) {
					t.Errorf("sources = %q, want %q", sources, tt.wantSource)
				}
			}
			if tt.wantWarn != nil {
				var msgs []string
				for _, w := range ws {
					msgs = append(msgs, w.String())
				}
				if !slices.Equal(msgs, tt.wantWarn) {
					t.Errorf("warnings = %q, want %q", msgs, tt.wantWarn)
				}
			}
			if tt.wantReads != nil {
				if reads := gh.takeReads(); !maps.Equal(reads, tt.wantReads) {
					t.Errorf("reads = %v, want %v", reads, tt.wantReads)
				}
			}
		})
	}
}

func TestLoadGitHubCanceled(t *testing.T) {
	gh := newFakeGitHub()
	gh.set("acme/pathways@:", "v1", map[string]string{"x.yaml": doc("Junior Tester", "Senior Tester")})
	ctx, cancel := context.WithCancel(t.Context())
	gh.onRead = func(string, string, string) { cancel() }
	_, _, err := Load(ctx, []string{"github://acme/pathways"}, Options{ReadGitHubFolder: gh.Read})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}

// TestLoadGitHubSchemeCase proves the scheme is matched in any case, like http(s).
func TestLoadGitHubSchemeCase(t *testing.T) {
	gh := newFakeGitHub()
	gh.set("acme/pathways@:", "v1", map[string]string{"x.yaml": doc("Junior Tester", "Senior Tester")})
	ps, _, err := Load(t.Context(), []string{"GITHUB://acme/pathways"}, Options{ReadGitHubFolder: gh.Read})
	wantErr(t, err)
	if len(ps) != 1 || !strings.HasPrefix(ps[0].Source, "github://acme/pathways/") {
		t.Fatalf("got %+v", ps)
	}
}
