package catalog

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Problem is one finding of CheckTree, located in a file of the tree.
type Problem struct {
	// File is the tree's folder joined with the file's path inside it.
	File string
	// Line is 1-based; 0 when the file could not be read.
	Line int
	// Entity is the entity's ref when the problem is an entity's.
	Entity string
	// Field is the offending field path, e.g. "spec.owner"; empty for a
	// problem with the file itself.
	Field string
	Msg   string
	// Warning marks a finding the catalog accepts (e.g. a ref to an entity
	// that is not in the tree); errors are what the catalog rejects.
	Warning bool
}

// String formats the problem as "FILE:LINE: field: msg".
func (p Problem) String() string {
	s := p.File + ":" + strconv.Itoa(p.Line) + ": "
	if p.Warning {
		s += "warning: "
	}
	if p.Field != "" {
		s += p.Field + ": "
	}
	return s + p.Msg
}

// TreeOptions tunes CheckTree; the zero value applies the defaults.
type TreeOptions struct {
	// AllowedKinds as in ValidateOptions.
	AllowedKinds []string
	// Root is the file to start from, relative to the folder; empty means
	// catalog-info.yaml (or catalog-info.yml).
	Root string
}

// TreeReport is what CheckTree found.
type TreeReport struct {
	// Files is the number of catalog files read.
	Files int
	// Entities are the refs of the entities read, in reading order.
	Entities []string
	// Problems are sorted by file and line.
	Problems []Problem
}

// Errors counts the problems that are not warnings.
func (r *TreeReport) Errors() int {
	n := 0
	for _, p := range r.Problems {
		if !p.Warning {
			n++
		}
	}
	return n
}

// CheckTree reads the catalog folder dir the way the Backstage catalog does:
// from its root file, following the relative targets of Location entities
// (file type, globs without "**"), every file as multi-document YAML. It
// reports YAML errors, entities that break the catalog's rules, Location
// targets that are missing or outside dir, entity refs defined twice, and
// backstage.io/techdocs-ref folders without mkdocs.yml, as errors; refs to
// entities the tree does not define and YAML files no Location reads, as
// warnings. Nothing outside dir is read (symbolic links included). The
// error is for a folder that cannot be read at all.
func CheckTree(dir string, o TreeOptions) (*TreeReport, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("check catalog: %w", err)
	}
	defer root.Close()
	c := &treeChecker{dir: dir, root: root, opts: o, rep: &TreeReport{},
		read: map[string]bool{}, defined: map[string]where{}}
	start := o.Root
	if start == "" {
		start = "catalog-info.yaml"
		if _, err := root.Stat(start); errors.Is(err, fs.ErrNotExist) {
			if _, err := root.Stat("catalog-info.yml"); err == nil {
				start = "catalog-info.yml"
			}
		}
	}
	start = path.Clean(filepath.ToSlash(start))
	if !fs.ValidPath(start) {
		return nil, fmt.Errorf("check catalog: root file %q is not inside %s", o.Root, dir)
	}
	if _, err := root.Stat(start); err != nil {
		return nil, fmt.Errorf("check catalog: %s: %w", filepath.Join(dir, start), unwrapPath(err))
	}
	c.readFile(start, where{}, "", false)
	c.checkRefs()
	c.unread()
	slices.SortStableFunc(c.rep.Problems, func(a, b Problem) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	return c.rep, nil
}

// where is a place in the tree: a file (slash path inside the folder) and line.
type where struct {
	file string
	line int
}

// refUse is a spec field of an entity that names another entity.
type refUse struct {
	at     where
	entity string
	field  string
	target string // full ref, lower case
}

type treeChecker struct {
	dir     string
	root    *os.Root
	opts    TreeOptions
	rep     *TreeReport
	read    map[string]bool
	defined map[string]where
	uses    []refUse
}

func (c *treeChecker) problem(at where, entity, field string, warning bool, format string, args ...any) {
	c.rep.Problems = append(c.rep.Problems, Problem{File: filepath.Join(c.dir, filepath.FromSlash(at.file)),
		Line: at.line, Entity: entity, Field: field, Msg: fmt.Sprintf(format, args...), Warning: warning})
}

var reYAMLLine = regexp.MustCompile(`^line (\d+)`)

// readFile reads one catalog file named by the Location field at from.
func (c *treeChecker) readFile(name string, from where, field string, optional bool) {
	if c.read[name] {
		return
	}
	data, err := c.root.ReadFile(filepath.FromSlash(name))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if !optional {
				c.problem(from, "", field, false, "target %s does not exist (the catalog fails this Location and everything it names)", name)
			}
			return
		}
		if from.file == "" {
			c.problem(where{file: name}, "", "", false, "cannot read: %v", unwrapPath(err))
		} else {
			c.problem(from, "", field, false, "cannot read target %s: %v", name, unwrapPath(err))
		}
		return
	}
	c.read[name] = true
	c.rep.Files++
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			line, msg := yamlErrorLine(err)
			c.problem(where{name, line}, "", "", false, "YAML syntax error: %s (the catalog reads no entity from this file)", msg)
			return
		}
		if len(doc.Content) == 0 {
			continue
		}
		c.entity(name, doc.Content[0])
	}
}

// parserErrors are the messages of go-yaml's parser (not its scanner),
// whose "line N" is 0-based.
var parserErrors = []string{
	"did not find expected <document start>", "did not find expected node content",
	"did not find expected key", "did not find expected '-' indicator",
	"did not find expected ',' or ']'", "did not find expected ',' or '}'",
}

// yamlErrorLine splits a go-yaml error into its 1-based line and message.
func yamlErrorLine(err error) (int, string) {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	m := reYAMLLine.FindStringSubmatch(msg)
	if m == nil {
		return 0, msg
	}
	line, _ := strconv.Atoi(m[1])
	msg = strings.TrimPrefix(msg, m[0]+": ")
	if slices.Contains(parserErrors, msg) {
		line++
	}
	return line, msg
}

// entity checks one YAML document of file name.
func (c *treeChecker) entity(name string, n *yaml.Node) {
	at := where{name, n.Line}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // an empty document, which the catalog skips
	}
	if n.Kind != yaml.MappingNode {
		c.problem(at, "", "", false, "a document must be a mapping (one entity), not a %s", nodeKind(n))
		return
	}
	var raw any
	if err := n.Decode(&raw); err != nil {
		// e.g. a key given twice, which the catalog's YAML parser rejects
		line, msg := yamlErrorLine(err)
		c.problem(where{name, line}, "", "", false, "YAML error: %s (the catalog reads no entity from this file)", msg)
		return
	}
	js, err := json.Marshal(raw)
	if err != nil {
		c.problem(at, "", "", false, "cannot decode: every key must be a string (%v)", err)
		return
	}
	if field, want := miscased(raw); field != "" {
		c.problem(where{name, lineOf(n, field)}, "", field, false, "the catalog reads only %q (keys are case-sensitive)", want)
		return
	}
	var e Entity
	if err := json.Unmarshal(js, &e); err != nil {
		field := ""
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			field = te.Field
			err = fmt.Errorf("must be a %s, not a %s", te.Type, te.Value)
		}
		c.problem(where{name, lineOf(n, field)}, "", field, false, "%v", err)
		return
	}
	ref := e.Ref()
	errs := ValidateWith(&e, ValidateOptions{AllowedKinds: c.opts.AllowedKinds})
	for _, err := range errs {
		var fe *FieldError
		if errors.As(err, &fe) {
			c.problem(where{name, lineOf(n, fe.Field)}, ref, fe.Field, false, "%s", fe.Msg)
		}
	}
	c.rep.Entities = append(c.rep.Entities, ref)
	if e.Metadata.Name != "" {
		if first, dup := c.defined[ref]; dup {
			c.problem(where{name, lineOf(n, "metadata.name")}, ref, "metadata.name", false,
				"%s is also defined at %s:%d (the catalog keeps one of the two and drops the other)",
				ref, filepath.Join(c.dir, filepath.FromSlash(first.file)), first.line)
		} else {
			c.defined[ref] = at
		}
	}
	c.techdocs(name, n, ref, e.Metadata.Annotations["backstage.io/techdocs-ref"])
	c.collectRefs(name, n, &e, ref)
	if e.Kind == KindLocation && len(errs) == 0 {
		c.location(name, n, &e, ref)
	}
}

// techdocs checks that a "dir:" techdocs-ref names a folder of the tree
// holding mkdocs.yml.
func (c *treeChecker) techdocs(name string, n *yaml.Node, ref, value string) {
	d, ok := strings.CutPrefix(value, "dir:")
	if !ok {
		return
	}
	const field = "metadata.annotations[backstage.io/techdocs-ref]"
	at := where{name, lineOf(n, field)}
	p, ok := inside(name, d)
	if !ok {
		c.problem(at, ref, field, false, "%q points outside the catalog folder", d)
		return
	}
	for _, f := range []string{"mkdocs.yml", "mkdocs.yaml"} {
		if _, err := c.root.Stat(filepath.FromSlash(path.Join(p, f))); err == nil {
			return
		}
	}
	c.problem(at, ref, field, false, "%s has no mkdocs.yml, so TechDocs cannot build this entity's docs", path.Join(c.dir, p))
}

// collectRefs records the entity refs in e's spec for checkRefs.
func (c *treeChecker) collectRefs(name string, n *yaml.Node, e *Entity, self string) {
	ns := e.Metadata.Namespace
	if ns == "" {
		ns = "default"
	}
	_, rules := specRules(e.Kind)
	for _, r := range rules {
		var refs []string
		var fields []string
		switch x := e.Spec[r.field].(type) {
		case string:
			refs, fields = []string{x}, []string{"spec." + r.field}
		case []any:
			for i, it := range x {
				if s, ok := it.(string); ok {
					refs = append(refs, s)
					fields = append(fields, fmt.Sprintf("spec.%s[%d]", r.field, i))
				}
			}
		}
		for i, s := range refs {
			kind, rns, rname, ok := ParseRef(s)
			if kind == "" {
				kind = r.defaultKind
			}
			if rns == "" {
				rns = ns
			}
			if !ok || kind == "" {
				continue // already an error
			}
			c.uses = append(c.uses, refUse{at: where{name, lineOf(n, fields[i])}, entity: self,
				field: fields[i], target: lower(kind) + ":" + lower(rns) + "/" + lower(rname)})
		}
	}
}

// checkRefs warns once for each ref target the tree does not define.
func (c *treeChecker) checkRefs() {
	count := map[string]int{}
	for _, u := range c.uses {
		if _, ok := c.defined[u.target]; !ok {
			count[u.target]++
		}
	}
	for _, u := range c.uses {
		n, ok := count[u.target]
		if !ok || n == 0 {
			continue
		}
		more := ""
		if n > 1 {
			more = fmt.Sprintf(" (first of %d references)", n)
		}
		c.problem(u.at, u.entity, u.field, true, "%s is not defined in this tree%s: the relation resolves only if another location defines it", u.target, more)
		count[u.target] = 0
	}
}

// location follows the targets of a valid Location entity.
func (c *treeChecker) location(name string, n *yaml.Node, e *Entity, ref string) {
	if t, _ := e.Spec["type"].(string); t != "" && t != "file" {
		c.problem(where{name, lineOf(n, "spec.type")}, ref, "spec.type", true, "targets of type %q are not checked", t)
		return
	}
	optional := e.Spec["presence"] == "optional"
	var targets, fields []string
	if t, ok := e.Spec["target"].(string); ok {
		targets, fields = append(targets, t), append(fields, "spec.target")
	}
	if ts, ok := stringList(e.Spec["targets"]); ok {
		for i, t := range ts {
			targets, fields = append(targets, t), append(fields, fmt.Sprintf("spec.targets[%d]", i))
		}
	}
	for i, t := range targets {
		at := where{name, lineOf(n, fields[i])}
		p, ok := inside(name, t)
		if !ok {
			c.problem(at, ref, fields[i], false, "%q points outside the catalog folder", t)
			continue
		}
		if !strings.ContainsAny(p, "*?[{") {
			c.readFile(p, at, fields[i], optional)
			continue
		}
		if strings.Contains(p, "**") || strings.ContainsRune(p, '{') {
			c.problem(at, ref, fields[i], true, "glob %q is not followed by this check (only *, ? and [...] are)", t)
			continue
		}
		matches, err := fs.Glob(c.root.FS(), p)
		if err != nil {
			c.problem(at, ref, fields[i], false, "bad glob %q: %v", t, err)
			continue
		}
		if len(matches) == 0 {
			c.problem(at, ref, fields[i], true, "glob %q matches no file", t)
		}
		for _, m := range matches {
			c.readFile(m, at, fields[i], optional)
		}
	}
}

// unread warns about YAML files under the folder that no Location reads
// (mkdocs.yml files, hidden folders and node_modules aside).
func (c *treeChecker) unread() {
	_ = fs.WalkDir(c.root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		base := d.Name()
		if d.IsDir() {
			if p != "." && (strings.HasPrefix(base, ".") || base == "node_modules") {
				return fs.SkipDir
			}
			return nil
		}
		ext := path.Ext(base)
		if (ext != ".yaml" && ext != ".yml") || base == "mkdocs.yml" || base == "mkdocs.yaml" || c.read[p] {
			return nil
		}
		c.problem(where{p, 1}, "", "", true, "no Location names this file, so the catalog never reads it")
		return nil
	})
}

// inside resolves target relative to the folder of file (both slash paths
// inside the tree) and reports whether the result stays inside the tree.
func inside(file, target string) (string, bool) {
	if target == "" || strings.HasPrefix(target, "/") || strings.Contains(target, `\`) || strings.Contains(target, "://") {
		return "", false
	}
	p := path.Join(path.Dir(file), target)
	if p == ".." || strings.HasPrefix(p, "../") {
		return "", false
	}
	return p, true
}

// lineOf returns the line of field (a path like "metadata.tags[2]" or
// "metadata.annotations[backstage.io/techdocs-ref]") in the entity node n,
// or of its nearest present parent.
func lineOf(n *yaml.Node, field string) int {
	line := n.Line
	cur := n
	for _, key := range fieldPath(field) {
		for cur.Kind == yaml.AliasNode && cur.Alias != nil {
			cur = cur.Alias
		}
		var next *yaml.Node
		switch cur.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(cur.Content); i += 2 {
				if cur.Content[i].Value == key {
					line, next = cur.Content[i].Line, cur.Content[i+1]
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(key); err == nil && i >= 0 && i < len(cur.Content) {
				next = cur.Content[i]
				line = next.Line
			}
		}
		if next == nil {
			break
		}
		cur = next
	}
	return line
}

// fieldPath splits "a.b[c.d].e[0]" into a, b, c.d, e, 0.
func fieldPath(field string) []string {
	var out []string
	for field != "" {
		switch {
		case field[0] == '.':
			field = field[1:]
		case field[0] == '[':
			end := strings.IndexByte(field, ']')
			if end < 0 {
				return append(out, field[1:])
			}
			out = append(out, field[1:end])
			field = field[end+1:]
		default:
			end := strings.IndexAny(field, ".[")
			if end < 0 {
				end = len(field)
			}
			out = append(out, field[:end])
			field = field[end:]
		}
	}
	return out
}

// miscased finds a key of the entity, its metadata or a link that matches
// one of Entity's fields only ignoring case: encoding/json would accept it,
// the catalog does not.
func miscased(raw any) (field, want string) {
	check := func(m map[string]any, prefix string, known ...string) (string, string) {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			for _, w := range known {
				if k != w && strings.EqualFold(k, w) {
					return prefix + k, w
				}
			}
		}
		return "", ""
	}
	top, _ := raw.(map[string]any)
	if f, w := check(top, "", "apiVersion", "kind", "metadata", "spec", "relations"); f != "" {
		return f, w
	}
	meta, _ := top["metadata"].(map[string]any)
	if f, w := check(meta, "metadata.", "name", "namespace", "title", "description", "labels",
		"annotations", "tags", "links", "uid", "etag"); f != "" {
		return f, w
	}
	links, _ := meta["links"].([]any)
	for i, l := range links {
		lm, _ := l.(map[string]any)
		if f, w := check(lm, fmt.Sprintf("metadata.links[%d].", i), "url", "title", "icon", "type"); f != "" {
			return f, w
		}
	}
	return "", ""
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "scalar"
	}
	return "alias"
}

// unwrapPath drops the *fs.PathError wrapper, whose path is already in
// the problem.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
