package exporter

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/manifest"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// Render builds the tree for pathways (see docs/ARCHITECTURE.md for the
// layout). The same pathways, in any order, give the same bytes. Every
// entity passes catalog.Validate, or Render fails naming the entity and
// field; nothing is returned on error.
func Render(pathways []pathway.Pathway, o Options) (*Result, error) {
	o = o.withDefaults()
	if err := checkOptions(o); err != nil {
		return nil, err
	}
	r, err := plan(pathways, o)
	if err != nil {
		return nil, err
	}
	res := &Result{Pathways: make([]pathway.Pathway, 0, len(r.pathways))}
	files := make([]File, 0, 2+len(r.systems)+len(r.roles)+len(r.pathways)*11)
	entities := make([]catalog.Entity, 0, 1+len(r.systems)+len(r.roles)+len(r.pathways))
	var errs []error
	add := func(p string, e catalog.Entity) {
		errs = append(errs, catalog.Validate(&e)...)
		b, err := marshalYAML(&e)
		if err != nil {
			errs = append(errs, fmt.Errorf("marshal %s: %w", e.Ref(), err))
			return
		}
		files = append(files, File{Path: p, Data: b})
		entities = append(entities, e)
	}
	var targets []string
	for _, s := range r.systems {
		p := "systems/" + s.name + ".yaml"
		add(p, systemEntity(s, o))
		targets = append(targets, "./"+p)
	}
	for _, rl := range r.roles {
		p := "roles/" + rl.name + ".yaml"
		add(p, roleEntity(rl, o))
		targets = append(targets, "./"+p)
	}
	m := manifest.Manifest{Generator: manifest.Generator, Version: manifest.Version}
	m.Pathways = make([]manifest.Pathway, 0, len(r.pathways))
	out := make([]renderedPathway, len(r.pathways))
	parallel(len(r.pathways), func(i int) { out[i] = renderPathway(r.pathways[i], r, o) })
	for i, pp := range r.pathways {
		rp := &out[i]
		errs = append(errs, rp.errs...)
		files = append(files, rp.files...)
		entities = append(entities, rp.entity)
		targets = append(targets, "./"+rp.files[0].Path)
		m.Pathways = append(m.Pathways, rp.manifest)
		res.Pathways = append(res.Pathways, *pp.p)
	}
	sort.Strings(targets)
	add("catalog-info.yaml", locationEntity(targets, o))
	if len(errs) > 0 {
		return nil, fmt.Errorf("render: %w", errors.Join(errs...))
	}
	if err := catalog.ValidateAll(entities); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	m.Files = make([]string, len(files))
	for i, f := range files {
		m.Files[i] = f.Path
	}
	mb, err := m.Marshal()
	if err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	files = append(files, File{Path: manifest.FileName, Data: mb})
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	// Entities follow the order of their files.
	order := make(map[string]int, len(files))
	for i, f := range files {
		order[f.Path] = i
	}
	sort.SliceStable(entities, func(i, j int) bool {
		return order[entityPath(&entities[i])] < order[entityPath(&entities[j])]
	})
	res.Files, res.Entities, res.Manifest = files, entities, m
	return res, nil
}

// entityPath is the file an emitted entity lives in.
func entityPath(e *catalog.Entity) string {
	switch e.Kind {
	case catalog.KindSystem:
		return "systems/" + e.Metadata.Name + ".yaml"
	case catalog.KindResource:
		return "roles/" + e.Metadata.Name + ".yaml"
	case catalog.KindComponent:
		return "pathways/" + e.Metadata.Name + "/catalog-info.yaml"
	}
	return "catalog-info.yaml"
}

func checkOptions(o Options) error {
	probe := catalog.Entity{APIVersion: catalog.APIVersion, Kind: catalog.KindSystem,
		Metadata: catalog.Metadata{Name: "probe", Namespace: o.Namespace},
		Spec:     map[string]any{"owner": o.Owner}}
	var errs []error
	for _, err := range catalog.Validate(&probe) {
		var fe *catalog.FieldError
		if errors.As(err, &fe) {
			switch fe.Field {
			case "metadata.namespace":
				errs = append(errs, fmt.Errorf("namespace %q: %s", o.Namespace, fe.Msg))
			case "spec.owner":
				errs = append(errs, fmt.Errorf("owner %q: %s", o.Owner, fe.Msg))
			}
		}
	}
	if strings.TrimSpace(o.Lifecycle) == "" {
		errs = append(errs, errors.New("lifecycle must not be blank"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("render options: %w", errors.Join(errs...))
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
	}
	systemPlan struct {
		name, title string
	}
	rolePlan struct {
		name, title, url string
	}
	pathwayPlan struct {
		name string
		p    *pathway.Pathway
	}
)

// key normalises a title for matching: case and spacing ignored.
func key(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

func plan(pathways []pathway.Pathway, o Options) (*planned, error) {
	r := &planned{roleByKey: map[string]*rolePlan{}, systemByKey: map[string]*systemPlan{}}
	var errs []error
	titles := make(map[string]string, len(pathways))
	ps := make([]*pathway.Pathway, 0, len(pathways))
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
	// Names: assigned from the normalised keys, so order never matters.
	rk := sortedKeys(r.roleByKey)
	for k, n := range assignNames(rk) {
		r.roleByKey[k].name = n
	}
	for _, k := range rk {
		r.roles = append(r.roles, r.roleByKey[k])
	}
	sk := sortedKeys(r.systemByKey)
	for k, n := range assignNames(sk) {
		r.systemByKey[k].name = n
	}
	for _, k := range sk {
		r.systems = append(r.systems, r.systemByKey[k])
	}
	pk := make([]string, len(ps))
	byKey := make(map[string]*pathway.Pathway, len(ps))
	for i, p := range ps {
		pk[i] = key(p.Title)
		byKey[pk[i]] = p
	}
	for k, n := range assignNames(pk) {
		r.pathways = append(r.pathways, &pathwayPlan{name: n, p: byKey[k]})
	}
	sort.Slice(r.roles, func(i, j int) bool { return r.roles[i].name < r.roles[j].name })
	sort.Slice(r.systems, func(i, j int) bool { return r.systems[i].name < r.systems[j].name })
	sort.Slice(r.pathways, func(i, j int) bool { return r.pathways[i].name < r.pathways[j].name })
	return r, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// sourceURL returns the pathway's page URL, if it has one.
func sourceURL(p *pathway.Pathway, o Options) (string, bool) {
	if u, ok := safeURL(p.Source); ok {
		return u, true
	}
	if o.SourceBaseURL != "" && p.Source != "" {
		return safeURL(strings.TrimSuffix(o.SourceBaseURL, "/") + "/" + path.Clean("/" + strings.ReplaceAll(p.Source, "\\", "/"))[1:])
	}
	return "", false
}

// renderedPathway is everything one pathway contributes to the tree.
type renderedPathway struct {
	entity catalog.Entity
	// files start with the entity's catalog-info.yaml.
	files    []File
	manifest manifest.Pathway
	errs     []error
}

func renderPathway(pp *pathwayPlan, r *planned, o Options) renderedPathway {
	dir := "pathways/" + pp.name + "/"
	rp := renderedPathway{entity: pathwayEntity(pp, r, o), manifest: compactManifest(manifest.ForPathway(pp.name, pp.p))}
	rp.errs = catalog.Validate(&rp.entity)
	b, err := marshalYAML(&rp.entity)
	if err != nil {
		rp.errs = append(rp.errs, fmt.Errorf("marshal %s: %w", rp.entity.Ref(), err))
	}
	docs, err := techdocs(pp, r)
	if err != nil {
		rp.errs = append(rp.errs, err)
	}
	rp.files = make([]File, 0, 1+len(docs))
	rp.files = append(rp.files, File{Path: dir + "catalog-info.yaml", Data: b})
	for _, d := range docs {
		d.Path = dir + d.Path
		rp.files = append(rp.files, d)
	}
	return rp
}

// compactManifest copies the fingerprints out of the 64-character hashes
// they are cut from, so a large tree does not keep every full hash alive.
func compactManifest(mp manifest.Pathway) manifest.Pathway {
	for _, fps := range mp.Sections {
		for i, f := range fps {
			fps[i] = strings.Clone(f)
		}
	}
	mp.Summary = strings.Clone(mp.Summary)
	return mp
}
