package source

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pathwaysync/pathwaysync/pathway"
)

// doc returns a minimal canonical YAML pathway from role a to role b.
func doc(a, b string) string {
	return fmt.Sprintf("apiVersion: pathwaysync.dev/v1\nkind: Pathway\ntitle: %s to %s\nfrom:\n  title: %s\nto:\n  title: %s\n", a, b, a, b)
}

// writeFiles creates files (name → content) under dir; a content of
// "<dir>" makes a folder, "<symlink:T>" a symlink to T.
func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch {
		case content == "<dir>":
			err = os.MkdirAll(p, 0o755)
		case strings.HasPrefix(content, "<symlink:"):
			err = os.Symlink(strings.TrimSuffix(strings.TrimPrefix(content, "<symlink:"), ">"), p)
		default:
			err = os.WriteFile(p, []byte(content), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// titles lists the pathways' titles in order.
func titles(ps []pathway.Pathway) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.Title)
	}
	return out
}

// wantErr fails t unless err is nil exactly when want is empty and, when not,
// contains every want substring.
func wantErr(t *testing.T, err error, want ...string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want one containing %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}
