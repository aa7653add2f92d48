package source

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"
)

func TestLoadPaths(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		specs    []string
		maxBytes int64
		want     []string
		wantWarn []string // warning messages, in order
		wantIs   error
		wantErr  []string
	}{
		{
			name:  "one file",
			files: map[string]string{"a.yaml": doc("Junior Tester", "Senior Tester")},
			specs: []string{"a.yaml"},
			want:  []string{"Junior Tester to Senior Tester"},
		},
		{
			name: "folder walked recursively, sorted by title, other and hidden files skipped",
			files: map[string]string{
				"p/b.yaml":           doc("Junior Baker", "Senior Baker"),
				"p/sub/a.yml":        doc("Junior Archer", "Senior Archer"),
				"p/sub/deeper/c.YML": doc("Junior Cook", "Senior Cook"),
				"p/notes.md":         "not a pathway",
				"p/data.json":        "{}",
				"p/.hidden.yaml":     doc("Junior Hidden", "Senior Hidden"),
				"p/.git/x.yaml":      doc("Junior Git", "Senior Git"),
				"p/.cache/y.yaml":    "\x00\x01",
			},
			specs: []string{"p"},
			want:  []string{"Junior Archer to Senior Archer", "Junior Baker to Senior Baker", "Junior Cook to Senior Cook"},
		},
		{
			name: "spec order first, then title",
			files: map[string]string{
				"p/z.yaml": doc("Junior Zebra", "Senior Zebra"),
				"p/y.yaml": doc("Junior Yak", "Senior Yak"),
				"a.yaml":   doc("Junior Ant", "Senior Ant"),
			},
			specs: []string{"p", "a.yaml"},
			want:  []string{"Junior Yak to Senior Yak", "Junior Zebra to Senior Zebra", "Junior Ant to Senior Ant"},
		},
		{
			name:  "a file named explicitly is read whatever its extension",
			files: map[string]string{"pathway.conf": "Junior Tester to Senior Tester\n\n🕑 6-12 months Quality Engineering\n\nLearn to own the test strategy of a service.\n"},
			specs: []string{"pathway.conf"},
			want:  []string{"Junior Tester to Senior Tester"},
		},
		{
			name:     "empty folder warns",
			files:    map[string]string{"p/readme.md": "nothing here"},
			specs:    []string{"p"},
			wantWarn: []string{"no pathway files (.txt .text .html .htm .yaml .yml) in folder"},
		},
		{
			name:    "empty file",
			files:   map[string]string{"p/empty.yaml": ""},
			specs:   []string{"p"},
			wantIs:  ErrEmpty,
			wantErr: []string{"p/empty.yaml"},
		},
		{
			name:    "whitespace-only file",
			files:   map[string]string{"blank.txt": " \n\t\n"},
			specs:   []string{"blank.txt"},
			wantIs:  ErrEmpty,
			wantErr: []string{"blank.txt"},
		},
		{
			name:    "binary file",
			files:   map[string]string{"p/logo.html": "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"},
			specs:   []string{"p"},
			wantIs:  ErrBinary,
			wantErr: []string{"p/logo.html"},
		},
		{
			name:    "invalid UTF-8",
			files:   map[string]string{"latin1.txt": "Junior Caf\xe9 Worker to Senior Caf\xe9 Worker\n"},
			specs:   []string{"latin1.txt"},
			wantIs:  ErrBinary,
			wantErr: []string{"latin1.txt"},
		},
		{
			name:     "size limit",
			files:    map[string]string{"p/big.yaml": doc("Junior Big", "Senior Big") + "# " + strings.Repeat("x", 200) + "\n"},
			specs:    []string{"p"},
			maxBytes: 100,
			wantIs:   ErrTooLarge,
			wantErr:  []string{"p/big.yaml", "100 bytes"},
		},
		{
			name:     "file exactly at the size limit is read",
			files:    map[string]string{"a.yaml": doc("Junior Edge", "Senior Edge")},
			specs:    []string{"a.yaml"},
			maxBytes: int64(len(doc("Junior Edge", "Senior Edge"))),
			want:     []string{"Junior Edge to Senior Edge"},
		},
		{
			name:    "missing path",
			specs:   []string{"nope/missing.yaml"},
			wantIs:  fs.ErrNotExist,
			wantErr: []string{"nope/missing.yaml"},
		},
		{
			name:    "dangling symlink given as a spec",
			files:   map[string]string{"link.yaml": "<symlink:gone.yaml>"},
			specs:   []string{"link.yaml"},
			wantIs:  fs.ErrNotExist,
			wantErr: []string{"link.yaml"},
		},
		{
			name: "dangling symlink inside a folder",
			files: map[string]string{
				"p/ok.yaml":   doc("Junior Tester", "Senior Tester"),
				"p/link.yaml": "<symlink:gone.yaml>",
			},
			specs:   []string{"p"},
			wantIs:  fs.ErrNotExist,
			wantErr: []string{"p/link.yaml"},
		},
		{
			name: "symlink to a folder named like a file",
			files: map[string]string{
				"real/x.yaml":   doc("Junior Tester", "Senior Tester"),
				"p/folder.yaml": "<symlink:../real>",
			},
			specs:   []string{"p"},
			wantErr: []string{"p/folder.yaml", "is a directory"},
		},
		{
			name: "duplicate pathway across two files, case-insensitive",
			files: map[string]string{
				"p/a.yaml": doc("Junior Tester", "Senior Tester"),
				"q/b.yaml": doc("junior tester", "senior tester"),
			},
			specs:   []string{"p", "q"},
			wantIs:  ErrDuplicate,
			wantErr: []string{"p/a.yaml", "q/b.yaml"},
		},
		{
			name:    "same file twice",
			files:   map[string]string{"a.yaml": doc("Junior Tester", "Senior Tester")},
			specs:   []string{"a.yaml", "a.yaml"},
			wantIs:  ErrDuplicate,
			wantErr: []string{"a.yaml"},
		},
		{
			name: "every failing file is reported",
			files: map[string]string{
				"p/a.yaml": "",
				"p/b.yaml": doc("Junior Tester", "Senior Tester"),
				"p/c.yaml": "\x00",
			},
			specs:   []string{"p", "missing"},
			wantErr: []string{"p/a.yaml", "p/c.yaml", "missing"},
		},
		{
			name:    "unsupported scheme",
			specs:   []string{"ftp://user:hunter2@example.com/p.yaml"},
			wantErr: []string{"unsupported URL scheme", "ftp://"},
		},
		{
			name:   "no specs",
			wantIs: ErrNoSources,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tt.files)
			t.Chdir(dir)
			ps, ws, err := Load(t.Context(), tt.specs, Options{MaxBytes: tt.maxBytes})
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v, want errors.Is %v", err, tt.wantIs)
			}
			if tt.wantIs == nil || len(tt.wantErr) > 0 {
				wantErr(t, err, tt.wantErr...)
			}
			if err != nil {
				if ps != nil {
					t.Errorf("pathways %q returned with an error", titles(ps))
				}
				if strings.Contains(err.Error(), dir) {
					t.Errorf("error %q names the absolute path; want names as given", err)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Errorf("error %q leaks a password", err)
				}
				return
			}
			if got := titles(ps); !slices.Equal(got, tt.want) {
				t.Errorf("titles = %q, want %q", got, tt.want)
			}
			if tt.wantWarn == nil {
				return // the importer's own warnings are its business
			}
			var msgs []string
			for _, w := range ws {
				msgs = append(msgs, w.Msg)
			}
			if !slices.Equal(msgs, tt.wantWarn) {
				t.Errorf("warnings = %q, want %q", msgs, tt.wantWarn)
			}
		})
	}
}

func TestLoadSourceNamesAsGiven(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"p/a.yaml": doc("Junior Tester", "Senior Tester")})
	t.Chdir(dir)
	ps, _, err := Load(t.Context(), []string{"./p/"}, Options{})
	wantErr(t, err)
	if len(ps) != 1 || ps[0].Source != "p/a.yaml" {
		t.Fatalf("Source = %q, want %q", ps[0].Source, "p/a.yaml")
	}
}

func TestLoadExamples(t *testing.T) {
	ps, ws, err := Load(t.Context(), []string{"../examples/pathways"}, Options{})
	wantErr(t, err)
	// Section sizes prove every example imports completely, in its format.
	type sizes struct {
		title                               string
		focus, skills, behaviours, projects int
		ai, reading, courses, archetypes    int
	}
	want := []sizes{
		{"Graduate Software Engineer to Junior Software Engineer", 3, 4, 3, 3, 3, 2, 1, 2},
		{"Intermediate Data Engineer to Senior Data Engineer", 6, 9, 6, 7, 5, 5, 4, 2},
		{"Intermediate Platform Engineer to Senior Platform Engineer", 5, 8, 7, 6, 6, 5, 4, 2},
		{"Junior Software Engineer to Intermediate Software Engineer", 4, 6, 5, 4, 0, 3, 2, 2},
		{"Senior Platform Engineer to Lead Platform Engineer", 4, 6, 5, 5, 4, 4, 3, 2},
	}
	var got []sizes
	for _, p := range ps {
		s := sizes{title: p.Title, focus: len(p.FocusAreas), skills: len(p.Skills), behaviours: len(p.Behaviours),
			projects: len(p.Projects), reading: len(p.Reading), courses: len(p.Courses)}
		if p.AILiteracy != nil {
			s.ai = len(p.AILiteracy.Items)
		}
		if p.Archetypes != nil {
			s.archetypes = len(p.Archetypes.Roles)
		}
		got = append(got, s)
	}
	if !slices.Equal(got, want) {
		t.Errorf("examples\n got %+v\nwant %+v", got, want)
	}
	for _, w := range ws {
		t.Errorf("unexpected warning: %s", w)
	}
}

func TestLoadFiles(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string][]byte
		max     int64
		want    []string
		wantIs  error
		wantErr []string
	}{
		{
			name: "sorted by title",
			files: map[string][]byte{
				"docs/z.yaml": []byte(doc("Junior Zebra", "Senior Zebra")),
				"docs/a.yaml": []byte(doc("Junior Yak", "Senior Yak")),
			},
			want: []string{"Junior Yak to Senior Yak", "Junior Zebra to Senior Zebra"},
		},
		{
			name: "duplicate names both documents",
			files: map[string][]byte{
				"docs/one.yaml": []byte(doc("Junior Tester", "Senior Tester")),
				"docs/two.yaml": []byte(doc("JUNIOR TESTER", "SENIOR TESTER")),
			},
			wantIs:  ErrDuplicate,
			wantErr: []string{"docs/one.yaml", "docs/two.yaml"},
		},
		{
			name:    "size limit",
			files:   map[string][]byte{"docs/big.yaml": []byte(doc("Junior Big", "Senior Big"))},
			max:     10,
			wantIs:  ErrTooLarge,
			wantErr: []string{"docs/big.yaml", "10 bytes"},
		},
		{
			name:    "binary",
			files:   map[string][]byte{"docs/x.yaml": {0xff, 0xfe, 0x00}},
			wantIs:  ErrBinary,
			wantErr: []string{"docs/x.yaml"},
		},
		{
			name:   "nothing",
			wantIs: ErrNoSources,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, _, err := LoadFiles(tt.files, Options{MaxBytes: tt.max})
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %v, want errors.Is %v", err, tt.wantIs)
			}
			if tt.wantIs == nil || len(tt.wantErr) > 0 {
				wantErr(t, err, tt.wantErr...)
			}
			if got := titles(ps); !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("titles = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLoadBytes(t *testing.T) {
	ps, _, err := LoadBytes("gh/p.yaml", []byte(doc("Junior Tester", "Senior Tester")), Options{})
	wantErr(t, err)
	if len(ps) != 1 || ps[0].Source != "gh/p.yaml" {
		t.Fatalf("got %+v, want one pathway from gh/p.yaml", ps)
	}
	_, _, err = LoadBytes("gh/empty.yaml", nil, Options{})
	if !errors.Is(err, ErrEmpty) {
		t.Fatalf("error %v, want ErrEmpty", err)
	}
	wantErr(t, err, "gh/empty.yaml")
}

func TestLoadCanceled(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.yaml": doc("Junior Tester", "Senior Tester")})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, _, err := Load(ctx, []string{dir}, Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}
