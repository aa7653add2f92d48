package pathway

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// examplesDir holds the example pathways written for users (.txt, .html, .yaml).
const examplesDir = "../examples/pathways"

// exampleFiles lists the example pathway files, skipping the test when none exist.
func exampleFiles(t testing.TB) []string {
	t.Helper()
	entries, err := os.ReadDir(examplesDir)
	if err != nil || len(entries) == 0 {
		t.Skipf("no examples in %s", examplesDir)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() {
			files = append(files, filepath.Join(examplesDir, e.Name()))
		}
	}
	return files
}

// TestParseExamples parses every example without error or warning and
// round-trips each pathway through canonical YAML.
func TestParseExamples(t *testing.T) {
	for _, file := range exampleFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			ps, ws, err := Parse(filepath.Base(file), data)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range ws {
				t.Errorf("warning: %v", w)
			}
			for _, p := range ps {
				out, err := MarshalYAML(&p)
				if err != nil {
					t.Fatal(err)
				}
				back, _, err := Parse("roundtrip.yaml", out)
				if err != nil {
					t.Fatalf("%v\n%s", err, out)
				}
				if !reflect.DeepEqual(back[0], p) {
					t.Errorf("round trip differs for %q", p.Title)
				}
			}
		})
	}
}
