// Package manifest describes a generated pathway tree: which files
// pathwaysync wrote, and a fingerprint of every pathway's items, so that a
// later run can tell what changed in each pathway without reading the old
// pathways back.
//
// The manifest is written as FileName at the root of every exported tree.
// It marks the folder as pathwaysync's own (the exporter refuses to write
// into a folder without one) and keeps the names the tree publishes.
//
// Since version 3 the manifest is split: the root file lists the files
// outside pathway folders and each pathway's name, title and source (its
// index entry); each pathway's own files and fingerprints live beside it,
// in PathwayFile(name). A change inside one pathway then changes one small
// file of its folder and leaves the root manifest alone, whatever the size
// of the catalog. Parse reads the root; AddPathway merges a pathway's file
// into it; versions 1 and 2 hold everything in the root.
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

// PathwayFileName is the name of a pathway's part of the manifest in its
// folder (version 3); see PathwayFile.
const PathwayFileName = "pathwaysync-pathway.json"

// PathwayDir is the folder of the pathway named name in a tree.
func PathwayDir(name string) string { return "pathways/" + name }

// PathwayFile is the path of the pathway named name's part of the
// manifest (version 3).
func PathwayFile(name string) string { return PathwayDir(name) + "/" + PathwayFileName }

// Generator and Version identify the manifest format. Version 2 added
// each pathway's source and the role and system names; version 3 moved
// each pathway's files and fingerprints into its folder (PathwayFile).
// Parse and CheckHeader still read version 1 (MinVersion), which has
// neither.
const (
	Generator  = "pathwaysync"
	Version    = 3
	MinVersion = 1
	// SplitVersion is the first version whose root holds only index
	// entries for pathways.
	SplitVersion = 3
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
	// IndexOnly reports that Summary and Sections are not known: Parse
	// sets it on the index entries of a version 3 root (they have
	// neither), AddPathway clears it.
	// Diff cannot count such a pathway.
	IndexOnly bool `json:"-"`
}

// Index is p's entry in a version 3 root manifest: its name, title and
// source, which is what a later export needs to keep its name.
func (p Pathway) Index() Pathway {
	return Pathway{Name: p.Name, Title: p.Title, Source: p.Source}
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
	if m.Version >= SplitVersion {
		for i := range m.Pathways {
			p := &m.Pathways[i]
			p.IndexOnly = p.Summary == "" && len(p.Sections) == 0
		}
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
	// Unknown reports a pathway on both sides whose content the manifests
	// cannot compare (one side is IndexOnly): it may or may not have
	// changed, and Sections is empty.
	Unknown bool
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
// Changes are sorted by pathway name; unchanged pathways are left out. A
// pathway on both sides that is IndexOnly on either is an Unknown
// change.
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
			if op.IndexOnly || np.IndexOnly {
				c.Unknown = true
				out = append(out, c)
				continue
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
