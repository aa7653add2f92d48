package source

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// TestReadAtMost: the stat size only sizes the buffer; the limit holds
// for a file that grew, and a file that shrank reads short.
func TestReadAtMost(t *testing.T) {
	tests := []struct {
		name            string
		content         string
		size, max       int64
		want            string
		wantErrTooLarge bool
	}{
		{name: "as stated", content: "0123456789", size: 10, max: 10, want: "0123456789"},
		{name: "grew", content: "0123456789", size: 3, max: 100, want: "0123456789"},
		{name: "grew past the limit", content: "0123456789", size: 3, max: 5, wantErrTooLarge: true},
		{name: "stated past the limit", content: "0123456789", size: 10, max: 9, wantErrTooLarge: true},
		{name: "shrank", content: "012", size: 10, max: 100, want: "012"},
		{name: "empty", content: "", size: 0, max: 100, want: ""},
	}
	for _, tt := range tests {
		for _, slow := range []bool{false, true} {
			var r io.Reader = strings.NewReader(tt.content)
			if slow {
				r = iotest.OneByteReader(r)
			}
			got, err := readAtMost(r, tt.size, tt.max)
			if tt.wantErrTooLarge {
				if !errors.Is(err, ErrTooLarge) {
					t.Errorf("%s (one byte at a time: %v): err = %v, want ErrTooLarge", tt.name, slow, err)
				}
				continue
			}
			if err != nil || string(got) != tt.want {
				t.Errorf("%s (one byte at a time: %v) = %q, %v; want %q", tt.name, slow, got, err, tt.want)
			}
		}
	}
	if _, err := readAtMost(iotest.ErrReader(errors.New("disk on fire")), 10, 100); err == nil || err.Error() != "disk on fire" {
		t.Errorf("read error = %v, want it passed through", err)
	}
}

// TestSymlinkedFiles: a folder's symbolic link to a file outside it is
// refused with an error naming the link, and nothing of the target shows;
// links within the folder are read, and FollowSymlinks reads the outside one.
func TestSymlinkedFiles(t *testing.T) {
	const secret = "root:x:0:0:secret first line"
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "passwd"), []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.yaml"), []byte(doc("A Role", "B Role")), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{
		"sub/inside.yaml": filepath.Join("..", "a.yaml"), // within the folder: read
		"passwd.txt":      filepath.Join(outside, "passwd"),
		"dangling.txt":    filepath.Join(outside, "missing"),
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	_, _, err := Load(context.Background(), []string{dir}, Options{})
	if !errors.Is(err, ErrSymlinkOutside) {
		t.Fatalf("err = %v, want ErrSymlinkOutside", err)
	}
	for _, want := range []string{filepath.Join(dir, "passwd.txt"), filepath.Join(dir, "dangling.txt")} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	if strings.Contains(err.Error(), "root:x") || strings.Contains(err.Error(), outside) {
		t.Errorf("error %q shows the target", err)
	}
	if _, _, failures, _ := NewCache(Options{}).Load(context.Background(), []string{dir}); len(failures) != 1 || !errors.Is(failures[0], ErrSymlinkOutside) {
		t.Errorf("cache: failures %v, want ErrSymlinkOutside", failures)
	}

	// Allowed: the target is read as a pathway source (and fails as one).
	if err := os.Remove(filepath.Join(dir, "dangling.txt")); err != nil {
		t.Fatal(err)
	}
	_, _, err = Load(context.Background(), []string{dir}, Options{FollowSymlinks: true})
	if err == nil || errors.Is(err, ErrSymlinkOutside) || !strings.Contains(err.Error(), "passwd.txt") {
		t.Errorf("FollowSymlinks: err = %v, want the target's import error", err)
	}
	// Within the folder only: both names import the same title.
	if err := os.Remove(filepath.Join(dir, "passwd.txt")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Load(context.Background(), []string{dir}, Options{}); !errors.Is(err, ErrDuplicate) {
		t.Errorf("link within the folder: err = %v, want it read (a duplicate of a.yaml)", err)
	}
}
