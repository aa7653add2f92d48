package exporter

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/pathwaysync/pathwaysync/manifest"
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
func assignNames(keys []string) map[string]string { return assignNamesAvoiding(keys, nil) }

// assignNamesAvoiding is assignNames giving no key a name in used; a slug
// in used is suffixed as a shared one is.
func assignNamesAvoiding(keys []string, taken map[string]bool) map[string]string {
	byBase := make(map[string][]string, len(keys))
	for _, k := range keys {
		s := slug(k)
		byBase[s] = append(byBase[s], k)
	}
	names := make(map[string]string, len(keys))
	used := make(map[string]bool, len(keys)+len(taken))
	for n := range taken {
		used[n] = true
	}
	var suffixed []string
	for base, ks := range byBase {
		if len(ks) == 1 && base != "" && len(base) <= maxName && !taken[base] {
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

// PathwayNames returns, for each pathway, a file name stem: the Component
// name Render gives it with no previous tree and no explicit names, except
// that titles Render would reject as mapping to the same name are told
// apart by a hash suffix. Pathways whose titles differ only in case or
// spacing get the same name, as Render rejects them as duplicates.
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

// derivedName is the name a key gets on its own: its slug, or when that is
// empty or too long the slug shortened and suffixed with a hash of the key.
// It depends on the key alone, never on the other keys.
func derivedName(k string) string {
	if s := slug(k); s != "" && len(s) <= maxName {
		return s
	}
	return withSuffix(slug(k), hashSuffix(k))
}

// validName reports whether n may be given as an explicit entity name:
// lowercase ASCII letters and digits in runs joined by single dashes, at
// most maxName long — a slug, so also a safe folder name.
func validName(n string) bool {
	return n != "" && len(n) <= maxName && slug(n) == n
}

// ValidateName checks an explicit entity name (a pathway's name: field or
// an Options.Names value): lowercase ASCII letters and digits in runs
// joined by single dashes, at most 63 characters.
func ValidateName(n string) error {
	if !validName(n) {
		return fmt.Errorf("%q is not an entity name (lowercase letters and digits in runs joined by single dashes, at most %d characters)", n, maxName)
	}
	return nil
}

// previousNames are the names the tree being replaced published, looked
// up by the identities the exporter keeps them for.
type previousNames struct {
	// pathways by source then by title key; bySourceOnly holds the
	// sources that had exactly one pathway.
	bySourceTitle map[[2]string]string
	bySourceOnly  map[string]string
	byTitle       map[string]string
	roles         map[string]string // role title key → name
	systems       map[string]string // discipline key → name
}

func readPrevious(m *manifest.Manifest) previousNames {
	pn := previousNames{bySourceTitle: map[[2]string]string{}, bySourceOnly: map[string]string{},
		byTitle: map[string]string{}, roles: map[string]string{}, systems: map[string]string{}}
	if m == nil {
		return pn
	}
	// A name that is not a slug is not one pathwaysync wrote (the base
	// branch's manifest can be edited by hand): it is not kept, so it
	// never becomes a folder name.
	perSource := map[string]int{}
	for _, p := range m.Pathways {
		if !validName(p.Name) {
			continue
		}
		pn.byTitle[key(p.Title)] = p.Name
		if p.Source != "" {
			pn.bySourceTitle[[2]string{p.Source, key(p.Title)}] = p.Name
			perSource[p.Source]++
			pn.bySourceOnly[p.Source] = p.Name
		}
	}
	for s, n := range perSource {
		if n != 1 {
			delete(pn.bySourceOnly, s)
		}
	}
	for t, n := range m.Roles {
		if validName(n) {
			pn.roles[key(t)] = n
		}
	}
	for t, n := range m.Systems {
		if validName(n) {
			pn.systems[key(t)] = n
		}
	}
	return pn
}

// keepNames names keys: the name prev gives a key when no other key took
// it, otherwise as assignNames does among the rest, avoiding the names
// kept. The result depends only on the set of keys and prev.
func keepNames(keys []string, prev map[string]string) map[string]string {
	names := make(map[string]string, len(keys))
	taken := map[string]bool{}
	var rest []string
	for _, k := range keys {
		if n, ok := prev[k]; ok && !taken[n] {
			names[k] = n
			taken[n] = true
			continue
		}
		rest = append(rest, k)
	}
	for k, n := range assignNamesAvoiding(rest, taken) {
		names[k] = n
	}
	return names
}

// ErrNameClash: two pathways map to the same entity name and neither has
// an explicit one. A caller rendering without Options.Previous can retry
// with the manifest of the tree it replaces, which keeps the names it
// published (hash-suffixed ones of earlier releases included).
var ErrNameClash = errors.New("entity name clash")

// pathwayNames names the pathways ps (distinct title keys; ids name them
// in errors). An explicit name comes first: the pathway's own (canonical
// YAML `name:`), else o.Names for its source. Then the name the previous
// tree published for the same source and title, for the same source when
// it held one pathway only, or for the same title. Then the title's slug
// (derivedName). Names never depend on the other pathways: two that end
// with the same name are an error naming both.
func pathwayNames(ps []*pathway.Pathway, ids []string, o Options, prev previousNames) ([]string, error) {
	names := make([]string, len(ps))
	owner := make(map[string]int, len(ps))
	var errs []error
	clash := func(i, j int, n string) error {
		a, b := min(i, j), max(i, j)
		if ids[a] > ids[b] {
			a, b = b, a
		}
		return fmt.Errorf("%s (%q) and %s (%q) both map to entity name %q: %w: give one an explicit name (name: in canonical YAML, or catalog.names in the configuration)",
			ids[a], oneLine(ps[a].Title), ids[b], oneLine(ps[b].Title), n, ErrNameClash)
	}
	claim := func(i int, n string) error {
		if j, ok := owner[n]; ok {
			return clash(j, i, n)
		}
		owner[n], names[i] = i, n
		return nil
	}
	perSource := map[string]int{}
	srcs := make([]string, len(ps))
	for i, p := range ps {
		srcs[i] = sourceRef(p.Source)
		perSource[srcs[i]]++
	}
	for i, p := range ps {
		n, field := p.Name, "name"
		if n == "" {
			n, field = o.Names[p.Source], "catalog.names"
			if n == "" {
				n = o.Names[srcs[i]]
			}
		}
		if n == "" {
			continue
		}
		if err := ValidateName(n); err != nil {
			errs = append(errs, fmt.Errorf("%s: %s: %w", ids[i], field, err))
			continue
		}
		if err := claim(i, n); err != nil {
			errs = append(errs, err)
		}
	}
	kept := []func(i int) (string, bool){
		func(i int) (string, bool) {
			n, ok := prev.bySourceTitle[[2]string{srcs[i], key(ps[i].Title)}]
			return n, ok
		},
		func(i int) (string, bool) {
			if perSource[srcs[i]] != 1 {
				return "", false
			}
			n, ok := prev.bySourceOnly[srcs[i]]
			return n, ok
		},
		func(i int) (string, bool) { n, ok := prev.byTitle[key(ps[i].Title)]; return n, ok },
	}
	for _, look := range kept {
		for i := range ps {
			if names[i] != "" {
				continue
			}
			if n, ok := look(i); ok {
				if _, taken := owner[n]; !taken {
					owner[n], names[i] = i, n
				}
			}
		}
	}
	// Derived names in a fixed order, so that a clash names the same pair.
	order := make([]int, 0, len(ps))
	for i := range ps {
		if names[i] == "" {
			order = append(order, i)
		}
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(key(ps[a].Title), key(ps[b].Title)) })
	for _, i := range order {
		if err := claim(i, derivedName(key(ps[i].Title))); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return names, nil
}
