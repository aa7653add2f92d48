package githubsync

import (
	"testing"
)

// TestPushedFolderIsTheRenderedTree backs the decision not to set a
// commit status: the bot commit's managed folder holds exactly the
// rendered files, whatever the base folder held. A hand-broken copy of
// the root Location, a broken entity file a person added under the
// folder and a hand edit of a generated file are all replaced or
// deleted, so validating the pushed folder could only repeat the checks
// the exporter already passed when it rendered the tree.
func TestPushedFolderIsTheRenderedTree(t *testing.T) {
	v := newEnv(t)
	ps := samples(3)
	files := renderTree(ps)
	v.seedBase(files)
	hand := map[string][]byte{
		testPath + "/catalog-info.yaml":                    []byte("apiVersion: backstage.io/v1alpha1\nkind: Location\nspec: {targets: [./hand/broken.yaml]}\n"),
		testPath + "/hand/broken.yaml":                     []byte("kind: Component\nmetadata: {name: Not_Valid!!}\nspec: [unclosed\n"),
		testPath + "/pathways/hand-made/catalog-info.yaml": []byte("kind: Component\nmetadata:\n  name: hand-made\n"),
	}
	for p, d := range files {
		if kind, _, ok := entityKey(p); ok && kind == kindPathway {
			hand[testPath+"/"+p] = append(append([]byte(nil), d...), "\n# edited by hand\n"...)
			break
		}
	}
	if _, err := v.e.Commit(testRepo, "main", hand, "Hand edits inside the managed folder\n"); err != nil {
		t.Fatal(err)
	}
	next := clone(ps)
	next[0].Summary = "Changed."
	want := renderTree(next)
	res := v.publish(v.publisher(nil), want)
	if res.Action != ActionCreated || len(res.Deleted) != 2 {
		t.Fatalf("%s, deleted %v", res.Action, res.Deleted)
	}
	v.checkBranch("pathwaysync/update", "main", want) // the folder is exactly want, outside untouched
}
