package githubsync

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pathwaysync/pathwaysync/manifest"
)

// A description says, per pathway and role, what changed between two
// versions of the generated tree (the base and the desired tree for the
// PR body; the PR's previous head and the desired tree for a delta
// comment). It is computed from the entity files: the new side is local,
// the old side is read by blob SHA, at most maxReads blobs, changed
// pathways first, then removed pathways, then removed roles. Pathways it
// could not read, or whose old file predates the full content, are
// described by the manifests' counts when they are given.

// Change types of a description.
const (
	changeAdded   = "added"
	changeRemoved = "removed"
	changeChanged = "changed"
	changeRenamed = "renamed"
)

// Read caps: blobs read to describe the PR body, and a delta comment.
// maxParsed caps the added entities parsed for a description (the rest
// are named by their manifest title).
const (
	maxBodyReads  = 20
	maxDeltaReads = 10
	maxParsed     = 200
)

// entityChange is one entity's change.
type entityChange struct {
	Kind            entityKind
	Type            string
	Name, OldName   string
	Namespace       string
	Title, OldTitle string
	Fields          []fieldChange
	Sections        []sectionChange
	New             *entity          // added: what it holds
	Counts          *manifest.Change // described by the manifests' counts only
	Unknown         bool             // changed, but neither side's content could be read
}

type fieldChange struct{ Name, Old, New string }

// sectionChange lists a section's items removed, added and changed
// (before, after); Reordered when only the order changed.
type sectionChange struct {
	Name           string
	Removed, Added []string
	Changed        [][2]string
	Reordered      bool
}

// description is the result of describe.
type description struct {
	// Changes lists pathways, then roles; each changed and renamed, then
	// added, then removed, by name.
	Changes []entityChange
	// Omitted counts the changed pathways listed without details because
	// their old files were beyond the read cap.
	Omitted int
	Cap     int // the read cap
	// Problems name old files that could not be read as entities.
	Problems []string
}

// sides are the two versions a description compares: entity file path →
// blob SHA on each side, the new side's contents, and the blobs read.
type sides struct {
	Old, New map[string]string
	NewData  func(path string) []byte // a desired file's content, nil when unreadable
	Blobs    map[string][]byte        // blob SHA → content, read on demand
	// OldManifest and NewManifest describe pathways by counts when the
	// content is not available; nil for a delta.
	OldManifest, NewManifest *manifest.Manifest
	MaxReads                 int
	// Titles are the desired pathways' titles by name (from the desired
	// manifest) and Namespace their entities' namespace, for entities
	// not parsed.
	Titles    map[string]string
	Namespace string
}

// toRead returns the old blobs a description reads, in priority order
// and capped, including those already read.
func (sd *sides) toRead() []string {
	var changed, removed, roles []string
	for _, p := range slices.Sorted(maps.Keys(sd.Old)) {
		kind, _, _ := entityKey(p)
		ns, ok := sd.New[p]
		switch {
		case ok && ns == sd.Old[p]:
		case ok && kind == kindPathway:
			changed = append(changed, sd.Old[p])
		case !ok && kind == kindPathway:
			removed = append(removed, sd.Old[p])
		case !ok && kind == kindRole:
			roles = append(roles, sd.Old[p])
		}
	}
	out := slices.Concat(changed, removed, roles)
	if len(out) > sd.MaxReads {
		out = out[:sd.MaxReads]
	}
	return out
}

// missing returns the blobs toRead that are not read yet.
func (sd *sides) missing() []string {
	var out []string
	for _, sha := range sd.toRead() {
		if _, ok := sd.Blobs[sha]; !ok {
			out = append(out, sha)
		}
	}
	return out
}

// needsManifest reports whether describing needs the old manifest: a
// changed pathway whose old content is not read or not full.
func (sd *sides) needsManifest() bool {
	for p, os := range sd.Old {
		kind, _, _ := entityKey(p)
		ns, ok := sd.New[p]
		if kind != kindPathway || !ok || ns == os {
			continue
		}
		old := sd.entity(p, os)
		if old == nil || !old.Full {
			return true
		}
	}
	return false
}

// entity parses the old side's file p (blob sha) when it was read.
func (sd *sides) entity(p, sha string) *entity {
	raw, ok := sd.Blobs[sha]
	if !ok {
		return nil
	}
	e, err := parseEntity(p, raw)
	if err != nil {
		return nil
	}
	return e
}

// light is the new side's entity p without parsing it: its name and
// the title the desired manifest gives.
func (sd *sides) light(p string) *entity {
	kind, name, _ := entityKey(p)
	title := sd.Titles[name]
	if title == "" || kind != kindPathway {
		title = name
	}
	return &entity{Kind: kind, Name: name, Title: title, Namespace: sd.Namespace}
}

// newEntity parses the new side's file p.
func (sd *sides) newEntity(p string) *entity {
	e, err := parseEntity(p, sd.NewData(p))
	if err != nil {
		_, name, _ := entityKey(p)
		return &entity{Name: name, Title: name}
	}
	return e
}

// fullContent reports whether the desired tree's pathway files carry the
// full content (a release whose exporter writes it; otherwise PR bodies
// describe pathways by the manifest's counts), and their namespace.
func fullContent(files map[string][]byte) (bool, string) {
	first := ""
	for p := range files {
		if kind, _, ok := entityKey(p); ok && kind == kindPathway && (first == "" || p < first) {
			first = p
		}
	}
	if first == "" {
		return false, ""
	}
	e, err := parseEntity(first, files[first])
	if err != nil {
		return false, ""
	}
	return e.Full, e.Namespace
}

// titles maps the pathways of m to their titles.
func titles(m *manifest.Manifest) map[string]string {
	out := map[string]string{}
	if m != nil {
		for _, p := range m.Pathways {
			out[p.Name] = p.Title
		}
	}
	return out
}

// describe compares the two sides with the blobs read so far.
func (sd *sides) describe() description {
	d := description{Cap: sd.MaxReads}
	var counts map[string]manifest.Change
	if sd.OldManifest != nil || sd.NewManifest != nil {
		counts = map[string]manifest.Change{}
		for _, c := range manifest.Diff(sd.OldManifest, sd.NewManifest) {
			counts[c.Name] = c
		}
	}
	var added, removed []*entity
	var unreadRemoved []entityChange
	for _, p := range slices.Sorted(maps.Keys(sd.New)) {
		if _, ok := sd.Old[p]; !ok {
			if len(added) < maxParsed {
				added = append(added, sd.newEntity(p))
			} else {
				added = append(added, sd.light(p))
			}
		}
	}
	for _, p := range slices.Sorted(maps.Keys(sd.Old)) {
		os := sd.Old[p]
		kind, name, _ := entityKey(p)
		ns, ok := sd.New[p]
		if ok && ns == os {
			continue
		}
		old := sd.entity(p, os)
		if raw, read := sd.Blobs[os]; read && old == nil {
			if _, err := parseEntity(p, raw); err != nil {
				d.Problems = append(d.Problems, fmt.Sprintf("described %s by counts only: %v", p, err))
			}
		}
		if !ok {
			if old == nil {
				title := name
				if c, ok := counts[name]; ok && c.Title != "" {
					title = c.Title
				}
				unreadRemoved = append(unreadRemoved, entityChange{Kind: kind, Type: changeRemoved, Name: name, Title: title})
				continue
			}
			removed = append(removed, old)
			continue
		}
		if kind != kindPathway {
			continue // a role keeps its name when only its links change
		}
		if old != nil && old.Full {
			if nw := sd.newEntity(p); nw.Full {
				if c := diffEntities(old, nw); c != nil {
					d.Changes = append(d.Changes, *c)
				}
				continue
			}
		}
		nw := sd.light(p)
		c, counted := counts[name]
		switch {
		case counted && !c.Unknown:
			d.Changes = append(d.Changes, entityChange{Kind: kind, Type: changeChanged, Name: name, Namespace: nw.Namespace, Title: nw.Title, Counts: &c})
		case counts != nil && !counted:
			// The manifests fingerprint the same content.
		default:
			if old == nil {
				d.Omitted++
			}
			d.Changes = append(d.Changes, entityChange{Kind: kind, Type: changeChanged, Name: name, Namespace: nw.Namespace, Title: nw.Title, Unknown: true})
		}
	}
	// Renames: a removed and an added entity that are recognisably one.
	usedAdded := make([]bool, len(added))
	for _, old := range removed {
		best, bestScore := -1, 0
		for j, nw := range added {
			if usedAdded[j] || nw.Kind != old.Kind {
				continue
			}
			if s := sameness(old, nw, d.Changes); s > bestScore {
				best, bestScore = j, s
			}
		}
		if best < 0 {
			d.Changes = append(d.Changes, entityChange{Kind: old.Kind, Type: changeRemoved, Name: old.Name, Title: old.Title})
			continue
		}
		usedAdded[best] = true
		nw := added[best]
		c := diffEntities(old, nw)
		if c == nil {
			c = &entityChange{}
		}
		c.Kind, c.Type, c.Name, c.OldName, c.Namespace, c.Title, c.OldTitle = old.Kind, changeRenamed, nw.Name, old.Name, nw.Namespace, nw.Title, old.Title
		d.Changes = append(d.Changes, *c)
	}
	for j, nw := range added {
		if !usedAdded[j] {
			d.Changes = append(d.Changes, entityChange{Kind: nw.Kind, Type: changeAdded, Name: nw.Name, Namespace: nw.Namespace, Title: nw.Title, New: nw})
		}
	}
	d.Changes = append(d.Changes, unreadRemoved...)
	order := map[string]int{changeChanged: 0, changeRenamed: 0, changeAdded: 1, changeRemoved: 2}
	slices.SortStableFunc(d.Changes, func(a, b entityChange) int {
		if a.Kind != b.Kind {
			return int(a.Kind) - int(b.Kind)
		}
		if order[a.Type] != order[b.Type] {
			return order[a.Type] - order[b.Type]
		}
		return strings.Compare(a.Name, b.Name)
	})
	return d
}

// sameness scores how recognisably old and nw are one entity renamed
// (0: not at all). A pathway is renamed when it has the same source
// (spec.pathway.source, its page or file); when both sources are known
// and differ (the page moved too), only when its content is nearly the
// same: at least renameShare of its items, over every section, equal
// (an item counts once on each side); without sources, when it has the
// same from and to roles or most of its items equal. A role is renamed
// when it has the same page link, or when a changed pathway's from or to
// swapped the old role's title for the new one's.
func sameness(old, nw *entity, changes []entityChange) int {
	if old.Source != "" && old.Source == nw.Source {
		return 100
	}
	moved := old.Source != "" && nw.Source != ""
	if old.Kind == kindRole {
		if moved {
			return 0 // two pages: two roles
		}
		for _, c := range changes {
			for _, f := range c.Fields {
				if (f.Name == "From" || f.Name == "To") && f.Old == old.Title && f.New == nw.Title {
					return 90
				}
			}
		}
		return 0
	}
	if !old.Full || !nw.Full {
		return 0
	}
	same, total := itemOverlap(old, nw)
	switch {
	case moved:
		if total >= renameMinItems && float64(same) >= renameShare*float64(total) {
			return 50 + 29*same/total
		}
		return 0
	case old.From != "" && old.From == nw.From && old.To == nw.To:
		return 80
	case total > 0 && same*2 > total:
		return 50 + 29*same/total
	}
	return 0
}

// A pathway whose source moved with its title is the same pathway when
// at least renameShare of at least renameMinItems items are equal.
const (
	renameShare    = 0.8
	renameMinItems = 5
)

// itemOverlap counts the items of old and nw that are equal, section by
// section, out of the larger side of each section.
func itemOverlap(old, nw *entity) (same, total int) {
	seen := map[string]bool{}
	for _, s := range old.Sections {
		seen[s.Name] = true
		var ns section
		for _, x := range nw.Sections {
			if x.Name == s.Name {
				ns = x
			}
		}
		have := map[item]int{}
		for _, it := range s.Items {
			have[it]++
		}
		for _, it := range ns.Items {
			if have[it] > 0 {
				have[it]--
				same++
			}
		}
		total += max(len(s.Items), len(ns.Items))
	}
	for _, s := range nw.Sections {
		if !seen[s.Name] {
			total += len(s.Items)
		}
	}
	return same, total
}

// diffEntities compares two full pathways; nil when their content is
// the same.
func diffEntities(old, nw *entity) *entityChange {
	c := &entityChange{Kind: nw.Kind, Type: changeChanged, Name: nw.Name, Namespace: nw.Namespace, Title: nw.Title}
	if old.Title != nw.Title {
		c.OldTitle = old.Title
	}
	oldF := map[string]string{}
	for _, f := range old.Fields {
		oldF[f.Name] = f.Value
	}
	seen := map[string]bool{}
	for _, f := range nw.Fields {
		seen[f.Name] = true
		if oldF[f.Name] != f.Value {
			c.Fields = append(c.Fields, fieldChange{f.Name, oldF[f.Name], f.Value})
		}
	}
	for _, f := range old.Fields {
		if !seen[f.Name] {
			c.Fields = append(c.Fields, fieldChange{f.Name, f.Value, ""})
		}
	}
	oldS := map[string][]item{}
	for _, s := range old.Sections {
		oldS[s.Name] = s.Items
	}
	for _, s := range nw.Sections {
		if sc, ok := diffItems(s.Name, oldS[s.Name], s.Items); ok {
			c.Sections = append(c.Sections, sc)
		}
		delete(oldS, s.Name)
	}
	for _, s := range old.Sections {
		if items, ok := oldS[s.Name]; ok {
			if sc, ok := diffItems(s.Name, items, nil); ok {
				c.Sections = append(c.Sections, sc)
			}
		}
	}
	if c.OldTitle == "" && len(c.Fields) == 0 && len(c.Sections) == 0 {
		return nil
	}
	return c
}

// diffItems compares a section's items: equal items are kept; of the
// rest, a removed and an added item are one item changed when they have
// the same label (only the details changed), the same key (a book's
// authors), the same details, or labels sharing most words.
func diffItems(name string, old, nw []item) (sectionChange, bool) {
	sc := sectionChange{Name: name}
	count := map[item]int{}
	for _, it := range old {
		count[it]++
	}
	var added []item
	for _, it := range nw {
		if count[it] > 0 {
			count[it]--
		} else {
			added = append(added, it)
		}
	}
	var removed []item
	for _, it := range old {
		if count[it] > 0 {
			count[it]--
			removed = append(removed, it)
		}
	}
	pairs := []func(a, b item) bool{
		func(a, b item) bool { return a.Label == b.Label },
		func(a, b item) bool { return a.Key != "" && a.Key == b.Key },
		func(a, b item) bool {
			return a.Detail != "" && strings.Trim(a.Detail, "\x00") != "" && a.Detail == b.Detail
		},
		func(a, b item) bool { return similar(a.Label, b.Label) },
	}
	usedA := make([]bool, len(added))
	var rest []item
	type change struct {
		at     int
		before string
		after  string
	}
	var changed []change
	for _, r := range removed {
		matched := false
		for _, same := range pairs {
			for j, a := range added {
				if !usedA[j] && same(r, a) {
					usedA[j], matched = true, true
					changed = append(changed, change{j, r.Label, a.Label})
					break
				}
			}
			if matched {
				break
			}
		}
		if !matched {
			rest = append(rest, r)
		}
	}
	slices.SortStableFunc(changed, func(a, b change) int { return a.at - b.at })
	for _, ch := range changed {
		sc.Changed = append(sc.Changed, [2]string{ch.before, ch.after})
	}
	for _, r := range rest {
		sc.Removed = append(sc.Removed, r.Label)
	}
	for j, a := range added {
		if !usedA[j] {
			sc.Added = append(sc.Added, a.Label)
		}
	}
	if len(sc.Removed)+len(sc.Added)+len(sc.Changed) == 0 {
		sc.Reordered = !slices.Equal(old, nw)
	}
	return sc, sc.Reordered || len(sc.Removed)+len(sc.Added)+len(sc.Changed) > 0
}

// similar reports whether two labels share at least half of their words
// (of the longer one).
func similar(a, b string) bool {
	wa, wb := strings.Fields(strings.ToLower(a)), strings.Fields(strings.ToLower(b))
	if len(wa) == 0 || len(wb) == 0 {
		return false
	}
	set := map[string]int{}
	for _, w := range wa {
		set[w]++
	}
	same := 0
	for _, w := range wb {
		if set[w] > 0 {
			set[w]--
			same++
		}
	}
	return same*2 >= max(len(wa), len(wb))
}

// pathwayChanges converts the pathway changes of d to the manifest's
// per-pathway change records of a Result.
func (d description) pathwayChanges() []manifest.Change {
	var out []manifest.Change
	for _, c := range d.Changes {
		if c.Kind != kindPathway {
			continue
		}
		if c.Counts != nil {
			out = append(out, *c.Counts)
			continue
		}
		mc := manifest.Change{Name: c.Name, Title: c.Title, OldTitle: c.OldTitle}
		switch c.Type {
		case changeAdded:
			mc.Type = manifest.Added
		case changeRemoved:
			mc.Type = manifest.Removed
		default:
			mc.Type = manifest.Changed
		}
		// The manifest's sections include the single-valued Duration and
		// Discipline; a changed value counts as one removed and one added.
		byName := map[string]manifest.SectionChange{}
		for _, f := range c.Fields {
			switch f.Name {
			case "Summary":
				mc.SummaryChanged = true
			case "Duration", "Discipline":
				sc := manifest.SectionChange{Name: f.Name}
				if f.Old != "" {
					sc.Removed = 1
				}
				if f.New != "" {
					sc.Added = 1
				}
				byName[f.Name] = sc
			}
		}
		for _, s := range c.Sections {
			byName[s.Name] = manifest.SectionChange{Name: s.Name,
				Added: len(s.Added) + len(s.Changed), Removed: len(s.Removed) + len(s.Changed), Reordered: s.Reordered}
		}
		for _, name := range manifest.SectionNames {
			if sc, ok := byName[name]; ok {
				mc.Sections = append(mc.Sections, sc)
			}
		}
		out = append(out, mc)
	}
	slices.SortStableFunc(out, func(a, b manifest.Change) int { return strings.Compare(a.Name, b.Name) })
	return out
}
