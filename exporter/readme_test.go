package exporter

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pathwaysync/pathwaysync/pathway"
)

// keyPrefix starts every annotation and label key of the exporter's own.
const keyPrefix = "pathwaysync.dev/"

var (
	// readmeKey is a pathwaysync.dev key as README.md writes it (a
	// sentence's full stop is not part of it).
	readmeKey = regexp.MustCompile(`pathwaysync\.dev/[a-zA-Z0-9](?:[-_.a-zA-Z0-9]*[a-zA-Z0-9])?`)
	// readmeRow is a row of README's annotation table: key, then cells.
	readmeRow = regexp.MustCompile("(?m)^\\| `(pathwaysync\\.dev/[^`]+)` \\|(.*)\\|$")
	backticks = regexp.MustCompile("`([^`]*)`")
)

// TestReadmeNamesEveryKey: README.md names exactly the pathwaysync.dev
// annotation and label keys the exporter writes on the examples and on a
// discipline with a cut-off pathway, each example value in its table row
// is one the exporter wrote, and, as README says, there are no labels.
func TestReadmeNamesEveryKey(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	named := map[string]bool{}
	for _, k := range readmeKey.FindAllString(readme, -1) {
		if k != pathway.APIVersion { // the canonical format's apiVersion, not a key
			named[k] = true
		}
	}

	written := map[string][]string{} // key → values written
	for _, res := range []*Result{renderExamples(t), renderCutOff(t)} {
		for _, e := range res.Entities {
			if len(e.Metadata.Labels) > 0 && strings.Contains(readme, "sets no labels") {
				t.Errorf("%s has labels %v, but README says the exporter sets none", e.Ref(), e.Metadata.Labels)
			}
			for _, m := range []map[string]string{e.Metadata.Annotations, e.Metadata.Labels} {
				for k, v := range m {
					if strings.HasPrefix(k, keyPrefix) && !slices.Contains(written[k], v) {
						written[k] = append(written[k], v)
					}
				}
			}
		}
	}
	if len(written) < 6 {
		t.Fatalf("only %d pathwaysync.dev keys written: %v", len(written), written)
	}
	for k := range named {
		if written[k] == nil {
			t.Errorf("README names %s, which the exporter never writes", k)
		}
	}
	for k, vs := range written {
		if !named[k] {
			t.Errorf("the exporter writes %s (e.g. %q), which README does not name", k, vs[0])
		}
	}

	rows := readmeRow.FindAllStringSubmatch(readme, -1)
	inTable := map[string]bool{}
	for _, row := range rows {
		k, cells := row[1], strings.Split(row[2], "|")
		inTable[k] = true
		examples := backticks.FindAllStringSubmatch(cells[len(cells)-1], -1)
		if len(examples) == 0 {
			t.Errorf("README's row for %s gives no example value", k)
		}
		for _, ex := range examples {
			if !slices.Contains(written[k], ex[1]) {
				t.Errorf("README's example value %q of %s is none the exporter wrote: %q", ex[1], k, written[k])
			}
		}
	}
	for k := range written {
		if !inTable[k] {
			t.Errorf("%s has no row in README's annotation table", k)
		}
	}
}
