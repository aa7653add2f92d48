// Package manifest describes a generated pathway tree: which files
// pathwaysync wrote, and a fingerprint of every pathway's items, so that a
// later run can tell what changed in each pathway without reading the old
// pathways back.
//
// The manifest is written as FileName at the root of every exported tree.
// It marks the folder as pathwaysync's own (the exporter refuses to write
// into a folder without one) and lets githubsync describe a change per
// pathway ("Skills: +2 −1") from one blob.
package manifest

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/pathwaysync/pathwaysync/pathway"
)

// FileName is the manifest's name at the root of an exported tree.
const FileName = "pathwaysync-manifest.json"

// Generator and Version identify the manifest format. Version 2 added
// each pathway's source and the role and system names; Parse and
// CheckHeader still read version 1 (MinVersion), which has neither.
const (
	Generator  = "pathwaysync"
	Version    = 2
	MinVersion = 1
)

// Manifest lists the generated files and fingerprints each pathway.
type Manifest struct {
	Generator string `json:"generator"`
	Version   int    `json:"version"`
	// Files are the generated files, slash-separated, relative to the tree
	// root, sorted; the manifest itself is not listed.
	Files []string `json:"files"`
	// Pathways are sorted by Name.
	Pathways []Pathway `json:"pathways"`
	// Roles maps each role archetype's title to its Resource's name, and
	// Systems each discipline to its System's name (version 2), so that a
	// later export keeps the names.
	Roles   map[string]string `json:"roles,omitempty"`
	Systems map[string]string `json:"systems,omitempty"`
}

// Pathway fingerprints one pathway.
type Pathway struct {
	// Name is the Component entity's metadata.name.
	Name  string `json:"name"`
	Title string `json:"title"`
	// Source is where the pathway came from, as the Component's
	// spec.pathway.source says: a URL or a relative path, never absolute.
	Source string `json:"source,omitempty"`
	// Summary is a fingerprint of the summary text.
	Summary string `json:"summary,omitempty"`
	// Sections maps a section name (see SectionNames) to fingerprints of its
	// items, in page order.
	Sections map[string][]string `json:"sections,omitempty"`
}

// Section names, in the order a change description lists them.
var SectionNames = []string{
	"Duration", "Discipline", "Focus areas", "Skills", "Behaviours", "Projects",
	"AI literacy", "Reading", "Courses", "Role archetypes",
}

// Fingerprint returns a short, stable fingerprint of the given strings:
// the first 12 hex digits of the SHA-256 of each part written as
// "len:part;".
func Fingerprint(parts ...string) string {
	var f fingerprinter
	s := f.sum(parts...)
	return hex.EncodeToString(s[:])
}

// ForPathway fingerprints p under the entity name name. Source is left
// empty: the caller sets it as the tree records it.
func ForPathway(name string, p *pathway.Pathway) Pathway {
	c := CompactFor(name, p)
	return c.Expand()
}

// Parse reads a manifest and checks that pathwaysync wrote it.
func Parse(b []byte) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("parse manifest: %w", err)
	}
	if m.Generator != Generator {
		return nil, fmt.Errorf("parse manifest: generator %q is not %q", m.Generator, Generator)
	}
	if m.Version < MinVersion || m.Version > Version {
		return nil, fmt.Errorf("parse manifest: unsupported version %d", m.Version)
	}
	return &m, nil
}

// ChangeType says what happened to a pathway.
type ChangeType string

// Change types.
const (
	Added   ChangeType = "added"
	Removed ChangeType = "removed"
	Changed ChangeType = "changed"
)

// Change describes what happened to one pathway between two manifests.
type Change struct {
	Type     ChangeType
	Name     string
	Title    string
	OldTitle string // set when the title changed
	// SummaryChanged reports a changed summary.
	SummaryChanged bool
	// Sections lists the changed sections in SectionNames order.
	Sections []SectionChange
}

// SectionChange counts items added and removed in one section; Reordered
// is set when the same items moved.
type SectionChange struct {
	Name      string
	Added     int
	Removed   int
	Reordered bool
}

// Diff compares two manifests; old may be nil (everything is added).
// Changes are sorted by pathway name; unchanged pathways are left out.
func Diff(old, new *Manifest) []Change {
	oldBy := map[string]Pathway{}
	if old != nil {
		for _, p := range old.Pathways {
			oldBy[p.Name] = p
		}
	}
	var out []Change
	seen := map[string]bool{}
	if new != nil {
		for _, np := range new.Pathways {
			seen[np.Name] = true
			op, ok := oldBy[np.Name]
			if !ok {
				out = append(out, Change{Type: Added, Name: np.Name, Title: np.Title})
				continue
			}
			c := Change{Type: Changed, Name: np.Name, Title: np.Title}
			if op.Title != np.Title {
				c.OldTitle = op.Title
			}
			c.SummaryChanged = op.Summary != np.Summary
			for _, sec := range SectionNames {
				if sc, changed := diffSection(sec, op.Sections[sec], np.Sections[sec]); changed {
					c.Sections = append(c.Sections, sc)
				}
			}
			if c.OldTitle != "" || c.SummaryChanged || len(c.Sections) > 0 {
				out = append(out, c)
			}
		}
	}
	for name, op := range oldBy {
		if !seen[name] {
			out = append(out, Change{Type: Removed, Name: name, Title: op.Title})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func diffSection(name string, old, new []string) (SectionChange, bool) {
	sc := SectionChange{Name: name}
	count := map[string]int{}
	for _, f := range old {
		count[f]++
	}
	for _, f := range new {
		if count[f] > 0 {
			count[f]--
		} else {
			sc.Added++
		}
	}
	for _, n := range count {
		sc.Removed += n
	}
	if sc.Added == 0 && sc.Removed == 0 {
		for i := range old {
			if old[i] != new[i] {
				sc.Reordered = true
				break
			}
		}
	}
	return sc, sc.Added > 0 || sc.Removed > 0 || sc.Reordered
}
