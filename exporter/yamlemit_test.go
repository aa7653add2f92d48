package exporter

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	yamlv2 "go.yaml.in/yaml/v2"
)

// randWords are the pieces random strings are made of: folding lengths,
// indicators, quotes, words YAML reads as other types, non-ASCII, invalid
// UTF-8 and characters the port leaves to yaml.v2.
var randWords = []string{
	"a", "word", "Longerwordhere", "x", "-", "- ", ":", ": ", " #", "#", "'", `"`, "yes", "No", "null", "true",
	"~", "0", "12", "-3", "1.5", "0x1F", "2024-01-02", "1:20", "...", "---", "?", "!", "&", "*", "|", ">",
	"%", "@", "`", "[", "]", "{", "}", ",", "é", "日本", "–", "’", "\u00a0", "  ", " ",
	"https://example.com/a_b?c=d#e", "dir:.", "./x", "<b>", "&amp;", strings.Repeat("long ", 20), strings.Repeat("y", 90),
	"\xc3 ", "\xc3'", "\xe2\x80 x", // lead bytes that swallow the next character
	"😀", "\u2028", "\u0085", "\t", "\n", "\ufeff",
}

// acceptedWords are the randWords the port handles inside a string.
var acceptedWords = randWords[:len(randWords)-6]

func randString(r *rand.Rand) string {
	var b strings.Builder
	words := randWords
	if r.IntN(3) > 0 { // mostly strings the port takes: a letter first
		words = acceptedWords
		b.WriteString("W")
	}
	for n := r.IntN(12); n >= 0; n-- {
		b.WriteString(words[r.IntN(len(words))])
		if r.IntN(3) > 0 {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func randTree(r *rand.Rand, depth int) any {
	switch k := r.IntN(10); {
	case depth > 3 || k < 5:
		switch r.IntN(8) {
		case 0:
			return int64(r.IntN(2000) - 1000)
		case 1:
			return r.IntN(2) == 0
		case 2:
			return nil
		}
		return randString(r)
	case k < 8:
		m := map[string]any{}
		for n := r.IntN(5); n > 0; n-- {
			key := randString(r)
			if r.IntN(2) == 0 {
				key = []string{"apiVersion", "kind", "a1", "a01", "a10", "a2", "B", "b", "_x", "1", "2"}[r.IntN(11)]
			}
			m[key] = randTree(r, depth+1)
		}
		return m
	default:
		s := make([]any, r.IntN(4))
		for i := range s {
			s[i] = randTree(r, depth+1)
		}
		return s
	}
}

// TestEmitYAMLMatchesYAMLv2 compares the port with yaml.v2 on random trees
// wherever the port accepts one, and checks that it accepts most of the
// plain ones.
func TestEmitYAMLMatchesYAMLv2(t *testing.T) {
	for _, s := range []string{"./x", "./", ".//", "./a b", "./a: b", "./a #b", "./x'y", "./" + strings.Repeat("long ", 30),
		".", ".5", ".inf", ".x", "../x"} {
		m := map[string]any{"target": s, "targets": []any{s}, s: s}
		want, err := yamlv2.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := emitYAML(m); ok && !bytes.Equal(got, want) {
			t.Errorf("%q: emitYAML\n%s\nyaml.v2\n%s", s, got, want)
		} else if !ok && strings.HasPrefix(s, "./") && len(s) <= 128 { // longer keys are not simple keys
			t.Errorf("%q: the port refused a relative path", s)
		}
	}
	r := rand.New(rand.NewPCG(7, 11))
	accepted := 0
	const n = 20000
	for i := range n {
		m := map[string]any{"k": randTree(r, 0), "apiVersion": "backstage.io/v1alpha1", "description": randString(r)}
		if i%2 == 0 { // many plain words: folding
			var b strings.Builder
			for range r.IntN(40) {
				b.WriteString(randWords[r.IntN(4)] + strings.Repeat(" ", 1+r.IntN(2)/1))
			}
			m["long"] = "Start " + strings.TrimSpace(b.String())
			m["list"] = []any{m["long"], map[string]any{"title": "To: " + m["long"].(string), "url": "https://x"}}
		}
		got, ok := emitYAML(m)
		if !ok {
			continue
		}
		accepted++
		want, err := yamlv2.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("tree %d: emitYAML\n%s\nyaml.v2\n%s", i, got, want)
		}
	}
	if accepted < n/10 {
		t.Errorf("the port accepted only %d of %d trees", accepted, n)
	}
	t.Logf("accepted %d of %d random trees", accepted, n)
}

// TestEmitYAMLTakesRenderedEntities: the port, not the fallback, writes
// the entities and mkdocs.yml of the examples, so the speed-up is real.
func TestEmitYAMLTakesRenderedEntities(t *testing.T) {
	res := renderExamples(t)
	for i := range res.Entities {
		e := &res.Entities[i]
		tree, ok := jsonTree(reflectValue(e))
		if !ok {
			t.Fatalf("%s: jsonTree refused", e.Ref())
		}
		if _, ok := emitYAML(tree); !ok {
			t.Errorf("%s: emitYAML refused", e.Ref())
		}
	}
}

func reflectValue(v any) reflect.Value { return reflect.ValueOf(v) }
