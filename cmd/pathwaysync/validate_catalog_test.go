package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// exportExamples exports the embedded examples into a fresh folder.
func exportExamples(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "catalog")
	if code, _, stderr := cli(t, nil, "export", "--out", out); code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	return out
}

// handEdit replaces old with new in file, as someone editing the catalog
// repository by hand would.
func handEdit(t *testing.T, file, old, new string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not contain %q", file, old)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestValidateCatalogExport(t *testing.T) {
	dir := exportExamples(t)
	code, stdout, stderr := cli(t, nil, "validate", "--catalog", dir)
	// No warning: the owner Group is in the tree, behind its own Location.
	if code != 0 || !strings.HasPrefix(stdout, "ok: 19 files, 19 entities, 0 warnings\n") || strings.Contains(stderr, "warning") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	// The root file works as the argument too.
	code, stdout, _ = cli(t, nil, "validate", "--catalog", filepath.Join(dir, "catalog-info.yaml"), "--format", "json")
	var rep catalogReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if code != 0 || !rep.OK || rep.Files != 19 || rep.Entities != 19 || len(rep.Errors) != 0 || len(rep.Warnings) != 0 {
		t.Fatalf("exit %d, report %+v", code, rep)
	}
}

func TestValidateCatalogHandEdits(t *testing.T) {
	dir := exportExamples(t)
	role := filepath.Join(dir, "roles", "lead-platform-engineer", "catalog-info.yaml")
	handEdit(t, role, "name: lead-platform-engineer", "name: lead platform engineer")
	handEdit(t, role, "  - role-archetype", "  - Role_Archetype")
	code, stdout, _ := cli(t, nil, "validate", "--catalog", dir)
	want := []string{
		role + ":11: metadata.name: \"lead platform engineer\" must be 1-63 characters of [a-zA-Z0-9] separated by [-_.]",
		role + ":14: metadata.tags[0]: \"Role_Archetype\" must be 1-63 characters of [a-z0-9:+#] separated by single [-]",
	}
	if code != exitFail || stdout != strings.Join(want, "\n")+"\n" {
		t.Fatalf("exit %d, stdout:\n%s\nwant:\n%s", code, stdout, strings.Join(want, "\n"))
	}

	code, stdout, _ = cli(t, nil, "validate", "--catalog", dir, "--format", "json")
	var rep catalogReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if code != exitFail || rep.OK || len(rep.Errors) != 2 || rep.Errors[0].File != role || rep.Errors[0].Line != 11 ||
		rep.Errors[0].Field != "metadata.name" || rep.Errors[0].Entity != "resource:pathways/lead platform engineer" {
		t.Fatalf("exit %d, report %+v", code, rep)
	}
	// The pathway that led to the role now points at nothing.
	if len(rep.Warnings) != 1 || rep.Warnings[0].Field != "spec.dependsOn[0]" {
		t.Fatalf("warnings %+v", rep.Warnings)
	}
}

func TestValidateCatalogGitHubFormat(t *testing.T) {
	dir := exportExamples(t)
	root := filepath.Join(dir, "catalog-info.yaml")
	// A target that is missing; its name carries the characters a workflow
	// command must escape.
	handEdit(t, root, "  - ./systems/software-engineering/catalog-info.yaml\n", "  - ./systems/software-engineering/catalog-info.yaml\n  - \"./100%,a:b.yaml\"\n")
	code, stdout, _ := cli(t, nil, "validate", "--catalog", dir, "--format", "github")
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	want := "::error file=" + escapeProperty(root) + ",line=27,title=spec.targets[17]::target 100%25,a:b.yaml does not exist"
	if code != exitFail || len(lines) != 2 || !strings.HasPrefix(lines[0], want) || lines[1] != "1 error: 19 files, 19 entities, 0 warnings" {
		t.Fatalf("exit %d, stdout:\n%s\nwant first line %s", code, stdout, want)
	}
	if escapeProperty("a\nb") != "a%0Ab" || escapeData("x\r\n::y") != "x%0D%0A::y" {
		t.Fatal("escaping")
	}
}

func TestValidateCatalogUsage(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"validate", "--catalog", dir, "extra"},
		{"validate", "--catalog", dir, "--format", "xml"},
		{"validate", "--format", "github", "../../examples/pathways"}, // github is for --catalog only
	} {
		if code, _, stderr := cli(t, nil, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (stderr %q)", args, code, exitUsage, stderr)
		}
	}
	// A folder without a root file fails, naming it.
	code, _, stderr := cli(t, nil, "validate", "--catalog", dir)
	if code != exitFail || !strings.Contains(stderr, "catalog-info.yaml") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	// --allow-kinds narrows the kinds.
	code, stdout, _ := cli(t, nil, "validate", "--catalog", "../../catalog/testdata/tree", "--allow-kinds", "Location,Component,Resource")
	if code != exitFail || !strings.Contains(stdout, "systems.yaml:2: kind: \"System\" is not an allowed kind") {
		t.Fatalf("exit %d, stdout %s", code, stdout)
	}
}

// BenchmarkValidateCatalog measures `validate --catalog` on the export of
// 1,000 pathways (2,003 catalog files, 1,000 TechDocs folders).
func BenchmarkValidateCatalog(b *testing.B) {
	src := b.TempDir()
	writePathways(b, src, 1000, "")
	out := filepath.Join(b.TempDir(), "catalog")
	var stdout, stderr strings.Builder
	a := &app{stdout: &stdout, stderr: &stderr, environ: []string{}}
	if code := runWith(b.Context(), a, []string{"export", "--out", out, src}); code != 0 {
		b.Fatalf("export: exit %d: %s", code, stderr.String())
	}
	for b.Loop() {
		stdout.Reset()
		if code := runWith(b.Context(), a, []string{"validate", "--catalog", out}); code != 0 {
			b.Fatalf("exit %d: %s", code, stdout.String())
		}
	}
	b.Log(strings.TrimSpace(stdout.String()))
}
