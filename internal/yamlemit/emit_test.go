package yamlemit

import (
	"bytes"
	"math/rand/v2"
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
		switch r.IntN(9) {
		case 0:
			return int64(r.IntN(2000) - 1000)
		case 1:
			return r.IntN(2) == 0
		case 2:
			return nil
		case 3:
			return r.IntN(100)
		}
		return randString(r)
	case k < 7:
		m := map[string]any{} // unique keys, the last one wins
		for n := r.IntN(5); n > 0; n-- {
			key := randString(r)
			if r.IntN(2) == 0 {
				key = []string{"apiVersion", "kind", "a1", "a01", "a10", "a2", "B", "b", "_x", "1", "2", "é1", "Ä"}[r.IntN(13)]
			}
			m[key] = randTree(r, depth+1)
		}
		out := make(Map, 0, len(m))
		for k, v := range m {
			out = append(out, Pair{k, v})
		}
		return out
	case k < 8:
		s := make([]string, r.IntN(4))
		for i := range s {
			s[i] = randString(r)
		}
		return s
	default:
		s := make([]any, r.IntN(4))
		for i := range s {
			s[i] = randTree(r, depth+1)
		}
		return s
	}
}

// plainV2 is what yaml.v2 marshals for tree: []string and int as yaml.v2
// sees them in a map[string]any.
func plainV2(t testing.TB, tree Map) []byte {
	t.Helper()
	want, err := yamlv2.Marshal(plain(tree))
	if err != nil {
		t.Fatal(err)
	}
	return want
}

// TestEmitMatchesYAMLv2 compares the port with yaml.v2 on random trees
// wherever the port accepts one, checks that it refuses only trees of a
// documented shape (refusable) and that it accepts most of the plain ones.
func TestEmitMatchesYAMLv2(t *testing.T) {
	for _, s := range []string{"./x", "./", ".//", "./a b", "./a: b", "./a #b", "./x'y", "./" + strings.Repeat("long ", 30),
		".", ".5", ".inf", ".x", "../x"} {
		m := Map{{"target", s}, {"targets", []any{s}}, {s, s}}
		if s == "target" || s == "targets" {
			continue
		}
		if err := sortTree(m); err != nil {
			t.Fatal(err)
		}
		want := plainV2(t, m)
		if got, ok := emit(m); ok && !bytes.Equal(got, want) {
			t.Errorf("%q: emit\n%s\nyaml.v2\n%s", s, got, want)
		} else if !ok && strings.HasPrefix(s, "./") && len(s) <= 128 { // longer keys are not simple keys
			t.Errorf("%q: the port refused a relative path", s)
		}
	}
	r := rand.New(rand.NewPCG(7, 11))
	accepted := 0
	const n = 20000
	for i := range n {
		m := Map{{"k", randTree(r, 0)}, {"apiVersion", "backstage.io/v1alpha1"}, {"description", randString(r)}}
		if i%2 == 0 { // many plain words: folding
			var b strings.Builder
			for range r.IntN(40) {
				b.WriteString(randWords[r.IntN(4)] + strings.Repeat(" ", 1+r.IntN(2)/1))
			}
			long := "Start " + strings.TrimSpace(b.String())
			m = append(m, Pair{"long", long}, Pair{"list", []any{long, Map{{"title", "To: " + long}, {"url", "https://x"}}}})
		}
		if err := sortTree(m); err != nil {
			t.Fatal(err)
		}
		got, ok := emit(m)
		if !ok {
			if refusable(m) == "" {
				t.Fatalf("tree %d: the port refused a tree of no documented shape:\n%s", i, plainV2(t, m))
			}
			continue
		}
		accepted++
		if want := plainV2(t, m); !bytes.Equal(got, want) {
			t.Fatalf("tree %d: emit\n%s\nyaml.v2\n%s", i, got, want)
		}
	}
	if accepted < n/10 {
		t.Errorf("the port accepted only %d of %d trees", accepted, n)
	}
	t.Logf("accepted %d of %d random trees", accepted, n)
}

// TestMarshalRejectsUnknownValues: a value Marshal does not model is an
// error, not a guess.
func TestMarshalRejectsUnknownValues(t *testing.T) {
	for _, v := range []any{1.5, struct{}{}, map[string]any{}, []int{1}} {
		if _, err := Marshal(Map{{"k", Map{{"v", v}}}}); err == nil {
			t.Errorf("%T accepted", v)
		}
	}
}

// TestKeyOrder: keyCompare is yaml.v2's order, ASCII or not.
func TestKeyOrder(t *testing.T) {
	// (Keys such as "a1b", "a2" and "a10" together are left out: yaml.v2
	// orders them by map iteration, its Less not being transitive.)
	keys := []string{"b", "a10", "a2", "B", "_x", "1", "10", "2", "é", "e", "z", "Ä", "a", ""}
	m := make(map[string]any, len(keys))
	tree := make(Map, 0, len(keys))
	for _, k := range keys {
		m[k] = 1
		tree = append(tree, Pair{k, 1})
	}
	got, err := Marshal(tree)
	if err != nil {
		t.Fatal(err)
	}
	want, err := yamlv2.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Marshal\n%s\nyaml.v2\n%s", got, want)
	}
}
