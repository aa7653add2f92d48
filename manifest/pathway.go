package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"slices"
	"sort"
	"strings"
)

// pathwayDoc is a pathway's part of a version 3 manifest: its index entry,
// its fingerprints and the files of its folder, relative to the folder,
// sorted, the part itself not listed.
type pathwayDoc struct {
	Generator string `json:"generator"`
	Version   int    `json:"version"`
	Pathway
	Files []string `json:"files"`
}

// WritePathway writes p's part of the manifest, listing files (relative to
// PathwayDir(p.Name), sorted): the bytes of json.MarshalIndent with one
// space and a newline.
func WritePathway(w io.Writer, p *Pathway, files []string) error {
	e := jsonWriter{w: w, buf: make([]byte, 0, 4<<10)}
	e.raw("{\n \"generator\": ")
	e.str(Generator)
	e.raw(fmt.Sprintf(",\n \"version\": %d,", Version))
	e.pathwayFields(p, 1)
	e.raw(",\n \"files\": ")
	e.strings(files, 1)
	e.raw("\n}\n")
	e.flush()
	if e.err != nil {
		return fmt.Errorf("write manifest of %s: %w", p.Name, e.err)
	}
	return nil
}

// AddPathway merges a pathway's part of the manifest (PathwayFile) into m,
// a version 3 root that indexes the pathway: the entry gets its summary
// and sections (IndexOnly is cleared), and m.Files the pathway's files and
// the part itself, appended. name is the pathway the part was read for.
func (m *Manifest) AddPathway(name string, data []byte) error {
	var d pathwayDoc
	if err := json.Unmarshal(data, &d); err != nil {
		return fmt.Errorf("parse %s: %w", PathwayFile(name), err)
	}
	if err := d.check(name); err != nil {
		return err
	}
	i, ok := slices.BinarySearchFunc(m.Pathways, name, func(p Pathway, n string) int { return strings.Compare(p.Name, n) })
	if !ok {
		i = slices.IndexFunc(m.Pathways, func(p Pathway) bool { return p.Name == name })
		if i < 0 {
			return fmt.Errorf("parse %s: pathway %q is not in %s", PathwayFile(name), name, FileName)
		}
	}
	p := &m.Pathways[i]
	p.Summary, p.Sections, p.IndexOnly = d.Summary, d.Sections, false
	dir := PathwayDir(name) + "/"
	for _, f := range d.Files {
		m.Files = append(m.Files, dir+f)
	}
	m.Files = append(m.Files, PathwayFile(name))
	return nil
}

// PathwayFiles reads the files a pathway's part of the manifest lists,
// relative to the tree root, the part itself included; name is the
// pathway it was read for. It keeps nothing else.
func PathwayFiles(name string, r io.Reader) ([]string, error) {
	var d struct {
		Generator string   `json:"generator"`
		Version   int      `json:"version"`
		Name      string   `json:"name"`
		Files     []string `json:"files"`
	}
	if err := json.NewDecoder(r).Decode(&d); err != nil {
		return nil, fmt.Errorf("parse %s: %w", PathwayFile(name), err)
	}
	doc := pathwayDoc{Generator: d.Generator, Version: d.Version, Pathway: Pathway{Name: d.Name}, Files: d.Files}
	if err := doc.check(name); err != nil {
		return nil, err
	}
	dir := PathwayDir(name) + "/"
	out := make([]string, 0, len(d.Files)+1)
	for _, f := range d.Files {
		out = append(out, dir+f)
	}
	return append(out, PathwayFile(name)), nil
}

// check reports whether d is pathwaysync's part for the pathway name, and
// its files stay inside the pathway's folder.
func (d *pathwayDoc) check(name string) error {
	where := PathwayFile(name)
	switch {
	case d.Generator != Generator:
		return fmt.Errorf("parse %s: generator %q is not %q", where, d.Generator, Generator)
	case d.Version < SplitVersion || d.Version > Version:
		return fmt.Errorf("parse %s: unsupported version %d", where, d.Version)
	case d.Name != name:
		return fmt.Errorf("parse %s: it describes pathway %q", where, d.Name)
	}
	for _, f := range d.Files {
		if f == "" || path.IsAbs(f) || path.Clean(f) != f || f == ".." || strings.HasPrefix(f, "../") || f == PathwayFileName {
			return fmt.Errorf("parse %s: file %q is not a clean path inside the folder", where, f)
		}
	}
	return nil
}

// ParseTree parses the root manifest root and, for version 3, merges each
// indexed pathway's part, which read returns by its path in the tree: the
// whole manifest, as one Manifest. A missing or broken part is an error
// naming it.
func ParseTree(root []byte, read func(path string) ([]byte, error)) (*Manifest, error) {
	m, err := Parse(root)
	if err != nil || m.Version < SplitVersion {
		return m, err
	}
	for _, p := range slices.Clone(m.Pathways) {
		data, err := read(PathwayFile(p.Name))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", PathwayFile(p.Name), err)
		}
		if err := m.AddPathway(p.Name, data); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// MarshalTree renders m as the files of a tree: the root manifest
// (FileName) and, from version 3, each pathway's part, which lists the
// files of m.Files under the pathway's folder (the root lists the
// others). The same manifest gives the same bytes. It sorts m.Files and
// m.Pathways, and suits trees built without the exporter.
func (m *Manifest) MarshalTree() (map[string][]byte, error) {
	if m.Version < SplitVersion {
		root, err := m.Marshal()
		return map[string][]byte{FileName: root}, err
	}
	sort.Strings(m.Files)
	slices.SortFunc(m.Pathways, func(a, b Pathway) int { return strings.Compare(a.Name, b.Name) })
	out := make(map[string][]byte, len(m.Pathways)+1)
	inParts := map[string]bool{}
	index := make([]Pathway, len(m.Pathways))
	for i := range m.Pathways {
		p := &m.Pathways[i]
		dir := PathwayDir(p.Name) + "/"
		lo, _ := slices.BinarySearch(m.Files, dir)
		var rel []string
		for _, f := range m.Files[lo:] {
			if !strings.HasPrefix(f, dir) {
				break
			}
			if f != PathwayFile(p.Name) {
				rel = append(rel, strings.TrimPrefix(f, dir))
			}
			inParts[f] = true
		}
		var b bytes.Buffer
		if err := WritePathway(&b, p, rel); err != nil {
			return nil, err
		}
		out[PathwayFile(p.Name)] = b.Bytes()
		index[i] = p.Index()
	}
	root := make([]string, 0, len(m.Files)-len(inParts))
	for _, f := range m.Files {
		if !inParts[f] {
			root = append(root, f)
		}
	}
	var b bytes.Buffer
	if err := write(&b, m.Generator, m.Version, root, slices.Values(index), Names{Roles: m.Roles, Systems: m.Systems}); err != nil {
		return nil, err
	}
	out[FileName] = b.Bytes()
	return out, nil
}
