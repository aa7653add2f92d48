package exporter

import "github.com/pathwaysync/pathwaysync/pathway"

// PathwayNames returns the Component name Render gives each pathway, in
// the order of ps; titles must be distinct (Render rejects duplicates).
func PathwayNames(ps []pathway.Pathway) []string {
	keys := make([]string, len(ps))
	for i := range ps {
		keys[i] = key(ps[i].Title)
	}
	byKey := assignNames(keys)
	names := make([]string, len(ps))
	for i, k := range keys {
		names[i] = byKey[k]
	}
	return names
}
