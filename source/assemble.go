package source

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/pathwaysync/pathwaysync/pathway"
)

// assemble flattens groups into the output order (spec order, then title
// within a spec) and rejects a title defined twice, case-insensitively.
func assemble(groups []group) ([]pathway.Pathway, []Warning, error) {
	type item struct {
		p     *pathway.Pathway
		doc   string
		lower string // the title lowercased, the sort key
	}
	var out []pathway.Pathway
	var warnings []Warning
	seen := map[string]string{}
	var errs []error
	for _, g := range groups {
		var items []item
		for _, d := range g.docs {
			warnings = append(warnings, d.warnings...)
			for i := range d.pathways {
				p := &d.pathways[i]
				items = append(items, item{p: p, doc: d.name, lower: strings.ToLower(p.Title)})
			}
		}
		warnings = append(warnings, g.warnings...)
		sort.SliceStable(items, func(i, j int) bool {
			if a, b := items[i].lower, items[j].lower; a != b {
				return a < b
			}
			return items[i].p.Title < items[j].p.Title
		})
		out = slices.Grow(out, len(items))
		for _, it := range items {
			key := strings.TrimSpace(it.lower)
			if first, ok := seen[key]; ok {
				errs = append(errs, duplicate(it.p.Title, first, it.doc))
				continue
			}
			seen[key] = it.doc
			out = append(out, *it.p)
		}
	}
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}
	return out, warnings, nil
}

// duplicate names both sources of a title defined twice.
func duplicate(title, first, second string) error {
	if first == second {
		return fmt.Errorf("%w %q: defined twice in %s", ErrDuplicate, title, first)
	}
	return fmt.Errorf("%w %q: defined in %s and %s", ErrDuplicate, title, first, second)
}
