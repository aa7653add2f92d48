package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/pathwaysync/pathwaysync/pathway"
)

// cli runs the command line in-process with an empty environment and
// returns its exit code, stdout and stderr.
func cli(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	if env == nil {
		env = []string{}
	}
	code := runWith(context.Background(), &app{stdout: &out, stderr: &errb, environ: env}, args)
	return code, out.String(), errb.String()
}

func TestVersion(t *testing.T) {
	code, out, _ := cli(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "pathwaysync dev (") {
		t.Fatalf("code %d, out %q", code, out)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"export"},                         // --out missing
		{"export", "--nope", "--out", "x"}, // unknown flag
		{"frobnicate"},                     // unknown command
		{"import"},                         // no source
		{"validate", "--format", "xml"},    // bad format
		{"version", "extra"},               // extra argument
		{"sync", "--format", "yaml"},       // bad format
	} {
		code, _, stderr := cli(t, nil, args...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d (stderr %q)", args, code, exitUsage, stderr)
		}
	}
}

func TestExportEmbeddedExamples(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := cli(t, nil, "export", "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "exported 5 pathways, ") || !strings.Contains(stdout, " to "+out+" in ") {
		t.Fatalf("summary line: %q", stdout)
	}
	for _, f := range []string{"catalog-info.yaml", "pathwaysync-manifest.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Fatal(err)
		}
	}
	// A second export over its own folder works and gives the same bytes.
	before := readTree(t, out)
	if code, _, stderr := cli(t, nil, "export", "--out", out); code != 0 {
		t.Fatalf("re-export: exit %d: %s", code, stderr)
	}
	if after := readTree(t, out); !equalTrees(before, after) {
		t.Fatal("re-export changed bytes")
	}
}

func TestExportRefusesForeignFolder(t *testing.T) {
	out := t.TempDir()
	keep := filepath.Join(out, "precious.txt")
	if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := cli(t, nil, "export", "--out", out)
	if code != exitFail || !strings.Contains(stderr, out) {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if b, err := os.ReadFile(keep); err != nil || string(b) != "mine" {
		t.Fatalf("foreign file touched: %v %q", err, b)
	}
	if err := os.MkdirAll(filepath.Join(out, "notes"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "notes", "todo.md"), []byte("mine too"), 0o644); err != nil {
		t.Fatal(err)
	}
	// --force names every file it removes that pathwaysync did not write.
	code, _, stderr = cli(t, nil, "export", "--force", "--out", out)
	if code != 0 {
		t.Fatalf("--force: exit %d: %s", code, stderr)
	}
	for _, f := range []string{keep, filepath.Join(out, "notes", "todo.md")} {
		if !strings.Contains(stderr, "export: removed "+f+" (not written by pathwaysync)\n") {
			t.Errorf("--force removed %s without naming it: %q", f, stderr)
		}
	}
	// So does a later export for a file added to the exported tree, and
	// only for it.
	added := filepath.Join(out, "pathways", "added.txt")
	if err := os.WriteFile(added, []byte("hand-made"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = cli(t, nil, "export", "--out", out)
	if code != 0 || strings.Count(stderr, "export: removed ") != 1 || !strings.Contains(stderr, "export: removed "+added+" ") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

// TestExportBadInput: every bad source exits 1, names the file, and writes nothing.
func TestExportBadInput(t *testing.T) {
	dir := t.TempDir()
	seed, err := os.ReadFile("../../examples/pathways/intermediate-platform-engineer-to-senior-platform-engineer.txt")
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	big := bytes.Repeat([]byte("Skills to Develop\n"), (5<<20)/18+10)
	dangling := filepath.Join(dir, "gone.txt")
	if err := os.Symlink(filepath.Join(dir, "nowhere"), dangling); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		sources []string
		want    string
	}{
		"empty":      {[]string{write("empty.txt", nil)}, "empty.txt"},
		"binary":     {[]string{write("binary.txt", []byte("\x00\x01\x02ELF\xff\xfe"))}, "binary.txt"},
		"too large":  {[]string{write("big.txt", big)}, "big.txt"},
		"no title":   {[]string{write("notes.txt", []byte("Some words about nothing in particular.\n"))}, "notes.txt"},
		"duplicate":  {[]string{write("a.txt", seed), write("b.txt", seed)}, "b.txt"},
		"unreadable": {[]string{dangling}, "gone.txt"},
		"bad yaml":   {[]string{write("bad.yaml", []byte("apiVersion: pathwaysync.dev/v1\nkind: Pathway\ntitle: A to B\nfrom: {title: A}\nto: {title: B}\ntitel: x\n"))}, "bad.yaml:6"},
	} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			code, _, stderr := cli(t, nil, append([]string{"export", "--out", out}, tc.sources...)...)
			if code != exitFail {
				t.Fatalf("exit %d, want 1 (stderr %q)", code, stderr)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Fatalf("stderr %q does not name %q", stderr, tc.want)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Fatalf("output written despite the error: %v", err)
			}
		})
	}
}

func TestValidateJSON(t *testing.T) {
	code, stdout, stderr := cli(t, nil, "validate", "--format", "json", "../../examples/pathways")
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	var rep validateReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.OK || rep.Pathways != 5 || rep.Entities == 0 {
		t.Fatalf("report %+v", rep)
	}

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("apiVersion: pathwaysync.dev/v1\nkind: Pathway\ntitle: A to B\nfrom: {title: A}\nto: {title: B}\nskills: {oops: 1}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ = cli(t, nil, "validate", "--format", "json", bad)
	if code != exitFail {
		t.Fatalf("exit %d", code)
	}
	rep = validateReport{}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.OK || len(rep.Errors) != 1 || rep.Errors[0].File != bad || rep.Errors[0].Line != 6 || rep.Errors[0].Field != "skills" {
		t.Fatalf("report %+v", rep)
	}
}

func TestImportRoundTrip(t *testing.T) {
	src := "../../examples/pathways/intermediate-platform-engineer-to-senior-platform-engineer.txt"
	code, stdout, stderr := cli(t, nil, "import", src)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	ps, _, err := pathway.Parse("out.yaml", []byte(stdout))
	if err != nil || len(ps) != 1 || ps[0].Title != "Intermediate Platform Engineer to Senior Platform Engineer" || len(ps[0].Skills) != 8 {
		t.Fatalf("re-import: %v %+v", err, ps)
	}

	dir := t.TempDir()
	if code, _, stderr := cli(t, nil, "import", "-o", dir, "../../examples/pathways"); code != 0 {
		t.Fatalf("import -o: exit %d: %s", code, stderr)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(files) != 5 {
		t.Fatalf("import -o wrote %d files, want 5", len(files))
	}
}

func TestConfigPrintRedactsSecrets(t *testing.T) {
	env := []string{"PATHWAYSYNC_GITHUB_TOKEN=ghp_supersecret", "PATHWAYSYNC_SERVER_API_TOKEN=api-supersecret",
		"PATHWAYSYNC_CATALOG_OWNER=group:default/env-team"}
	code, stdout, stderr := cli(t, env, "config", "print")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stdout+stderr, "supersecret") {
		t.Fatalf("secret printed:\n%s", stdout)
	}
	for _, want := range []string{"token: REDACTED", "api_token: REDACTED", "owner: group:default/env-team", "shutdown_timeout: 30s"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("config print lacks %q:\n%s", want, stdout)
		}
	}
}

func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func equalTrees(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestConfigPrintRedactsURLCredentials: credentials inside URL values are
// hidden as logs and errors hide them.
func TestConfigPrintRedactsURLCredentials(t *testing.T) {
	env := []string{"PATHWAYSYNC_GITHUB_API_URL=https://x:ghp_inurl@ghe.example.com/api/v3/",
		"PATHWAYSYNC_SOURCES=https://user:pw_inurl@pages.example.com/p.html"}
	code, stdout, stderr := cli(t, env, "config", "print")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stdout+stderr, "_inurl") {
		t.Fatalf("credential printed:\n%s", stdout)
	}
	for _, want := range []string{"api_url: https://REDACTED@ghe.example.com/api/v3/", "- https://REDACTED@pages.example.com/p.html"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("config print lacks %q:\n%s", want, stdout)
		}
	}
}

// TestReadableSecretFileWarns: a command reading a world-readable token
// file warns on stderr, naming key, file and mode but not the token.
func TestReadableSecretFileWarns(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("mode bits say nothing about readers on Windows")
	}
	token := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(token, []byte("ghp_filesecret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(token, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := cli(t, []string{"PATHWAYSYNC_GITHUB_TOKEN_FILE=" + token}, "config", "print")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "key=github.token_file") || !strings.Contains(stderr, "mode=0644") || !strings.Contains(stderr, token) {
		t.Errorf("no warning naming the key, mode and file:\n%s", stderr)
	}
	if strings.Contains(stdout+stderr, "ghp_filesecret") {
		t.Errorf("token printed")
	}
}

// TestSymlinkOutsideSourceFolder: export of a folder holding a link to a
// file outside it fails naming the link and echoes nothing of the target;
// --follow-symlinks reads it.
func TestSymlinkOutsideSourceFolder(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "passwd")
	if err := os.WriteFile(outside, []byte("root:x:0:0:root:/root:/bin/bash\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(src, "passwd.txt")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	code, stdout, stderr := cli(t, nil, "validate", src)
	if code == 0 || !strings.Contains(stdout+stderr, filepath.Join(src, "passwd.txt")) || strings.Contains(stdout+stderr, "root:x") {
		t.Errorf("exit %d, want an error naming the link and nothing of the target:\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = cli(t, nil, "validate", "--follow-symlinks", src)
	if code == 0 || !strings.Contains(stdout+stderr, "root:x") {
		t.Errorf("--follow-symlinks: exit %d, want the target read (and failing as a page):\n%s%s", code, stdout, stderr)
	}
}
