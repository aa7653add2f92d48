package yamlemit

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	sigsyaml "sigs.k8s.io/yaml"
)

// FuzzMarshal checks Marshal against yaml.v2 and sigs.k8s.io/yaml on
// trees made of the fuzzed strings and a random shape: the bytes must be
// the same whichever of the port or the fallback writes them.
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
		got, err := Marshal(tree)
		if err != nil {
			t.Fatal(err)
		}
		if want := plainV2(t, tree); !bytes.Equal(got, want) {
			t.Fatalf("Marshal\n%s\nyaml.v2\n%s", got, want)
		}
		if !utf8.ValidString(s) || !utf8.ValidString(key) {
			return // JSON, and so sigs.k8s.io/yaml, replaces invalid UTF-8
		}
		want, err := sigsyaml.Marshal(plain(tree))
		if err != nil {
			return // its YAML reader refuses control characters in the JSON
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("Marshal\n%s\nsigs.k8s.io/yaml\n%s", got, want)
		}
	})
}
