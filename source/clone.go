package source

import (
	"slices"

	"github.com/pathwaysync/pathwaysync/pathway"
)

// clonePathways deep-copies pathways so callers of Cache.Load can modify
// what they get without corrupting the cached last good content.
func clonePathways(ps []pathway.Pathway) []pathway.Pathway {
	if ps == nil {
		return nil
	}
	out := make([]pathway.Pathway, len(ps))
	for i, p := range ps {
		p.FocusAreas = slices.Clone(p.FocusAreas)
		p.Skills = slices.Clone(p.Skills)
		p.Behaviours = slices.Clone(p.Behaviours)
		p.Projects = slices.Clone(p.Projects)
		p.Reading = slices.Clone(p.Reading)
		p.Courses = slices.Clone(p.Courses)
		if p.AILiteracy != nil {
			a := *p.AILiteracy
			a.Items = slices.Clone(a.Items)
			p.AILiteracy = &a
		}
		if p.Archetypes != nil {
			a := *p.Archetypes
			a.Roles = slices.Clone(a.Roles)
			p.Archetypes = &a
		}
		out[i] = p
	}
	return out
}
