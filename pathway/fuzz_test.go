package pathway

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// addSeeds adds the seed page, testdata and example files with one of the
// given extensions, plus the in-code seeds.
func addSeeds(f *testing.F, exts []string, inline ...string) {
	for _, dir := range []string{"testdata", examplesDir} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			for _, ext := range exts {
				if strings.HasSuffix(e.Name(), ext) {
					if data, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil {
						f.Add(data)
					}
				}
			}
		}
	}
	for _, s := range inline {
		f.Add([]byte(s))
	}
}

// addScaleSeeds adds small pages of the adversarial shapes of
// TestParseScalesLinearly in the format file names.
func addScaleSeeds(f *testing.F, file string) {
	for _, s := range scaleShapes() {
		if s.file == file {
			f.Add(s.page(2 << 10))
		}
	}
}

// checkParse is the fuzz property: no panic, errors are *Error, and every
// pathway validates and survives a canonical YAML round trip unchanged.
func checkParse(t *testing.T, name string, data []byte) {
	ps, _, err := Parse(name, data)
	if err != nil {
		var pe *Error
		if !errors.As(err, &pe) {
			t.Fatalf("error %T is not *Error: %v", err, err)
		}
		return
	}
	if len(ps) == 0 {
		t.Fatal("no pathways and no error")
	}
	for _, p := range ps {
		if err := p.Validate(); err != nil {
			t.Fatalf("parsed pathway does not validate: %v", err)
		}
		out, err := MarshalYAML(&p)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		back, _, err := Parse("roundtrip.yaml", out)
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, out)
		}
		if len(back) != 1 || !reflect.DeepEqual(back[0], p) {
			t.Fatalf("round trip differs:\n%#v\n%#v\n%s", p, back, out)
		}
	}
}

func FuzzParseText(f *testing.F) {
	addSeeds(f, []string{".txt"},
		"A to B\n🕑 6 months X\nSummary sentence here.\n📋 Role Archetypes\n→ A Archetype → B Archetype",
		"A to B\n🛠 Hands-On Projects\n1\n\n2 two\n3",
		"A to B\r\nAI Literacy\r\ntheme\r\n1\r\n",
		"X to Y\nRecommended Reading\nT\nA\nD\nT2\nThis is a long description sentence.\n",
		"🕑 12+ months\nSummary.\nTitle\n",
	)
	addScaleSeeds(f, "page.txt")
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, "fuzz.txt", data) })
}

func FuzzParseHTML(f *testing.F) {
	addSeeds(f, []string{".html"},
		`<h1>A to B</h1><p>Summary.</p><h2>Role Archetypes</h2><a href="/x">A</a><a href="http://h/b">B</a>`,
		`<head><title>A to B | S</title><base href="//h/"></head><ol><li><span>1</span><p>x</p></li></ol>`,
		`<link rel=canonical href="https://h/learn/a-to-b"><h1>A to B<h3>Focus Areas</h3><h4>T</h4><p>x`,
	)
	addScaleSeeds(f, "page.html")
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParse(t, "fuzz.html", data)
		checkLineMarks(t, data)
	})
}

// checkLineMarks: the line numbers annotateLines adds change nothing but
// the lines of warnings and errors.
func checkLineMarks(t *testing.T, data []byte) {
	t.Helper()
	p1, ws1, err1 := parseHTML("fuzz.html", data)
	p2, ws2, err2 := parseHTMLMarked("fuzz.html", data)
	if !reflect.DeepEqual(p1, p2) {
		t.Fatalf("line marks changed the pathway:\n%#v\n%#v", p1, p2)
	}
	if (err1 == nil) != (err2 == nil) || err1 != nil && withoutLine(err1) != withoutLine(err2) {
		t.Fatalf("line marks changed the error: %v / %v", err1, err2)
	}
	if len(ws1) != len(ws2) {
		t.Fatalf("line marks changed the warnings:\n%v\n%v", ws1, ws2)
	}
	for i := range ws1 {
		if w1, w2 := ws1[i], ws2[i]; w1.Msg != w2.Msg || w1.File != w2.File {
			t.Fatalf("line marks changed warning %d: %v / %v", i, w1, w2)
		}
	}
}

// withoutLine is an *Error's text with its line left out.
func withoutLine(err error) string {
	var pe *Error
	if errors.As(err, &pe) {
		c := *pe
		c.Line = 0
		return c.Error()
	}
	return err.Error()
}

func FuzzParseYAML(f *testing.F) {
	addSeeds(f, []string{".yaml", ".yml"},
		yamlOK,
		yamlOK+"summary: |\n  a\n\n  b\nskills: [x, 'y', \"z\"]\n---\n"+yamlOK,
		yamlOK+"duration: {minMonths: 0x10, maxMonths: 1_000}\n",
		yamlHead+"title: A to B\nfrom: &a {title: A}\nto: *a\n",
	)
	addScaleSeeds(f, "page.yaml")
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, "fuzz.yaml", data) })
}
