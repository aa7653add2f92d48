package source

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
)

// fakeGitHub is a hand-written ReadGitHubFolder: folders are keyed by
// "owner/name@ref:path", reads are counted, and the function fields inject
// failures or observe calls.
type fakeGitHub struct {
	mu      sync.Mutex
	folders map[string]fakeFolder
	reads   map[string]int
	// fail, when set, is asked before every read; a non-nil error is returned.
	fail func(key string) error
	// onRead, when set, sees every read's arguments.
	onRead func(repository, ref, path string)
}

// fakeFolder is one folder's files (relative name → content) and version.
type fakeFolder struct {
	files   map[string]string
	version string
}

func newFakeGitHub() *fakeGitHub {
	return &fakeGitHub{folders: map[string]fakeFolder{}, reads: map[string]int{}}
}

func fakeKey(repository, ref, path string) string { return repository + "@" + ref + ":" + path }

// set replaces a folder's files and version.
func (f *fakeGitHub) set(key, version string, files map[string]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.folders[key] = fakeFolder{files: files, version: version}
}

// takeReads returns and resets the read counts.
func (f *fakeGitHub) takeReads() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.reads
	f.reads = map[string]int{}
	return r
}

// Read implements Options.ReadGitHubFolder; a folder never set is "not found".
func (f *fakeGitHub) Read(ctx context.Context, repository, ref, path string) (map[string][]byte, string, error) {
	key := fakeKey(repository, ref, path)
	f.mu.Lock()
	f.reads[key]++
	folder, ok := f.folders[key]
	fail, onRead := f.fail, f.onRead
	f.mu.Unlock()
	if onRead != nil {
		onRead(repository, ref, path)
	}
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	if fail != nil {
		if err := fail(key); err != nil {
			return nil, "", err
		}
	}
	if !ok {
		return nil, "", errors.New("404 Not Found")
	}
	out := make(map[string][]byte, len(folder.files))
	for name, content := range folder.files {
		out[name] = []byte(content)
	}
	return out, folder.version, nil
}

func TestParseGitHubSpec(t *testing.T) {
	tests := []struct {
		spec    string
		want    GitHubFolder
		canon   string
		wantErr []string
	}{
		{spec: "github://acme/pathways/catalog@main", want: GitHubFolder{Repository: "acme/pathways", Ref: "main", Path: "catalog"}},
		{spec: "github://acme/pathways", want: GitHubFolder{Repository: "acme/pathways"}},
		{spec: "github://acme/pathways/", want: GitHubFolder{Repository: "acme/pathways"}, canon: "github://acme/pathways"},
		{spec: "github://acme/pathways@v1.2.0", want: GitHubFolder{Repository: "acme/pathways", Ref: "v1.2.0"}},
		{spec: "github://acme/pathways/a/b c/@release/2026.1", want: GitHubFolder{Repository: "acme/pathways", Ref: "release/2026.1", Path: "a/b c"},
			canon: "github://acme/pathways/a/b c@release/2026.1"},
		{spec: "GitHub://Acme-Org/my_repo.go/docs@0123456789abcdef0123456789abcdef01234567",
			want:  GitHubFolder{Repository: "Acme-Org/my_repo.go", Ref: "0123456789abcdef0123456789abcdef01234567", Path: "docs"},
			canon: "github://Acme-Org/my_repo.go/docs@0123456789abcdef0123456789abcdef01234567"},
		{spec: "github://acme", wantErr: []string{"github://acme", "missing repository", "github://OWNER/REPO/PATH[@REF]"}},
		{spec: "github://", wantErr: []string{"missing repository"}},
		{spec: "github:///acme/pathways", wantErr: []string{"must be owner/name"}},
		{spec: "github://acme/pathways/p@", wantErr: []string{"github://acme/pathways/p@", "empty ref"}},
		{spec: "github://acme/pathways/../secrets", wantErr: []string{"not a clean relative folder"}},
		{spec: "github://acme/pathways/a//b", wantErr: []string{"not a clean relative folder"}},
		{spec: "github://acme/pathways/./a", wantErr: []string{"not a clean relative folder"}},
		{spec: "github://acme/pathways/a\\b", wantErr: []string{"not a clean relative folder"}},
		{spec: "github://acme/pathways/a\nb", wantErr: []string{"not a clean relative folder"}},
		{spec: "github://ac me/pathways", wantErr: []string{"must be owner/name"}},
		{spec: "github://-acme/pathways", wantErr: []string{"must be owner/name"}},
		{spec: "github://acme/..", wantErr: []string{"must be owner/name"}},
		{spec: "github://acme/pathways@main branch", wantErr: []string{"ref", "not a valid"}},
		{spec: "github://acme/pathways@a..b", wantErr: []string{"not a valid"}},
		{spec: "github://acme/pathways@-x", wantErr: []string{"not a valid"}},
		{spec: "github://acme/pathways@x.lock", wantErr: []string{"not a valid"}},
		{spec: "github://acme/pathways@x:y", wantErr: []string{"not a valid"}},
		{spec: "https://github.com/acme/pathways", wantErr: []string{"not a github:// spec"}},
		{spec: "github://user:hunter2@acme/pathways", wantErr: []string{"github://xxxxx@acme/pathways"}},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			got, err := ParseGitHubSpec(tt.spec)
			if len(tt.wantErr) > 0 {
				wantErr(t, err, tt.wantErr...)
				if err != nil && strings.Contains(err.Error(), "hunter2") {
					t.Errorf("error %q leaks a password", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Repository != tt.want.Repository || got.Ref != tt.want.Ref || got.Path != tt.want.Path || got.Read != nil {
				t.Errorf("got %+v, want %+v", *got, tt.want)
			}
			canon := tt.canon
			if canon == "" {
				canon = tt.spec
			}
			if got.String() != canon {
				t.Errorf("String() = %q, want %q", got.String(), canon)
			}
			again, err := ParseGitHubSpec(got.String())
			if err != nil || again.String() != got.String() {
				t.Errorf("canonical form %q does not parse back: %v", got.String(), err)
			}
		})
	}
}

func TestIsGitHubSpec(t *testing.T) {
	for spec, want := range map[string]bool{
		"github://acme/pathways": true,
		"GITHUB://acme/pathways": true,
		"github://":              true,
		"github:acme/pathways":   false,
		"github":                 false,
		"https://github.com/a/b": false,
		"pathways/github://x":    false,
	} {
		if got := IsGitHubSpec(spec); got != want {
			t.Errorf("IsGitHubSpec(%q) = %v, want %v", spec, got, want)
		}
	}
}

func TestGitHubFolderDocumentName(t *testing.T) {
	tests := []struct {
		folder GitHubFolder
		rel    string
		want   string
	}{
		{GitHubFolder{Repository: "acme/pathways", Ref: "main", Path: "catalog"}, "x.yaml", "github://acme/pathways/catalog/x.yaml@main"},
		{GitHubFolder{Repository: "acme/pathways", Path: "/catalog/"}, "sub/x.yaml", "github://acme/pathways/catalog/sub/x.yaml"},
		{GitHubFolder{Repository: "acme/pathways", Ref: "release/1"}, "x.yaml", "github://acme/pathways/x.yaml@release/1"},
		{GitHubFolder{Repository: "acme/pathways", Ref: "main"}, "", "github://acme/pathways@main"},
	}
	for _, tt := range tests {
		if got := tt.folder.DocumentName(tt.rel); got != tt.want {
			t.Errorf("DocumentName(%q) = %q, want %q", tt.rel, got, tt.want)
		}
	}
}

func TestGitHubFolderFetch(t *testing.T) {
	files := map[string]string{
		"a.txt":               "a",
		"b.HTML":              "b",
		"c.yaml":              "c",
		"d.yml":               "d",
		"e.htm":               "e",
		"f.text":              "f",
		"sub/deeper/g.txt":    "g",
		"win\\h.yaml":         "h",
		"README.md":           "skip",
		".hidden.txt":         "skip",
		".github/ci.yml":      "skip",
		"sub/.cache/x.yaml":   "skip",
		"../escape.yaml":      "skip",
		"/abs.yaml":           "skip",
		"sub//double.yaml":    "skip",
		"sub/./dot.yaml":      "skip",
		"sub/notes.json":      "skip",
		"big.yaml":            "0123456789",
		"sub/ctl\x01name.txt": "skip",
	}
	all := []string{"a.txt", "b.HTML", "big.yaml", "c.yaml", "d.yml", "e.htm", "f.text", "sub/deeper/g.txt", "win/h.yaml"}
	tests := []struct {
		name     string
		folder   GitHubFolder
		want     []string
		wantArgs []string
		wantIs   error
		wantErr  []string
	}{
		{name: "pathway files anywhere under the folder, hidden and escaping names skipped",
			folder: GitHubFolder{Repository: "o/r", Ref: "main", Path: "/pathways/"}, want: all, wantArgs: []string{"o/r", "main", "pathways"}},
		{name: "root folder and default branch", folder: GitHubFolder{Repository: "o/r"}, want: all, wantArgs: []string{"o/r", "", ""}},
		{name: "size limit names the document", folder: GitHubFolder{Repository: "o/r", Ref: "main", Path: "p", MaxFileBytes: 5},
			wantIs: ErrTooLarge, wantErr: []string{"github://o/r/p/big.yaml@main", "5 bytes"}},
		{name: "bad repository", folder: GitHubFolder{Repository: "nope", Path: "pathways"}, wantErr: []string{"github://nope/pathways", "must be owner/name"}},
		{name: "escaping path", folder: GitHubFolder{Repository: "o/r", Path: "../x"}, wantErr: []string{"not a clean relative folder"}},
		{name: "bad ref", folder: GitHubFolder{Repository: "o/r", Ref: "a b"}, wantErr: []string{"not a valid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotArgs []string
			tt.folder.Read = func(_ context.Context, repository, ref, path string) (map[string][]byte, string, error) {
				gotArgs = []string{repository, ref, path}
				out := map[string][]byte{}
				for k, v := range files {
					out[k] = []byte(v)
				}
				return out, "sha1", nil
			}
			got, version, err := tt.folder.FetchVersion(t.Context())
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v, want errors.Is %v", err, tt.wantIs)
			}
			if len(tt.wantErr) > 0 {
				wantErr(t, err, tt.wantErr...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if version != "sha1" {
				t.Errorf("version = %q", version)
			}
			if !slices.Equal(gotArgs, tt.wantArgs) {
				t.Errorf("Read(%q), want %q", gotArgs, tt.wantArgs)
			}
			if names := slices.Sorted(maps.Keys(got)); !slices.Equal(names, tt.want) {
				t.Errorf("names = %q, want %q", names, tt.want)
			}
			if string(got["sub/deeper/g.txt"]) != "g" {
				t.Errorf("content of sub/deeper/g.txt = %q", got["sub/deeper/g.txt"])
			}
		})
	}
}

func TestGitHubFolderErrors(t *testing.T) {
	boom := errors.New("boom")
	g := GitHubFolder{Repository: "o/r", Path: "p", Read: func(context.Context, string, string, string) (map[string][]byte, string, error) {
		return nil, "", boom
	}}
	if _, err := g.Fetch(t.Context()); !errors.Is(err, boom) || !strings.Contains(err.Error(), "github://o/r/p") {
		t.Errorf("err = %v, want wrapped boom naming the folder", err)
	}
	if _, err := (&GitHubFolder{Repository: "o/r"}).Fetch(t.Context()); !errors.Is(err, ErrNoGitHubClient) {
		t.Errorf("no reader: err = %v, want ErrNoGitHubClient", err)
	}
}
