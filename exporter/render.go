package exporter

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/manifest"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// prepare checks the options and plans the tree: names, shared roles and
// disciplines.
func prepare(pathways []pathway.Pathway, o Options) (*planned, Options, error) {
	o = o.withDefaults()
	if err := checkOptions(o); err != nil {
		return nil, o, err
	}
	r, err := plan(pathways, o)
	return r, o, err
}

// entityUnit validates e and renders it as the file p.
func entityUnit(p string, e catalog.Entity) unit {
	return entityUnitWith(p, e, catalog.ValidateOptions{})
}

// entityUnitWith is entityUnit validating with vo.
func entityUnitWith(p string, e catalog.Entity, vo catalog.ValidateOptions) unit {
	u := unit{entity: e}
	u.errs = catalog.ValidateWith(&u.entity, vo)
	b, err := entityYAML(&u.entity)
	if err != nil {
		u.errs = append(u.errs, fmt.Errorf("marshal %s: %w", u.entity.Ref(), err))
	}
	u.files = []File{{Path: p, Data: b}}
	return u
}

// uniqueRefs rejects two entities with the same ref (refs are lowercase),
// as catalog.ValidateAll does.
func uniqueRefs(refs []string) error {
	var errs []error
	first := make(map[string]int, len(refs))
	for i, ref := range refs {
		if j, ok := first[ref]; ok {
			errs = append(errs, &catalog.FieldError{Entity: ref, Field: "metadata.name",
				Msg: fmt.Sprintf("duplicate entity (entities %d and %d share this ref, ignoring case)", j, i)})
			continue
		}
		first[ref] = i
	}
	return errors.Join(errs...)
}

// checkOptions is Options.Validate as render errors say it.
func checkOptions(o Options) error {
	if err := o.Validate(); err != nil {
		return fmt.Errorf("render options: %w", err)
	}
	return nil
}

// Planned entities: names assigned, shared roles and disciplines merged.
type (
	planned struct {
		systems  []*systemPlan
		roles    []*rolePlan
		pathways []*pathwayPlan
		// roleByKey and systemByKey map a normalised title to its plan.
		roleByKey   map[string]*rolePlan
		systemByKey map[string]*systemPlan
		// group is the owner Group the tree generates, nil for an owner
		// of the user's.
		group *groupPlan
	}
	systemPlan struct {
		name, title string
		// pathways of the discipline (by name); roles they touch (by name).
		pathways []*pathwayPlan
		roles    []*rolePlan
	}
	rolePlan struct {
		name, title, url string
		// in lead into the role, out lead out of it (by name).
		in, out []*pathwayPlan
		// systems are the disciplines of in and out (by name); system is
		// the role's System when every pathway touching it has the same
		// discipline, nil otherwise.
		systems []*systemPlan
		system  *systemPlan
	}
	pathwayPlan struct {
		name     string
		p        *pathway.Pathway
		from, to *rolePlan
		system   *systemPlan // nil without a discipline
	}
)

// key normalises a title for matching: case and spacing ignored.
func key(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

func plan(pathways []pathway.Pathway, o Options) (*planned, error) {
	r := &planned{roleByKey: map[string]*rolePlan{}, systemByKey: map[string]*systemPlan{}}
	var errs []error
	titles := make(map[string]string, len(pathways))
	ps := make([]*pathway.Pathway, 0, len(pathways))
	ids := make([]string, 0, len(pathways))
	addRole := func(role pathway.Role) {
		k := key(role.Title)
		if k == "" {
			return
		}
		rp := r.roleByKey[k]
		if rp == nil {
			rp = &rolePlan{title: oneLine(role.Title)}
			r.roleByKey[k] = rp
		}
		// Deterministic whatever the order: smallest title and URL win.
		if t := oneLine(role.Title); t < rp.title {
			rp.title = t
		}
		if _, ok := safeURL(role.URL); ok && (rp.url == "" || role.URL < rp.url) {
			rp.url = role.URL
		}
	}
	for i := range pathways {
		p := &pathways[i]
		id := p.Source
		if id == "" {
			id = fmt.Sprintf("pathway %d", i)
		}
		switch {
		case strings.TrimSpace(p.Title) == "":
			errs = append(errs, fmt.Errorf("%s: title: must not be empty", id))
			continue
		case strings.TrimSpace(p.From.Title) == "" || strings.TrimSpace(p.To.Title) == "":
			errs = append(errs, fmt.Errorf("%s: %q: from and to roles must not be empty", id, p.Title))
			continue
		}
		k := key(p.Title)
		if prev, ok := titles[k]; ok {
			errs = append(errs, fmt.Errorf("%s: duplicate pathway %q (also in %s)", id, p.Title, prev))
			continue
		}
		titles[k] = id
		ps = append(ps, p)
		ids = append(ids, id)
		addRole(p.From)
		addRole(p.To)
		if k := key(p.Discipline); k != "" {
			if sp := r.systemByKey[k]; sp == nil {
				r.systemByKey[k] = &systemPlan{title: oneLine(p.Discipline)}
			} else if t := oneLine(p.Discipline); t < sp.title {
				sp.title = t
			}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("render: %w", errors.Join(errs...))
	}
	// Names: assigned from the normalised keys and the previous tree, so
	// order never matters (see pathwayNames).
	prev := readPrevious(o.Previous)
	rk := slices.Sorted(maps.Keys(r.roleByKey))
	for k, n := range keepNames(rk, prev.roles) {
		r.roleByKey[k].name = n
	}
	for _, k := range rk {
		r.roles = append(r.roles, r.roleByKey[k])
	}
	sk := slices.Sorted(maps.Keys(r.systemByKey))
	for k, n := range keepNames(sk, prev.systems) {
		r.systemByKey[k].name = n
	}
	for _, k := range sk {
		r.systems = append(r.systems, r.systemByKey[k])
	}
	names, err := pathwayNames(ps, ids, o, prev)
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	for i, p := range ps {
		r.pathways = append(r.pathways, &pathwayPlan{name: names[i], p: p})
	}
	sort.Slice(r.roles, func(i, j int) bool { return r.roles[i].name < r.roles[j].name })
	sort.Slice(r.systems, func(i, j int) bool { return r.systems[i].name < r.systems[j].name })
	sort.Slice(r.pathways, func(i, j int) bool { return r.pathways[i].name < r.pathways[j].name })
	r.link()
	if ns, name, ok := ownerGroup(o); ok {
		r.group = &groupPlan{ns: ns, name: name}
	}
	return r, nil
}

// link records who meets whom: each pathway's roles and System, each
// role's pathways and disciplines, each System's pathways and roles. The
// lists follow r.pathways, so they are sorted by name.
func (r *planned) link() {
	noSystem := map[*rolePlan]bool{}
	for _, pp := range r.pathways {
		pp.from, pp.to = r.roleByKey[key(pp.p.From.Title)], r.roleByKey[key(pp.p.To.Title)]
		pp.system = r.systemByKey[key(pp.p.Discipline)]
		pp.from.out = append(pp.from.out, pp)
		pp.to.in = append(pp.to.in, pp)
		for _, rp := range []*rolePlan{pp.from, pp.to} {
			if pp.system == nil {
				noSystem[rp] = true
				continue
			}
			if !slices.Contains(rp.systems, pp.system) {
				rp.systems = append(rp.systems, pp.system)
			}
		}
		if pp.system != nil {
			pp.system.pathways = append(pp.system.pathways, pp)
		}
	}
	for _, rp := range r.roles {
		slices.SortFunc(rp.systems, func(a, b *systemPlan) int { return strings.Compare(a.name, b.name) })
		if len(rp.systems) == 1 && !noSystem[rp] {
			rp.system = rp.systems[0]
		}
		for _, sp := range rp.systems {
			sp.roles = append(sp.roles, rp) // r.roles is sorted by name
		}
	}
}

// sourceURL returns the pathway's page URL, if it has one.
func sourceURL(p *pathway.Pathway, o Options) (string, bool) {
	if u, ok := safeURL(p.Source); ok {
		return u, true
	}
	if o.SourceBaseURL != "" && p.Source != "" && !strings.Contains(p.Source, "://") {
		return safeURL(strings.TrimSuffix(o.SourceBaseURL, "/") + "/" + sourceRef(p.Source))
	}
	return "", false
}

// sourceRef is a pathway's Source as the tree records it: a URL (any
// "scheme://" source, already redacted by the importer) as is, a local
// path relative and slash-separated. A path that would say where the
// machine keeps its files (absolute, or climbing out with "..") is cut to
// its base name.
func sourceRef(src string) string {
	if src == "" || strings.Contains(src, "://") {
		return src
	}
	s := strings.ReplaceAll(src, "\\", "/")
	abs := strings.HasPrefix(s, "/") || len(s) >= 2 && s[1] == ':' // also C:/ and C:x
	s = path.Clean(s)
	if abs || s == ".." || strings.HasPrefix(s, "../") {
		s = path.Base(s)
	}
	if s == "." || s == "/" || s == ".." {
		return ""
	}
	return s
}

// renderPathway renders a pathway's Component, its TechDocs and, last,
// its part of the manifest, which lists the others.
func renderPathway(pp *pathwayPlan, r *planned, o Options) unit {
	dir := manifest.PathwayDir(pp.name) + "/"
	u := entityUnit(dir+"catalog-info.yaml", pathwayEntity(pp, o))
	docs, err := techdocs(pp, r, o)
	if err != nil {
		u.errs = append(u.errs, err)
	}
	u.files = slices.Grow(u.files, len(docs)+1)
	for _, d := range docs {
		d.Path = dir + d.Path
		u.files = append(u.files, d)
	}
	mp := manifest.ForPathway(pp.name, pp.p)
	mp.Source = sourceRef(pp.p.Source)
	rel := make([]string, len(u.files))
	for i, f := range u.files {
		rel[i] = strings.TrimPrefix(f.Path, dir)
	}
	slices.Sort(rel)
	var b bytes.Buffer
	if err := manifest.WritePathway(&b, &mp, rel); err != nil {
		u.errs = append(u.errs, err)
	}
	u.files = append(u.files, File{Path: dir + manifest.PathwayFileName, Data: b.Bytes()})
	idx := mp.Index()
	u.index = &idx
	return u
}
