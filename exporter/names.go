package exporter

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/pathwaysync/pathwaysync/pathway"
)

// maxName is the longest metadata.name the catalog accepts.
const maxName = 63

// slug lowercases s and keeps ASCII letters and digits, joining the runs
// with single dashes; accents are folded ("Développeur" → "developpeur").
// The result may be empty or longer than maxName.
func slug(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	dash := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		case unicode.Is(unicode.Mn, r):
			continue // combining accent
		default:
			dash = b.Len() > 0
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// hashSuffix is a short stable suffix derived from key.
func hashSuffix(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:3])
}

// withSuffix shortens base so that base-suffix fits in maxName.
func withSuffix(base, suffix string) string {
	keep := maxName - len(suffix) - 1
	if len(base) > keep {
		base = strings.TrimRight(base[:keep], "-")
	}
	if base == "" {
		return "x-" + suffix
	}
	return base + "-" + suffix
}

// assignNames gives every key a catalog name: its slug when that is unique
// among the keys and fits, otherwise the slug shortened and suffixed with a
// hash of the key. The result depends only on the set of keys, never on
// their order; keys must be distinct.
func assignNames(keys []string) map[string]string {
	byBase := make(map[string][]string, len(keys))
	for _, k := range keys {
		s := slug(k)
		byBase[s] = append(byBase[s], k)
	}
	names := make(map[string]string, len(keys))
	used := make(map[string]bool, len(keys))
	var suffixed []string
	for base, ks := range byBase {
		if len(ks) == 1 && base != "" && len(base) <= maxName {
			names[ks[0]] = base
			used[base] = true
			continue
		}
		suffixed = append(suffixed, ks...)
	}
	sort.Strings(suffixed)
	for _, k := range suffixed {
		n := withSuffix(slug(k), hashSuffix(k))
		for i := 1; used[n]; i++ { // a hash clash: lengthen the key until free
			n = withSuffix(slug(k), hashSuffix(k+strings.Repeat("\x00", i)))
		}
		names[k] = n
		used[n] = true
	}
	return names
}

// PathwayNames returns, for each pathway, the Component name Render gives
// it (also its folder under pathways/); pathways whose titles differ only
// in case or spacing get the same name, as Render rejects them as
// duplicates.
func PathwayNames(ps []pathway.Pathway) []string {
	seen := make(map[string]bool, len(ps))
	keys := make([]string, 0, len(ps))
	for i := range ps {
		if k := key(ps[i].Title); !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	names := assignNames(keys)
	out := make([]string, len(ps))
	for i := range ps {
		out[i] = names[key(ps[i].Title)]
	}
	return out
}
