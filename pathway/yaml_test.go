package pathway

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestMarshalYAMLSeedRoundTrip(t *testing.T) {
	p, _ := parseOne(t, seedName, readSeed(t))
	out, err := MarshalYAML(&p)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "seed.golden.yaml", out)
	back, ws := parseOne(t, "seed.yaml", out)
	if len(ws) != 0 {
		t.Errorf("warnings: %v", ws)
	}
	if !reflect.DeepEqual(back, p) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v", back, p)
	}
	again, err := MarshalYAML(&back)
	if err != nil || string(again) != string(out) {
		t.Errorf("second marshal differs (err %v)", err)
	}
}

// minimal returns a valid pathway with the given summary.
func minimal(summary string) Pathway {
	return Pathway{APIVersion: APIVersion, Kind: Kind, Title: "A to B", From: Role{Title: "A"}, To: Role{Title: "B"},
		Summary: summary, Source: "x.yaml"}
}

func TestMarshalYAMLTrickyStrings(t *testing.T) {
	for _, s := range []string{
		"yes", "no", "true", "null", "~", "123", "0x1F", "1e3", "- dash", ": colon", "#hash", "a: b", "a #b",
		"'single'", `"double"`, "  leading spaces", "trailing spaces  ", "tab\there", "multi\nline", "multi\n\nparagraph\n",
		"\nleading newline", "ends with newline\n", "  \n  indented\n", "unicode → ✓ é 🎯", "%percent", "@at", "`tick`",
		"{brace}", "[bracket]", "*star", "&amp", "!bang", "|pipe", ">gt", "---", "...", "\u2028sep", "back\\slash",
	} {
		p := minimal(s)
		p.Skills = []string{s}
		out, err := MarshalYAML(&p)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		ps, _, err := Parse("x.yaml", out)
		if err != nil {
			t.Fatalf("%q: %v\n%s", s, err, out)
		}
		if !reflect.DeepEqual(ps[0], p) {
			t.Errorf("%q: round trip gave %q / %q\n%s", s, ps[0].Summary, ps[0].Skills, out)
		}
	}
}

func TestParseYAMLMultiDocument(t *testing.T) {
	in := `# two pathways
apiVersion: pathwaysync.dev/v1
kind: Pathway
title: A to B
from: {title: A}
to: {title: B}
---
---
apiVersion: pathwaysync.dev/v1
kind: Pathway
title: B to C
from: {title: B, url: "https://example.com/b"}
to: {title: C}
source: https://example.com/b-to-c
skills: []
`
	ps, ws, err := Parse("two.yml", []byte(in))
	if err != nil || len(ws) != 0 {
		t.Fatal(err, ws)
	}
	if len(ps) != 2 || ps[0].Title != "A to B" || ps[1].Title != "B to C" {
		t.Fatalf("got %+v", ps)
	}
	if ps[0].Source != "two.yml" || ps[1].Source != "https://example.com/b-to-c" || ps[1].Skills != nil {
		t.Errorf("sources %q %q, skills %#v", ps[0].Source, ps[1].Source, ps[1].Skills)
	}
}

const yamlHead = "apiVersion: pathwaysync.dev/v1\nkind: Pathway\n"
const yamlOK = yamlHead + "title: A to B\nfrom:\n  title: A\nto:\n  title: B\n"

// TestParseYAMLStrict checks each rule's exact message, line and field.
func TestParseYAMLStrict(t *testing.T) {
	tests := []struct {
		name, input, want string
	}{
		{"unknown nested field", yamlOK + "focusAreas:\n  - title: X\n  - titel: Y\n",
			"bad.yaml:10: focusAreas[1].titel: unknown field"},
		{"unknown top field", yamlOK + "metadata: {}\n", "bad.yaml:8: metadata: unknown field"},
		{"duplicate field", yamlOK + "title: again\n", "bad.yaml:8: title: duplicate field"},
		{"string wanted", yamlOK + "summary: 12\n", `bad.yaml:8: summary: expected a string, got int "12"`},
		{"int wanted", yamlOK + "duration:\n  minMonths: soon\n", `bad.yaml:9: duration.minMonths: expected an integer, got str "soon"`},
		{"int range", yamlOK + "duration:\n  minMonths: 99999999999\n", `bad.yaml:9: duration.minMonths: integer out of range: 99999999999`},
		{"list wanted", yamlOK + "skills: one\n", `bad.yaml:8: skills: expected a list, got str "one"`},
		{"mapping wanted", yamlOK + "aiLiteracy: [a]\n", "bad.yaml:8: aiLiteracy: expected a mapping, got a list"},
		{"missing apiVersion", "kind: Pathway\ntitle: A to B\n", `bad.yaml:1: apiVersion: required (want "pathwaysync.dev/v1")`},
		{"wrong apiVersion", "apiVersion: backstage.io/v1alpha1\nkind: Pathway\n", `bad.yaml:1: apiVersion: must be "pathwaysync.dev/v1", got "backstage.io/v1alpha1"`},
		{"wrong kind", "apiVersion: pathwaysync.dev/v1\nkind: Component\n", `bad.yaml:2: kind: must be "Pathway", got "Component"`},
		{"missing kind", "apiVersion: pathwaysync.dev/v1\n", `bad.yaml:1: kind: required (want "Pathway")`},
		{"not a mapping", "- a\n- b\n", "bad.yaml:1: document must be a mapping with apiVersion pathwaysync.dev/v1 and kind Pathway"},
		{"syntax", yamlOK + "summary: a: b\n", "bad.yaml:8: mapping values are not allowed in this context"},
		{"tab indent", yamlOK + "skills:\n\t- a\n", "bad.yaml:9: found character that cannot start any token"},
		{"missing title", yamlHead + "from: {title: A}\nto: {title: B}\n", "bad.yaml:1: title: required"},
		{"missing to title", yamlHead + "title: A to B\nfrom: {title: A}\nto: {url: https://x.example}\n", "bad.yaml:5: to.title: required"},
		{"relative url", yamlOK + "roleArchetypes:\n  roles:\n    - title: A\n      url: /org/a\n", "bad.yaml:11: roleArchetypes.roles[0].url: must be an absolute http(s) URL"},
		{"multi-line title", yamlHead + "title: |\n  A to B\n  more\nfrom: {title: A}\nto: {title: B}\n", "bad.yaml:3: title: must be a single line without control characters"},
		{"second document", yamlOK + "---\n" + yamlHead + "title: X to Y\nfrom: {title: X}\nto: {title: Y}\ncourses: [{title: C, price: 3}]\n",
			"bad.yaml:14: courses[0].price: unknown field"},
		{"only comments", "# nothing\n", "bad.yaml: no YAML documents"},
		{"null string", yamlOK + "summary: null\n", "bad.yaml:8: summary: expected a string, got null (leave the field out instead)"},
		{"empty section", yamlOK + "aiLiteracy:\n", "bad.yaml:8: aiLiteracy: expected a mapping, got null (leave the field out instead)"},
		{"null list", yamlOK + "skills: ~\n", "bad.yaml:8: skills: expected a list, got null (leave the field out instead)"},
		{"null item", yamlOK + "skills:\n  - a\n  -\n", "bad.yaml:10: skills[1]: expected a string, got null (leave the field out instead)"},
		{"null number", yamlOK + "duration:\n  minMonths: ~\n", "bad.yaml:9: duration.minMonths: expected an integer, got null (leave the field out instead)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Parse("bad.yaml", []byte(tt.input))
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if got := strings.Split(err.Error(), "\n")[0]; got != tt.want {
				t.Errorf("err = %q\n want %q", got, tt.want)
			}
		})
	}
}

func TestParseYAMLAliases(t *testing.T) {
	in := yamlOK + "x: &a hello\n"
	if _, _, err := Parse("a.yaml", []byte(in)); err == nil {
		t.Error("unknown field with anchor accepted")
	}
	in = yamlHead + "title: A to B\nfrom: &r {title: A}\nto: {title: B}\nroleArchetypes:\n  roles: [*r, *r]\n"
	ps, _, err := Parse("a.yaml", []byte(in))
	if err != nil || len(ps[0].Archetypes.Roles) != 2 {
		t.Fatal(err)
	}
	// A billion-laughs style document is refused, not expanded.
	var b strings.Builder
	b.WriteString(yamlOK + "skills: &l0 [x]\nbehaviours: [")
	for i := 0; i < 2000; i++ {
		b.WriteString("*l0,")
	}
	b.WriteString("]\n")
	if _, _, err := Parse("bomb.yaml", []byte(b.String())); err == nil {
		t.Error("alias bomb accepted")
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name, data string
		want       Format
	}{
		{"page", "<!doctype html><html>", FormatHTML},
		{"page", "\n  <html>", FormatHTML},
		{"page", "# comment\napiVersion: pathwaysync.dev/v1\n", FormatYAML},
		{"page", "---\nkind: Pathway\n", FormatYAML},
		{"page", "← Learning Pathways\n", FormatText},
		{"x.YAML", "<html>", FormatYAML},
		{"x.htm", "title", FormatHTML},
		{"x.md", "apiVersion: x", FormatText},
		{"https://h/learn/pathway-a-to-b?x=1.yaml", "<html>", FormatHTML},
	}
	for _, tt := range tests {
		if got := DetectFormat(tt.name, []byte(tt.data)); got != tt.want {
			t.Errorf("DetectFormat(%q, %q) = %s, want %s", tt.name, tt.data, got, tt.want)
		}
	}
}
