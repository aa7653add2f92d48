package pathway

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxAliases bounds alias expansion so a hostile document cannot blow up.
const maxAliases = 1000

// parseYAML imports canonical YAML: one pathway per document, decoded
// strictly by the json field names of Pathway.
func parseYAML(name string, data []byte) ([]Pathway, []Warning, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []Pathway
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, yamlSyntaxError(name, err)
		}
		if len(doc.Content) == 0 {
			continue
		}
		root := doc.Content[0]
		if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
			continue // an empty document between markers
		}
		p, err := decodePathway(name, root)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, *p)
	}
	if len(out) == 0 {
		return nil, nil, &Error{File: name, Msg: "no YAML documents", Err: ErrEmpty}
	}
	return out, nil, nil
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): `)

// yamlSyntaxError turns a yaml.v3 parse error into an *Error with its line.
func yamlSyntaxError(name string, err error) error {
	msg := err.Error()
	e := &Error{File: name, Msg: strings.TrimPrefix(msg, "yaml: ")}
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Msg = msg[len(m[0]):]
	}
	return e
}

// nodeDecoder decodes yaml.v3 nodes into Go values by json tags, strictly,
// and remembers the line of every field path for later validation errors.
type nodeDecoder struct {
	file    string
	lines   map[string]int
	aliases int
}

// decodePathway checks apiVersion and kind, decodes, and validates one document.
func decodePathway(name string, root *yaml.Node) (*Pathway, error) {
	if root.Kind != yaml.MappingNode {
		return nil, &Error{File: name, Line: root.Line, Msg: "document must be a mapping with apiVersion " + APIVersion + " and kind " + Kind}
	}
	for _, want := range []struct{ key, value string }{{"apiVersion", APIVersion}, {"kind", Kind}} {
		v := mappingValue(root, want.key)
		switch {
		case v == nil:
			return nil, &Error{File: name, Line: root.Line, Field: want.key, Msg: fmt.Sprintf("required (want %q)", want.value)}
		case v.Kind != yaml.ScalarNode || v.Value != want.value:
			return nil, &Error{File: name, Line: v.Line, Field: want.key, Msg: fmt.Sprintf("must be %q, got %q", want.value, v.Value)}
		}
	}
	d := &nodeDecoder{file: name, lines: map[string]int{"": root.Line}}
	var p Pathway
	if err := d.decode(root, reflect.ValueOf(&p).Elem(), ""); err != nil {
		return nil, err
	}
	if p.Source == "" {
		p.Source = name
	}
	if err := p.validate(name); err != nil {
		d.locate(err)
		return nil, err
	}
	return &p, nil
}

// mappingValue returns the value node of key in a mapping, or nil.
func mappingValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// locate fills in the line of each *Error in err from its field path,
// falling back to the nearest enclosing field that was present.
func (d *nodeDecoder) locate(err error) {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		var pe *Error
		if !errors.As(e, &pe) || pe.Line != 0 {
			continue
		}
		for f := pe.Field; ; {
			if n, ok := d.lines[f]; ok {
				pe.Line = n
				break
			}
			i := strings.LastIndexAny(f, ".[")
			if i < 0 {
				pe.Line = d.lines[""]
				break
			}
			f = f[:i]
		}
	}
}

func (d *nodeDecoder) errorf(n *yaml.Node, path, format string, args ...any) error {
	return &Error{File: d.file, Line: n.Line, Field: path, Msg: fmt.Sprintf(format, args...)}
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// decode sets v from n; path names v for errors ("focusAreas[1].title").
func (d *nodeDecoder) decode(n *yaml.Node, v reflect.Value, path string) error {
	if n.Kind == yaml.AliasNode {
		d.aliases++
		if d.aliases > maxAliases || n.Alias == nil {
			return d.errorf(n, path, "too many aliases")
		}
		n = n.Alias
	}
	if _, ok := d.lines[path]; !ok {
		d.lines[path] = n.Line
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		// As the schema says: a field is left out, never null ("x:" or "x: ~").
		return d.errorf(n, path, "expected %s, got null (leave the field out instead)", wantKind(v.Type()))
	}
	switch v.Kind() {
	case reflect.Pointer:
		nv := reflect.New(v.Type().Elem())
		if err := d.decode(n, nv.Elem(), path); err != nil {
			return err
		}
		v.Set(nv)
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return d.errorf(n, path, "expected a mapping, got %s", describe(n))
		}
		fields := jsonFields(v.Type())
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return d.errorf(k, path, "expected a field name, got %s", describe(k))
			}
			fp := joinPath(path, k.Value)
			idx, ok := fields[k.Value]
			if !ok {
				return d.errorf(k, fp, "unknown field")
			}
			if seen[k.Value] {
				return d.errorf(k, fp, "duplicate field")
			}
			seen[k.Value] = true
			d.lines[fp] = k.Line
			if err := d.decode(val, v.Field(idx), fp); err != nil {
				return err
			}
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return d.errorf(n, path, "expected a list, got %s", describe(n))
		}
		if len(n.Content) == 0 {
			v.Set(reflect.Zero(v.Type()))
			return nil
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			if err := d.decode(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		v.Set(s)
	case reflect.String:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
			return d.errorf(n, path, "expected a string, got %s", describe(n))
		}
		v.SetString(n.Value)
	case reflect.Int:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
			return d.errorf(n, path, "expected an integer, got %s", describe(n))
		}
		i, err := strconv.ParseInt(n.Value, 0, 32)
		if err != nil {
			return d.errorf(n, path, "integer out of range: %s", n.Value)
		}
		v.SetInt(i)
	default:
		return d.errorf(n, path, "unsupported field type %s", v.Type())
	}
	return nil
}

// wantKind names what a field of type t holds, for error messages.
func wantKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Pointer, reflect.Struct:
		return "a mapping"
	case reflect.Slice:
		return "a list"
	case reflect.String:
		return "a string"
	case reflect.Int:
		return "an integer"
	}
	return t.String()
}

// describe names a node's type for error messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		v := n.Value
		if len(v) > 40 {
			v = v[:40] + "…"
		}
		return fmt.Sprintf("%s %q", strings.TrimPrefix(n.ShortTag(), "!!"), v)
	}
	return "an alias"
}

// jsonFields maps json names to field indexes for struct type t.
func jsonFields(t reflect.Type) map[string]int {
	m := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		if name, _, ok := jsonName(t.Field(i)); ok {
			m[name] = i
		}
	}
	return m
}

// jsonName returns a field's json name and whether it is omitempty.
func jsonName(f reflect.StructField) (name string, omitempty, ok bool) {
	if !f.IsExported() {
		return "", false, false
	}
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false, false
	}
	name, opts, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	return name, strings.Contains(","+opts+",", ",omitempty,"), true
}

// MarshalYAML writes p as one canonical YAML document: apiVersion and kind
// first, then the fields in the order of the Pathway type (which is page
// order, source last), empty optional fields left out. Output is
// deterministic, and Parse reads it back to an equal Pathway. p must pass
// Validate apart from apiVersion and kind, which are always written as
// APIVersion and Kind.
func MarshalYAML(p *Pathway) ([]byte, error) {
	if p == nil {
		return nil, errors.New("marshal pathway: nil pathway")
	}
	c := *p
	c.APIVersion, c.Kind = APIVersion, Kind
	if err := c.validate(p.Source); err != nil {
		return nil, fmt.Errorf("marshal pathway: %w", err)
	}
	var buf bytes.Buffer
	if err := encodeMembers(&buf, toNode(reflect.ValueOf(c))); err != nil {
		return nil, fmt.Errorf("marshal pathway: %w", err)
	}
	return buf.Bytes(), nil
}

// encodeMembers writes the top-level mapping root as encoding it whole
// with yaml.v3 (indent 2) does, in pieces: yaml.v3's emitter keeps every
// event of a document until the document ends, which made a page with a
// hundred thousand items cost seconds and hundreds of megabytes. A
// top-level block member does not depend on its siblings, nor a block
// sequence item on the items before it, so each member is its own
// document, and a long sequence is written in runs of seqChunk items, each
// a top-level sequence indented under its key.
func encodeMembers(buf *bytes.Buffer, root *yaml.Node) error {
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if v.Kind != yaml.SequenceNode || len(v.Content) <= seqChunk {
			member := &yaml.Node{Kind: yaml.MappingNode, Tag: root.Tag, Content: []*yaml.Node{k, v}}
			if err := encodeDoc(buf, member); err != nil {
				return err
			}
			continue
		}
		if err := encodeDoc(buf, &yaml.Node{Kind: yaml.MappingNode, Tag: root.Tag, Content: []*yaml.Node{k, {Kind: yaml.ScalarNode, Tag: "!!null", Value: "~"}}}); err != nil {
			return err
		}
		// "key: ~\n" → "key:\n", then the items two spaces in.
		buf.Truncate(buf.Len() - len(" ~\n"))
		buf.WriteByte('\n')
		var part bytes.Buffer
		for j := 0; j < len(v.Content); j += seqChunk {
			part.Reset()
			run := &yaml.Node{Kind: yaml.SequenceNode, Tag: v.Tag, Content: v.Content[j:min(j+seqChunk, len(v.Content))]}
			if err := encodeDoc(&part, run); err != nil {
				return err
			}
			for line := range bytes.Lines(part.Bytes()) {
				if len(line) > 1 {
					buf.WriteString("  ")
				}
				buf.Write(line)
			}
		}
	}
	return nil
}

// seqChunk is how many sequence items encodeMembers writes as one document.
const seqChunk = 256

// encodeDoc writes n as one YAML document with indent 2.
func encodeDoc(buf *bytes.Buffer, n *yaml.Node) error {
	enc := yaml.NewEncoder(buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return err
	}
	return enc.Close()
}

// toNode converts a value to a yaml node, fields in declaration order.
func toNode(v reflect.Value) *yaml.Node {
	switch v.Kind() {
	case reflect.Pointer:
		return toNode(v.Elem())
	case reflect.Struct:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		t := v.Type()
		for i := range t.NumField() {
			name, omitempty, ok := jsonName(t.Field(i))
			fv := v.Field(i)
			if !ok || (omitempty || fv.Kind() == reflect.Slice || fv.Kind() == reflect.Pointer) && fv.IsZero() {
				continue
			}
			if fv.Kind() == reflect.Slice && fv.Len() == 0 {
				continue
			}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: name}, toNode(fv))
		}
		return n
	case reflect.Slice:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for i := range v.Len() {
			n.Content = append(n.Content, toNode(v.Index(i)))
		}
		return n
	case reflect.Int:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(v.Int(), 10)}
	default:
		s := v.String()
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
		if strings.Contains(s, "\n") {
			n.Style = yaml.LiteralStyle
		}
		return n
	}
}
