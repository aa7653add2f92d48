package manifest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pathwaysync/pathwaysync/internal/workpool"
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
	if err := write(&b, m.Generator, m.Version, m.Files, ps); err != nil {
		return nil, err
	}
	return b, nil
}

// Write writes the manifest listing files and pathways to w: the bytes
// of json.MarshalIndent(m, "", " ") and a newline for the Manifest m of
// Generator, Version, files and the pathways (nil is null), which must
// be sorted (files as strings, pathways by Name). The pathways are
// encoded a few at a time, so a large tree's manifest is never whole in
// memory.
func Write(w io.Writer, files []string, pathways iter.Seq[Pathway]) error {
	return write(w, Generator, Version, files, pathways)
}

// window is how many pathways are encoded at once, on a few goroutines.
const window = 512

func write(w io.Writer, generator string, version int, files []string, pathways iter.Seq[Pathway]) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	str := func(s string) error {
		if plainJSON(s) { // most paths: no allocation
			bw.WriteByte('"')
			bw.WriteString(s)
			return bw.WriteByte('"')
		}
		b, err := json.Marshal(s)
		if err == nil {
			_, err = bw.Write(b)
		}
		return err
	}
	bw.WriteString("{\n \"generator\": ")
	if err := str(generator); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	bw.WriteString(",\n \"version\": " + strconv.Itoa(version) + ",\n \"files\": ")
	switch {
	case files == nil:
		bw.WriteString("null")
	case len(files) == 0:
		bw.WriteString("[]")
	default:
		bw.WriteString("[")
		for i, f := range files {
			if i > 0 {
				bw.WriteString(",")
			}
			bw.WriteString("\n  ")
			if err := str(f); err != nil {
				return fmt.Errorf("write manifest: %w", err)
			}
		}
		bw.WriteString("\n ]")
	}
	bw.WriteString(",\n \"pathways\": ")
	if pathways == nil {
		bw.WriteString("null")
	} else {
		n, err := writePathways(bw, pathways)
		if err != nil {
			return fmt.Errorf("write manifest: %w", err)
		}
		if n > 0 {
			bw.WriteString("\n ]")
		} else {
			bw.WriteString("[]")
		}
	}
	bw.WriteString("\n}\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return nil
}

// writePathways writes the elements of the pathways array, each indented
// as json.MarshalIndent places it at depth 2 and encoded by encoding/json,
// a window at a time in parallel; it returns how many it wrote.
func writePathways(bw *bufio.Writer, pathways iter.Seq[Pathway]) (int, error) {
	n := 0
	batch := make([]Pathway, 0, window)
	// A slot's buffer and encoder (and the encoder's indent buffer) are
	// reused from window to window.
	type slot struct {
		buf bytes.Buffer
		enc *json.Encoder
		err error
	}
	slots := make([]slot, window)
	for i := range slots {
		slots[i].enc = json.NewEncoder(&slots[i].buf)
		slots[i].enc.SetIndent("  ", " ")
	}
	flush := func() error {
		workpool.Each(len(batch), func(i int) {
			s := &slots[i]
			s.buf.Reset()
			s.err = s.enc.Encode(&batch[i])
		})
		for i := range batch {
			s := &slots[i]
			if s.err != nil {
				return s.err
			}
			if n > 0 {
				bw.WriteString(",")
			} else {
				bw.WriteString("[")
			}
			bw.WriteString("\n  ")
			bw.Write(bytes.TrimSuffix(s.buf.Bytes(), []byte("\n"))) // Encode ends a value with a newline
			n++
		}
		batch = batch[:0]
		return nil
	}
	for p := range pathways {
		if batch = append(batch, p); len(batch) == window {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	return n, flush()
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
