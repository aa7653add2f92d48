package source

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestGitHubFolderFetch(t *testing.T) {
	files := map[string][]byte{
		"pathways/a.txt":        []byte("a"),
		"pathways/b.HTML":       []byte("b"),
		"pathways/c.yaml":       []byte("c"),
		"pathways/d.yml":        []byte("d"),
		"pathways/e.htm":        []byte("e"),
		"pathways/README.md":    []byte("skip"),
		"pathways/.hidden.txt":  []byte("skip"),
		"pathways/sub/f.txt":    []byte("skip"),
		"other/g.txt":           []byte("skip"),
		"pathways/../../h.yaml": []byte("skip"),
	}
	tests := []struct {
		name    string
		folder  GitHubFolder
		want    []string
		wantErr string
	}{
		{name: "filters by extension and folder", folder: GitHubFolder{Repository: "o/r", Ref: "main", Path: "pathways/"},
			want: []string{"a.txt", "b.HTML", "c.yaml", "d.yml", "e.htm"}},
		{name: "bad repository", folder: GitHubFolder{Repository: "nope", Path: "pathways"}, wantErr: "repository must be owner/name"},
		{name: "escaping path", folder: GitHubFolder{Repository: "o/r", Path: "../x"}, wantErr: "not a clean relative folder"},
		{name: "size limit", folder: GitHubFolder{Repository: "o/r", Path: "pathways", MaxFileBytes: 0}, want: []string{"a.txt", "b.HTML", "c.yaml", "d.yml", "e.htm"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var gotArgs []string
			tt.folder.Read = func(ctx context.Context, repository, ref, path string) (map[string][]byte, string, error) {
				gotArgs = []string{repository, ref, path}
				return files, "sha1", nil
			}
			got, version, err := tt.folder.FetchVersion(context.Background())
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if version != "sha1" {
				t.Errorf("version = %q", version)
			}
			if gotArgs[2] != "pathways" {
				t.Errorf("Read path = %q, want trimmed folder", gotArgs[2])
			}
			var names []string
			for n := range got {
				names = append(names, n)
			}
			if !reflect.DeepEqual(sortStrings(names), sortStrings(tt.want)) {
				t.Errorf("names = %v, want %v", names, tt.want)
			}
			if string(got["a.txt"]) != "a" {
				t.Errorf("content of a.txt = %q", got["a.txt"])
			}
		})
	}
}

func TestGitHubFolderErrors(t *testing.T) {
	boom := errors.New("boom")
	g := GitHubFolder{Repository: "o/r", Path: "p", Read: func(context.Context, string, string, string) (map[string][]byte, string, error) {
		return nil, "", boom
	}}
	if _, err := g.Fetch(context.Background()); !errors.Is(err, boom) || !strings.Contains(err.Error(), "github:o/r:p") {
		t.Errorf("err = %v, want wrapped boom naming the folder", err)
	}
	g = GitHubFolder{Repository: "o/r", MaxFileBytes: 2, Read: func(context.Context, string, string, string) (map[string][]byte, string, error) {
		return map[string][]byte{"big.txt": []byte("123")}, "", nil
	}}
	if _, err := g.Fetch(context.Background()); err == nil || !strings.Contains(err.Error(), "big.txt") {
		t.Errorf("err = %v, want size error naming big.txt", err)
	}
	if _, err := (&GitHubFolder{Repository: "o/r"}).Fetch(context.Background()); err == nil {
		t.Error("no reader: want error")
	}
}

func sortStrings(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
