package exporter

import "github.com/pathwaysync/pathwaysync/pathway"

// Hostile strings a source page could carry.
var hostile = []string{
	"<script>alert(1)</script>",
	"<img src=x onerror=alert(1)>",
	"[click](javascript:alert(1))",
	"# Heading injected",
	"- list item injected",
	"1. ordered injected",
	"line one\n\n# heading after blank\n- item",
	"<!-- comment --> **bold** `code` | pipe |",
	"<a href=\"javascript:alert(1)\">x</a>",
	"{: onclick=\"alert(1)\" } :smile: ==mark== ~~del~~",
}

func injectionPathway() pathway.Pathway {
	h := func(i int) string { return hostile[i%len(hostile)] }
	p := pathway.Pathway{
		APIVersion: pathway.APIVersion, Kind: pathway.Kind,
		Title:      "Injected " + h(0) + " title\nsecond line",
		From:       pathway.Role{Title: "From " + h(1), URL: "javascript:alert(1)"},
		To:         pathway.Role{Title: "To " + h(2), URL: "https://example.com/to_(role)"},
		Duration:   pathway.Duration{MinMonths: 1, MaxMonths: 2, Text: h(3)},
		Discipline: "Discipline " + h(4),
		Summary:    "Summary " + h(5) + " " + h(0),
		Source:     "javascript:alert(1)",
		AILiteracy: &pathway.AILiteracy{Theme: h(6), Items: hostile},
		Archetypes: &pathway.Archetypes{Intro: h(7), Roles: []pathway.Role{{Title: h(8), URL: "javascript:alert(1)"}}},
	}
	for i := range hostile {
		p.FocusAreas = append(p.FocusAreas, pathway.FocusArea{Title: h(i), Text: h(i + 1)})
		p.Reading = append(p.Reading, pathway.Book{Title: h(i), Authors: h(i + 2), Description: h(i + 3)})
		p.Courses = append(p.Courses, pathway.Course{Title: h(i), Provider: h(i + 4), Description: h(i + 5)})
	}
	p.Skills, p.Behaviours, p.Projects = hostile, hostile, hostile
	return p
}
