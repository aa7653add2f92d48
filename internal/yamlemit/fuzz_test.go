package yamlemit

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	yamlv2 "go.yaml.in/yaml/v2"
	sigsyaml "sigs.k8s.io/yaml"
)

// FuzzMarshal checks the port itself (emit), not Marshal's output alone,
// against yaml.v2 and sigs.k8s.io/yaml on trees made of the fuzzed strings
// and a random shape. Where the port accepts a tree its bytes must be
// yaml.v2's and sigs.k8s.io/yaml's, and Marshal must return them; where it
// refuses, the tree must hold one of the shapes it documents leaving to
// yaml.v2 (see refusable), and Marshal's fallback must still be yaml.v2's
// bytes.
func FuzzMarshal(f *testing.F) {
	for _, s := range []string{"plain", "yes", "- x", "a: b", "it's", "./x/catalog-info.yaml", strings.Repeat("long words ", 12),
		"é ü", "\xff", "line\nbreak", "", "1.5", "0x1F", "2024-01-02 x", "#c", " lead", "\u2028"} {
		f.Add(uint64(len(s)), s, "key")
	}
	f.Fuzz(func(t *testing.T, seed uint64, s, key string) {
		// yaml.v2's order is not total (invalid UTF-8 reads as U+FFFD;
		// "a1b" < "a2" < "a10" < "a1b"): it writes such keys in map
		// order, at random. Skip keys it cannot order.
		keys := Map{{s, nil}, {key, nil}, {"apiVersion", nil}, {"value", nil}}
		slices.SortFunc(keys, comparePairs)
		for i := range keys {
			for j := i + 1; j < len(keys); j++ {
				if keys[i].Key != keys[j].Key && !keyLess(keys[i].Key, keys[j].Key) || keyLess(keys[j].Key, keys[i].Key) {
					t.Skip()
				}
			}
		}
		r := rand.New(rand.NewPCG(seed, 1))
		var build func(depth int) any
		build = func(depth int) any {
			switch r.IntN(6) {
			case 0:
				if depth < 3 {
					m := Map{{key, build(depth + 1)}, {s, build(depth + 1)}}
					if key == s {
						m = m[:1]
					}
					return m
				}
			case 1:
				if depth < 3 {
					return []any{s, build(depth + 1)}
				}
			case 2:
				return []string{s, key}
			case 3:
				return int64(len(s)) - 3
			}
			return s
		}
		tree := Map{{"apiVersion", "v1"}, {"value", build(0)}}
		if key != "apiVersion" && key != "value" {
			tree = append(tree, Pair{key, s})
		}
		got, err := Marshal(tree) // sorts tree's maps in place
		if err != nil {
			t.Fatal(err)
		}
		want := plainV2(t, tree)
		if !bytes.Equal(got, want) {
			t.Fatalf("Marshal\n%s\nyaml.v2\n%s", got, want)
		}
		port, ok := emit(tree)
		if !ok {
			if refusable(tree) == "" {
				t.Fatalf("the port refused a tree of no documented shape:\n%s", want)
			}
			return
		}
		if !bytes.Equal(port, want) {
			t.Fatalf("port\n%s\nyaml.v2\n%s", port, want)
		}
		if !bytes.Equal(got, port) {
			t.Fatalf("Marshal did not return the port's bytes")
		}
		if !utf8.ValidString(s) || !utf8.ValidString(key) {
			return // JSON, and so sigs.k8s.io/yaml, replaces invalid UTF-8
		}
		sigs, err := sigsyaml.Marshal(plain(tree))
		if err != nil {
			return // its YAML reader refuses control characters in the JSON
		}
		if !bytes.Equal(port, sigs) {
			t.Fatalf("port\n%s\nsigs.k8s.io/yaml\n%s", port, sigs)
		}
	})
}

// refusable names the first shape in tree that the port documents leaving
// to yaml.v2, "" when there is none: an empty tree; a key longer than 128
// bytes (not a simple key); a string holding a line break (YAML's: CR, LF,
// NEL, LS, PS); a string yaml.v2 writes in a style the port does not write
// (double-quoted: an empty or non-printable string, a word YAML reads as
// another type; !!binary: invalid UTF-8); or a string YAML might read as
// another type, which for
// the port is any string not starting with an ASCII letter (it resolves
// letter-initial strings, "./" paths and numbers followed by words, and
// leaves the rest of YAML's resolve rules to yaml.v2).
func refusable(tree Map) string {
	if len(tree) == 0 {
		return "empty tree"
	}
	var walk func(v any) string
	str := func(s string) string {
		if s == "" || !('a' <= s[0] && s[0] <= 'z' || 'A' <= s[0] && s[0] <= 'Z') {
			return fmt.Sprintf("%q does not start with an ASCII letter", s)
		}
		if strings.ContainsAny(s, "\r\n\u0085\u2028\u2029") {
			return fmt.Sprintf("%q holds a line break", s) // yaml.v2 single-quotes some
		}
		if style := v2Style(s); style != "plain" && style != "single-quoted" {
			return fmt.Sprintf("yaml.v2 writes %q %s", s, style)
		}
		return ""
	}
	walk = func(v any) string {
		switch x := v.(type) {
		case Map:
			for _, p := range x {
				if len(p.Key) > 128 {
					return fmt.Sprintf("key of %d bytes", len(p.Key))
				}
				if why := str(p.Key); why != "" {
					return why
				}
				if why := walk(p.Value); why != "" {
					return why
				}
			}
		case []any:
			for _, e := range x {
				if why := walk(e); why != "" {
					return why
				}
			}
		case []string:
			for _, e := range x {
				if why := str(e); why != "" {
					return why
				}
			}
		case string:
			return str(x)
		}
		return ""
	}
	return walk(tree)
}

// v2Style is the style yaml.v2 writes s in as a mapping value.
func v2Style(s string) string {
	out, err := yamlv2.Marshal(map[string]string{"k": s})
	if err != nil {
		return "not at all: " + err.Error()
	}
	v := strings.TrimLeft(strings.TrimPrefix(string(out), "k:"), " ")
	switch {
	case strings.HasPrefix(v, `"`):
		return "double-quoted"
	case strings.HasPrefix(v, "|"), strings.HasPrefix(v, ">"):
		return "as a block scalar"
	case strings.HasPrefix(v, "!"):
		return "tagged " + strings.Fields(v)[0]
	case strings.HasPrefix(v, "'"):
		return "single-quoted"
	}
	return "plain"
}
