package pathway

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// TestEncodeMembersIsWholeDocument: writing a pathway member by member, long
// sequences in runs, gives exactly the bytes of encoding it as one document.
func TestEncodeMembersIsWholeDocument(t *testing.T) {
	var ps []Pathway
	files, _ := filepath.Glob("../examples/pathways/*")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := Parse(f, data)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, got...)
	}
	big := ps[0]
	odd := []string{"", "plain", "multi\nline\n\ntext", "  leading space", "trailing: colon", "- dash", "'quoted'", "#hash", "ünï", "tab\there", "yes", "1e3"}
	for i := range 3*seqChunk + 7 {
		s := odd[i%len(odd)] + fmt.Sprint(i)
		big.Skills = append(big.Skills, s)
		big.FocusAreas = append(big.FocusAreas, FocusArea{Title: "T" + s, Text: s + "\n" + s})
		big.Reading = append(big.Reading, Book{Title: s, Authors: "A", Description: strings.Repeat(s+" ", 20)})
	}
	for _, p := range append(ps, big) {
		c := p
		c.APIVersion, c.Kind = APIVersion, Kind
		root := toNode(reflect.ValueOf(c))
		var want bytes.Buffer
		enc := yaml.NewEncoder(&want)
		enc.SetIndent(2)
		if err := enc.Encode(root); err != nil {
			t.Fatal(err)
		}
		enc.Close()
		var got bytes.Buffer
		if err := encodeMembers(&got, root); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			g, w := got.String(), want.String()
			i := 0
			for i < len(g) && i < len(w) && g[i] == w[i] {
				i++
			}
			t.Fatalf("%s: differs at byte %d:\ngot  %q\nwant %q", p.Title, i, g[max(0, i-80):min(len(g), i+80)], w[max(0, i-80):min(len(w), i+80)])
		}
	}
}
