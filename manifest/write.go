package manifest

import (
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Marshal renders m as indented JSON with a trailing newline; the same
// manifest always gives the same bytes. It sorts m.Files and m.Pathways.
func (m *Manifest) Marshal() ([]byte, error) {
	sort.Strings(m.Files)
	slices.SortFunc(m.Pathways, func(a, b Pathway) int { return strings.Compare(a.Name, b.Name) })
	var ps iter.Seq[Pathway]
	if m.Pathways != nil {
		ps = slices.Values(m.Pathways)
	}
	var b bytesWriter
	if err := write(&b, m.Generator, m.Version, m.Files, ps, Names{Roles: m.Roles, Systems: m.Systems}); err != nil {
		return nil, err
	}
	return b, nil
}

// Write writes the manifest listing files and pathways to w: the bytes
// of json.MarshalIndent(m, "", " ") and a newline for the Manifest m of
// Generator, Version, files and the pathways (nil is null), which must be
// sorted (files as strings, pathways by Name). The pathways are written
// one at a time, so a large tree's manifest is never whole in memory.
//
// The layout is written here and strings are escaped by encoding/json's
// rules (encoding/json itself for any that needs escaping); tests compare
// the bytes with json.MarshalIndent. Encoding each pathway with
// encoding/json instead was three times slower, a quarter of a second on
// the tail of a 10k export.
func Write(w io.Writer, files []string, pathways iter.Seq[Pathway], names Names) error {
	return write(w, Generator, Version, files, pathways, names)
}

// Names are the Roles and Systems of a Manifest.
type Names struct {
	Roles, Systems map[string]string
}

func write(w io.Writer, generator string, version int, files []string, pathways iter.Seq[Pathway], names Names) error {
	e := jsonWriter{w: w, buf: make([]byte, 0, 2*flushSize)}
	e.raw("{\n \"generator\": ")
	e.str(generator)
	e.raw(",\n \"version\": " + strconv.Itoa(version) + ",\n \"files\": ")
	e.strings(files, 1)
	e.raw(",\n \"pathways\": ")
	if pathways == nil {
		e.raw("null")
	} else {
		n := 0
		for p := range pathways {
			if n == 0 {
				e.raw("[")
			} else {
				e.raw(",")
			}
			e.pathway(&p)
			e.flushFull()
			if n++; e.err != nil {
				break
			}
		}
		if n > 0 {
			e.raw("\n ]")
		} else {
			e.raw("[]")
		}
	}
	e.stringMap("roles", names.Roles)
	e.stringMap("systems", names.Systems)
	e.raw("\n}\n")
	e.flush()
	if e.err != nil {
		return fmt.Errorf("write manifest: %w", e.err)
	}
	return nil
}

// jsonWriter writes json.MarshalIndent(v, "", " ")'s layout piece by
// piece into a buffer it hands to w in chunks of about flushSize bytes;
// err is the first error, after which nothing is written.
type jsonWriter struct {
	w   io.Writer
	buf []byte
	err error
}

const flushSize = 64 << 10

func (e *jsonWriter) raw(s string) { e.buf = append(e.buf, s...) }

// flushFull writes the buffer out once it holds flushSize bytes.
func (e *jsonWriter) flushFull() {
	if len(e.buf) >= flushSize {
		e.flush()
	}
}

func (e *jsonWriter) flush() {
	if e.err == nil && len(e.buf) > 0 {
		_, e.err = e.w.Write(e.buf)
	}
	e.buf = e.buf[:0]
}

// nl starts a new line indented to level.
func (e *jsonWriter) nl(level int) {
	e.buf = append(e.buf, '\n')
	for range level {
		e.buf = append(e.buf, ' ')
	}
}

// str writes s as a JSON string the way encoding/json does.
func (e *jsonWriter) str(s string) {
	if plainJSON(s) { // nearly every string: no allocation
		e.buf = append(e.buf, '"')
		e.buf = append(e.buf, s...)
		e.buf = append(e.buf, '"')
		return
	}
	b, err := json.Marshal(s)
	if err != nil && e.err == nil {
		e.err = err
	}
	e.buf = append(e.buf, b...)
}

// stringMap writes the omitempty member k of the top object, a string map
// with its keys sorted as encoding/json sorts them.
func (e *jsonWriter) stringMap(k string, m map[string]string) {
	if len(m) == 0 {
		return
	}
	e.raw(",\n ")
	e.str(k)
	e.raw(": {")
	for i, mk := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			e.raw(",")
		}
		e.nl(2)
		e.str(mk)
		e.raw(": ")
		e.str(m[mk])
	}
	e.nl(1)
	e.raw("}")
}

// strings writes a string array at indent level.
func (e *jsonWriter) strings(ss []string, level int) {
	switch {
	case ss == nil:
		e.raw("null")
		return
	case len(ss) == 0:
		e.raw("[]")
		return
	}
	e.raw("[")
	for i, s := range ss {
		if i > 0 {
			e.raw(",")
		}
		e.nl(level + 1)
		e.str(s)
		e.flushFull()
	}
	e.nl(level)
	e.raw("]")
}

// pathway writes p as an element of the pathways array (level 2).
func (e *jsonWriter) pathway(p *Pathway) {
	e.nl(2)
	e.raw("{")
	e.pathwayFields(p, 3)
	e.nl(2)
	e.raw("}")
}

// pathwayFields writes p's members at indent level, each on a new line
// and the first preceded by nothing, the others by a comma.
func (e *jsonWriter) pathwayFields(p *Pathway, level int) {
	e.nl(level)
	e.raw(`"name": `)
	e.str(p.Name)
	e.raw(",")
	e.nl(level)
	e.raw(`"title": `)
	e.str(p.Title)
	if p.Source != "" {
		e.raw(",")
		e.nl(level)
		e.raw(`"source": `)
		e.str(p.Source)
	}
	if p.Summary != "" {
		e.raw(",")
		e.nl(level)
		e.raw(`"summary": `)
		e.str(p.Summary)
	}
	if len(p.Sections) > 0 {
		e.raw(",")
		e.nl(level)
		e.raw(`"sections": {`)
		for i, k := range sectionKeys(p.Sections) {
			if i > 0 {
				e.raw(",")
			}
			e.nl(level + 1)
			e.str(k)
			e.raw(": ")
			e.strings(p.Sections[k], level+1)
		}
		e.nl(level)
		e.raw("}")
	}
}

// sortedSectionNames are SectionNames as encoding/json orders map keys.
var sortedSectionNames = slices.Sorted(slices.Values(SectionNames))

// sectionKeys returns the keys of sections in encoding/json's order
// (sorted as strings) without sorting the usual ones again.
func sectionKeys(sections map[string][]string) []string {
	var known [16]string
	keys := known[:0]
	for _, k := range sortedSectionNames {
		if _, ok := sections[k]; ok {
			keys = append(keys, k)
		}
	}
	if len(keys) == len(sections) {
		return keys
	}
	return slices.Sorted(maps.Keys(sections)) // a parsed manifest may have others
}

// plainJSON reports whether encoding/json writes s between quotes as is.
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// bytesWriter collects what is written to it.
type bytesWriter []byte

func (b *bytesWriter) Write(p []byte) (int, error) {
	*b = append(*b, p...)
	return len(p), nil
}
