package manifest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
)

// ReadNames reads a manifest as Parse does but keeps of each pathway only
// its name, title and source (IndexOnly, whatever the version), decoding one pathway at a
// time: what a later export needs to keep the names of a large tree, and
// the files it lists.
func ReadNames(r io.Reader) (*Manifest, error) {
	m, err := readNames(json.NewDecoder(r))
	if err != nil {
		return nil, fmt.Errorf("parse manifest: %w", err)
	}
	if m.Generator != Generator {
		return nil, fmt.Errorf("parse manifest: generator %q is not %q", m.Generator, Generator)
	}
	if m.Version < MinVersion || m.Version > Version {
		return nil, fmt.Errorf("parse manifest: unsupported version %d", m.Version)
	}
	return m, nil
}

func readNames(dec *json.Decoder) (*Manifest, error) {
	if err := expect(dec, json.Delim('{')); err != nil {
		return nil, err
	}
	var m Manifest
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch t {
		case "generator":
			err = dec.Decode(&m.Generator)
		case "version":
			err = dec.Decode(&m.Version)
		case "files":
			err = dec.Decode(&m.Files)
		case "roles":
			err = dec.Decode(&m.Roles)
		case "systems":
			err = dec.Decode(&m.Systems)
		case "pathways":
			m.Pathways, err = readPathwayNames(dec)
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return nil, fmt.Errorf("%v: %w", t, err)
		}
	}
	return &m, expect(dec, json.Delim('}'))
}

func readPathwayNames(dec *json.Decoder) ([]Pathway, error) {
	t, err := dec.Token()
	if err != nil || t == nil {
		return nil, err
	}
	if t != json.Delim('[') {
		return nil, fmt.Errorf("not an array")
	}
	var ps []Pathway
	for dec.More() {
		var p struct{ Name, Title, Source string }
		if err := dec.Decode(&p); err != nil {
			return nil, err
		}
		ps = append(ps, Pathway{Name: p.Name, Title: p.Title, Source: p.Source, IndexOnly: true})
	}
	return ps, expect(dec, json.Delim(']'))
}

func expect(dec *json.Decoder, d json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t != d {
		return fmt.Errorf("not a JSON object")
	}
	return nil
}

// ReadTreeNames reads the manifest at the root of fsys as ReadNames does
// and, for version 3, completes Files from each indexed pathway's part
// (PathwayFiles). A part that is missing, not a regular file or not
// pathwaysync's adds no files: those are then not known as pathwaysync's.
func ReadTreeNames(fsys fs.FS) (*Manifest, error) {
	f, err := fsys.Open(FileName)
	if err != nil {
		return nil, err
	}
	m, err := ReadNames(bufio.NewReader(f))
	f.Close()
	if err != nil || m.Version < SplitVersion {
		return m, err
	}
	for _, p := range m.Pathways {
		files, err := readPathwayFiles(fsys, p.Name)
		if err == nil {
			m.Files = append(m.Files, files...)
		}
	}
	return m, nil
}

func readPathwayFiles(fsys fs.FS, name string) ([]string, error) {
	fi, err := fs.Lstat(fsys, PathwayFile(name))
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", PathwayFile(name))
	}
	f, err := fsys.Open(PathwayFile(name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return PathwayFiles(name, bufio.NewReader(f))
}
