package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ownTeam is an owner of the user's: not in the exported tree.
const ownTeam = "group:default/platform-team"

// ownerConfig writes a configuration file naming owner as catalog.owner.
func ownerConfig(t *testing.T, owner string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "pathwaysync.yaml")
	if err := os.WriteFile(p, []byte("catalog:\n  owner: "+owner+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestValidateOwnerOutsideTree: an owner of the user's is not in the
// exported tree, so validate warns that it must exist in the catalog,
// and still exits 0; the default owner is in the tree and draws no
// warning. The examples are the sources.
func TestValidateOwnerOutsideTree(t *testing.T) {
	warning := "warning: catalog.owner " + ownTeam + " (spec.owner) is not in the exported tree: it must exist in your Backstage catalog"
	for _, tc := range []struct {
		name     string
		env      []string
		args     []string
		stdout   string
		warnings int
	}{
		{"default owner", nil, []string{"validate"}, "ok: 5 pathways, 19 entities valid\n", 0},
		{"owner from the config file", nil, []string{"validate", "--config", ownerConfig(t, ownTeam)}, "ok: 5 pathways, 17 entities valid\n", 1},
		{"owner from the environment", []string{"PATHWAYSYNC_CATALOG_OWNER=" + ownTeam}, []string{"validate"}, "ok: 5 pathways, 17 entities valid\n", 1},
		// The generated Group, named explicitly, is the default one.
		{"default owner named", nil, []string{"validate", "--config", ownerConfig(t, "group:pathways/learning-pathways")}, "ok: 5 pathways, 19 entities valid\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := cli(t, tc.env, tc.args...)
			if code != 0 || stdout != tc.stdout {
				t.Fatalf("exit %d, stdout %q (want %q), stderr %q", code, stdout, tc.stdout, stderr)
			}
			if n := strings.Count(stderr, "is not in the exported tree"); n != tc.warnings || tc.warnings > 0 && !strings.Contains(stderr, warning) {
				t.Errorf("%d warnings about refs outside the tree, want %d; stderr:\n%s", n, tc.warnings, stderr)
			}
			if tc.warnings == 0 && strings.Contains(stderr, "warning") {
				t.Errorf("stderr: %s", stderr)
			}

			// The JSON report carries the same warning and says ok.
			code, stdout, _ = cli(t, tc.env, append(tc.args, "--format", "json")...)
			var rep validateReport
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
				t.Fatalf("%v: %s", err, stdout)
			}
			n := 0
			for _, w := range rep.Warnings {
				if strings.Contains(w, "is not in the exported tree") {
					n++
				}
			}
			if code != 0 || !rep.OK || n != tc.warnings || len(rep.Errors) != 0 {
				t.Errorf("--format json: exit %d, report %+v", code, rep)
			}
		})
	}
}

// TestValidateCatalogOwnerOutsideTree: `validate --catalog` on a folder
// exported with an owner of the user's warns that the owner is not
// defined in the tree, and exits 0; on the default export it does not.
func TestValidateCatalogOwnerOutsideTree(t *testing.T) {
	for _, tc := range []struct {
		name   string
		env    []string
		stdout string
		warned bool
	}{
		{"default owner", nil, "ok: 19 files, 19 entities, 0 warnings\n", false},
		{"owner of the user's", []string{"PATHWAYSYNC_CATALOG_OWNER=" + ownTeam}, "ok: 17 files, 17 entities, 1 warning\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "catalog")
			if code, _, stderr := cli(t, tc.env, "export", "--out", out); code != 0 {
				t.Fatalf("export: exit %d: %s", code, stderr)
			}
			// The folder alone says who owns it: no configuration here.
			code, stdout, stderr := cli(t, nil, "validate", "--catalog", out)
			if code != 0 || stdout != tc.stdout {
				t.Fatalf("exit %d, stdout %q (want %q), stderr %q", code, stdout, tc.stdout, stderr)
			}
			warning := ": warning: spec.owner: " + ownTeam + " is not defined in this tree (first of 16 references)"
			if got := strings.Contains(stderr, warning); got != tc.warned || !tc.warned && stderr != "" {
				t.Errorf("stderr %q, want the owner warning: %v", stderr, tc.warned)
			}
		})
	}
}
