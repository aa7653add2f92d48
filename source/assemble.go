package source

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/pathwaysync/pathwaysync/pathway"
)

// assemble flattens groups into the output order (spec order, then title
// within a spec) and rejects a title defined twice, case-insensitively.
func assemble(groups []group) ([]pathway.Pathway, []Warning, error) {
	type item struct {
		p   pathway.Pathway
		doc string
	}
	var out []pathway.Pathway
	var warnings []Warning
	seen := map[string]string{}
	var errs []error
	for _, g := range groups {
		var items []item
		for _, d := range g.docs {
			warnings = append(warnings, d.warnings...)
			for _, p := range d.pathways {
				items = append(items, item{p: p, doc: d.name})
			}
		}
		warnings = append(warnings, g.warnings...)
		sort.SliceStable(items, func(i, j int) bool {
			a, b := strings.ToLower(items[i].p.Title), strings.ToLower(items[j].p.Title)
			if a != b {
				return a < b
			}
			return items[i].p.Title < items[j].p.Title
		})
		for _, it := range items {
			key := strings.ToLower(strings.TrimSpace(it.p.Title))
			if first, ok := seen[key]; ok {
				errs = append(errs, duplicate(it.p.Title, first, it.doc))
				continue
			}
			seen[key] = it.doc
			out = append(out, it.p)
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
