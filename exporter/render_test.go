package exporter

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/pathwaysync/pathwaysync/catalog"
	"github.com/pathwaysync/pathwaysync/internal/yamlemit"
	"github.com/pathwaysync/pathwaysync/manifest"
	"github.com/pathwaysync/pathwaysync/pathway"
)

func mkPathway(title, from, to, discipline string) pathway.Pathway {
	return pathway.Pathway{
		APIVersion: pathway.APIVersion, Kind: pathway.Kind,
		Title: title, From: pathway.Role{Title: from}, To: pathway.Role{Title: to},
		Discipline: discipline, Summary: "Summary of " + title + ".",
		Skills: []string{"A skill."},
	}
}

func filesByPath(res *Result) map[string][]byte {
	m := make(map[string][]byte, len(res.Files))
	for _, f := range res.Files {
		m[f.Path] = f.Data
	}
	return m
}

func TestRenderDeterministic(t *testing.T) {
	ps := loadExamples(t)
	ps = append(ps, mkPathway("Foo Bar", "A", "B", "X"), named(mkPathway("Foo-Bar", "a", "C", "x"), "foo-bar-2"))
	a, err := Render(ps, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5; i++ {
		shuffled := append([]pathway.Pathway(nil), ps...)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		b, err := Render(shuffled, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Files) != len(b.Files) {
			t.Fatalf("run %d: %d files, want %d", i, len(b.Files), len(a.Files))
		}
		for j := range a.Files {
			if a.Files[j].Path != b.Files[j].Path || !bytes.Equal(a.Files[j].Data, b.Files[j].Data) {
				t.Fatalf("run %d: %s differs", i, a.Files[j].Path)
			}
		}
	}
	for i := 1; i < len(a.Files); i++ {
		if a.Files[i-1].Path >= a.Files[i].Path {
			t.Errorf("files not sorted: %s before %s", a.Files[i-1].Path, a.Files[i].Path)
		}
	}
}

func TestRenderEntities(t *testing.T) {
	long := strings.Repeat("Very Long Pathway Title ", 5)
	ps := []pathway.Pathway{
		mkPathway("Foo Bar", "Junior Engineer", "Senior Engineer", "Platform Engineering"),
		named(mkPathway("Foo-Bar", "senior  engineer", "Lead Engineer", "platform engineering"), "foo-bar-explicit"),
		mkPathway(long+"One", "Lead Engineer", "Principal Engineer", ""),
		mkPathway(long+"Two", "Junior Engineer", "Principal Engineer", "Data"),
	}
	res, err := Render(ps, Options{Namespace: "learning", Owner: "group:default/x", Lifecycle: "experimental"})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string][]catalog.Entity{}
	names := map[string]bool{}
	for _, e := range res.Entities {
		kinds[e.Kind] = append(kinds[e.Kind], e)
		if names[e.Ref()] {
			t.Errorf("duplicate %s", e.Ref())
		}
		names[e.Ref()] = true
		if e.Metadata.Namespace != "learning" {
			t.Errorf("%s: namespace %q", e.Ref(), e.Metadata.Namespace)
		}
		if errs := catalog.Validate(&e); len(errs) > 0 {
			t.Errorf("%s: %v", e.Ref(), errs)
		}
	}
	if n := len(kinds[catalog.KindResource]); n != 4 {
		t.Errorf("%d role Resources, want 4 (one per role, shared)", n)
	}
	if n := len(kinds[catalog.KindSystem]); n != 2 {
		t.Errorf("%d Systems, want 2", n)
	}
	if n := len(kinds[catalog.KindLocation]); n != 1 {
		t.Errorf("%d Locations, want 1", n)
	}
	comps := kinds[catalog.KindComponent]
	if len(comps) != 4 {
		t.Fatalf("%d Components, want 4", len(comps))
	}
	titles := map[string]string{}
	for _, c := range comps {
		titles[c.Metadata.Title] = c.Metadata.Name
		if len(c.Metadata.Name) > 63 {
			t.Errorf("name %q longer than 63", c.Metadata.Name)
		}
		for _, f := range []string{"dependsOn", "dependencyOf"} {
			refs, _ := c.Spec[f].([]string)
			if len(refs) != 1 || !strings.HasPrefix(refs[0], "resource:learning/") || !names[refs[0]] {
				t.Errorf("%s: %s = %v, want one resource:learning/ ref to an emitted Resource", c.Metadata.Name, f, refs)
			}
		}
		if c.Spec["lifecycle"] != "experimental" || c.Spec["owner"] != "group:default/x" || c.Spec["type"] != TypePathway {
			t.Errorf("%s: spec %v", c.Metadata.Name, c.Spec)
		}
		if c.Metadata.Annotations[TechDocsAnnotation] != "dir:." {
			t.Errorf("%s: no techdocs-ref", c.Metadata.Name)
		}
	}
	// An explicit name tells colliding slugs apart; exact titles kept.
	if a, b := titles["Foo Bar"], titles["Foo-Bar"]; a != "foo-bar" || b != "foo-bar-explicit" {
		t.Errorf("colliding names %q %q", a, b)
	}
	if a, b := titles[long+"One"], titles[long+"Two"]; a == b || len(a) > 63 || len(b) > 63 {
		t.Errorf("long names %q %q", a, b)
	}
	if sys, _ := comps[0].Spec["system"].(string); sys != "" && !strings.HasPrefix(sys, "system:learning/") {
		t.Errorf("system ref %q", sys)
	}
	// Every entity file is a Location target and in the manifest.
	loc := kinds[catalog.KindLocation][0]
	targets, _ := loc.Spec["targets"].([]string)
	if len(targets) != len(res.Entities)-1 {
		t.Errorf("%d targets for %d entities", len(targets), len(res.Entities))
	}
	files := filesByPath(res)
	for _, tg := range targets {
		if _, ok := files[strings.TrimPrefix(tg, "./")]; !ok {
			t.Errorf("target %s is not a generated file", tg)
		}
	}
	m, err := manifest.ParseTree(files[manifest.FileName], func(p string) ([]byte, error) { return files[p], nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != len(res.Files)-1 || len(m.Pathways) != 4 {
		t.Errorf("manifest lists %d files (want %d) and %d pathways", len(m.Files), len(res.Files)-1, len(m.Pathways))
	}
}

func TestRenderErrors(t *testing.T) {
	good := mkPathway("T", "A", "B", "D")
	tests := []struct {
		name string
		ps   []pathway.Pathway
		o    Options
		want string
	}{
		{"empty title", []pathway.Pathway{mkPathway(" ", "A", "B", "")}, Options{}, "title"},
		{"no from", []pathway.Pathway{mkPathway("T", "", "B", "")}, Options{}, "from and to"},
		{"duplicate", []pathway.Pathway{good, mkPathway("t", "A", "B", "")}, Options{}, "duplicate pathway"},
		{"bad namespace", []pathway.Pathway{good}, Options{Namespace: "Bad_NS"}, "namespace"},
		{"bad owner", []pathway.Pathway{good}, Options{Owner: "group:"}, "owner"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Render(tt.ps, tt.o)
			if err == nil || res != nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Render = %v, %v; want an error containing %q", res, err, tt.want)
			}
		})
	}
	// Entity validation errors name the entity and the field.
	res, err := Render([]pathway.Pathway{good}, Options{Lifecycle: "production"})
	if err != nil || res == nil {
		t.Fatal(err)
	}
}

func TestRenderValidationErrorNamesEntityAndField(t *testing.T) {
	p := mkPathway("T", "A", "B", "D")
	p.Source = "https://example.com/learn/t"
	res, err := Render([]pathway.Pathway{p}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Corrupt an entity the way a bug would and check the error's shape.
	e := res.Entities[len(res.Entities)-1]
	e.Metadata.Tags = append(e.Metadata.Tags, "Bad Tag")
	err = catalog.ValidateAll([]catalog.Entity{e})
	var fe *catalog.FieldError
	if !errors.As(err, &fe) || fe.Entity != e.Ref() || !strings.HasPrefix(fe.Field, "metadata.tags[") {
		t.Errorf("error %v does not name entity and field", err)
	}
}

// docsText renders every Markdown page of a pathway folder with goldmark and
// returns the visible text.
func docsText(t *testing.T, res *Result, name string) string {
	t.Helper()
	var all strings.Builder
	for _, f := range res.Files {
		if strings.HasPrefix(f.Path, "pathways/"+name+"/docs/") {
			var out bytes.Buffer
			if err := goldmark.Convert(f.Data, &out); err != nil {
				t.Fatal(err)
			}
			all.WriteString(htmlText(t, out.String()) + " ")
		}
	}
	return all.String()
}

// TestEveryStringLands checks that every text of every example (the seed
// page included) reads, unescaped, in the rendered TechDocs.
func TestEveryStringLands(t *testing.T) {
	res := renderExamples(t)
	seen := false
	for i := range res.Pathways {
		p := &res.Pathways[i]
		name := res.Manifest.Pathways[i].Name
		if p.Title == "Intermediate Platform Engineer to Senior Platform Engineer" {
			seen = true
		}
		txt := docsText(t, res, name)
		n := 0
		for _, s := range p.Texts() {
			if s = oneLine(s); s == "" {
				continue
			}
			n++
			if !strings.Contains(txt, s) {
				t.Errorf("%s: %q is missing from the docs", name, s)
			}
		}
		if n < 10 {
			t.Errorf("%s: only %d strings checked", name, n)
		}
	}
	if !seen {
		t.Error("the seed pathway is not among the examples")
	}
}

// TestMarkdownStructure parses every generated page: no raw HTML nodes, no
// links other than the ones we make, one list item per model item.
func TestMarkdownStructure(t *testing.T) {
	res := renderExamples(t)
	res2, err := Render([]pathway.Pathway{injectionPathway()}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	files := append(append([]File(nil), res.Files...), res2.Files...)
	items := map[string]int{}
	for i := range res.Pathways {
		p, name := &res.Pathways[i], res.Manifest.Pathways[i].Name
		items["pathways/"+name+"/docs/skills.md"] = len(p.Skills)
		items["pathways/"+name+"/docs/behaviours.md"] = len(p.Behaviours)
		items["pathways/"+name+"/docs/projects.md"] = len(p.Projects)
	}
	md := goldmark.New()
	for _, f := range files {
		if !strings.HasSuffix(f.Path, ".md") {
			continue
		}
		data := f.Data
		if strings.HasPrefix(f.Path, "systems/") {
			data = cutLadder(t, files, f) // the one raw HTML block: our drawing
		}
		doc := md.Parser().Parse(text.NewReader(data))
		lis, h1 := 0, 0
		_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering {
				return ast.WalkContinue, nil
			}
			switch n.Kind() {
			case ast.KindRawHTML, ast.KindHTMLBlock, ast.KindAutoLink, ast.KindImage, ast.KindCodeSpan, ast.KindCodeBlock,
				ast.KindFencedCodeBlock, ast.KindBlockquote, ast.KindThematicBreak:
				t.Errorf("%s: %s node", f.Path, n.Kind())
			case ast.KindLink:
				dest := string(n.(*ast.Link).Destination)
				if !strings.HasPrefix(dest, "https://") && !strings.HasPrefix(dest, "http://") && !strings.HasSuffix(dest, ".md") {
					t.Errorf("%s: link to %q", f.Path, dest)
				}
			case ast.KindListItem:
				lis++
				if n.Parent().Parent().Kind() != ast.KindDocument {
					t.Errorf("%s: nested list", f.Path)
				}
			case ast.KindHeading:
				if n.(*ast.Heading).Level == 1 {
					h1++
				}
			}
			return ast.WalkContinue, nil
		})
		if h1 != 1 {
			t.Errorf("%s: %d top headings, want 1", f.Path, h1)
		}
		if want, ok := items[f.Path]; ok && lis != want {
			t.Errorf("%s: %d list items, want %d", f.Path, lis, want)
		}
	}
}

// TestYAMLMatchesSigs proves the typed builders write what
// sigs.k8s.io/yaml.Marshal writes, for every entity and mkdocs.yml.
func TestYAMLMatchesSigs(t *testing.T) {
	res, err := Render(append(loadExamples(t), injectionPathway()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range res.Entities {
		e := &res.Entities[i]
		got, err := entityYAML(e)
		checkSigs(t, e.Ref(), e, got, err)
	}
	for _, f := range res.Files {
		if strings.HasSuffix(f.Path, "mkdocs.yml") {
			var cfg mkdocsConfig
			if err := sigsyaml.UnmarshalStrict(f.Data, &cfg); err != nil {
				t.Fatal(err)
			}
			got, err := yamlemit.Marshal(cfg.tree())
			checkSigs(t, f.Path, &cfg, got, err)
		}
	}
}

func TestPathwayNames(t *testing.T) {
	ps := append(loadExamples(t), mkPathway("Foo Bar", "A", "B", ""), mkPathway(strings.Repeat("Long Title ", 10), "A", "B", ""))
	names := PathwayNames(ps)
	// Titles Render rejects as sharing a name still get distinct file names.
	if pair := PathwayNames([]pathway.Pathway{mkPathway("Foo Bar", "A", "B", ""), mkPathway("Foo-Bar", "A", "B", "")}); pair[0] == pair[1] {
		t.Errorf("PathwayNames of a clash: %q", pair)
	}
	res, err := Render(ps, Options{})
	if err != nil {
		t.Fatal(err)
	}
	byTitle := map[string]string{}
	for _, e := range res.Entities {
		if e.Kind == catalog.KindComponent {
			byTitle[e.Metadata.Title] = e.Metadata.Name
		}
	}
	for i, p := range ps {
		if names[i] != byTitle[oneLine(p.Title)] || names[i] == "" {
			t.Errorf("PathwayNames[%d] = %q, Render named %q %q", i, names[i], p.Title, byTitle[p.Title])
		}
	}
}

func TestAssignNames(t *testing.T) {
	keys := []string{"foo bar", "foo-bar", "", "développeur senior", strings.Repeat("x", 70), "ok"}
	a := assignNames(keys)
	rev := append([]string(nil), keys...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	b := assignNames(rev)
	used := map[string]bool{}
	for _, k := range keys {
		n := a[k]
		if n != b[k] {
			t.Errorf("%q: %q then %q: depends on order", k, n, b[k])
		}
		var e catalog.Entity
		e.APIVersion, e.Kind, e.Metadata.Name = catalog.APIVersion, catalog.KindSystem, n
		e.Spec = map[string]any{"owner": "x"}
		if errs := catalog.Validate(&e); len(errs) > 0 || used[n] {
			t.Errorf("%q: name %q invalid or reused: %v", k, n, errs)
		}
		used[n] = true
	}
	if a["ok"] != "ok" || a["développeur senior"] != "developpeur-senior" {
		t.Errorf("plain slugs changed: %v", a)
	}
}

// TestIncompleteAndNoAppLinks: a cut-off source is marked on the entity
// (lifecycle, tag, label, annotation, description) and noted at the top of
// its docs; without a Backstage URL no link points into the app.
func TestIncompleteAndNoAppLinks(t *testing.T) {
	res, err := Render([]pathway.Pathway{cutOffPathway(), mkPathway("Senior Tester to Lead Tester", "Senior Tester", "Lead Tester", "Quality")}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	files := filesByPath(res)
	var cut *catalog.Entity
	for i, e := range res.Entities {
		for _, l := range e.Metadata.Links {
			if !strings.HasPrefix(l.URL, "https://") && !strings.HasPrefix(l.URL, "http://") || strings.Contains(l.URL, "/catalog/") || strings.Contains(l.URL, "/docs/") {
				t.Errorf("%s: link %q without a Backstage URL", e.Ref(), l.URL)
			}
		}
		if e.Metadata.Name == "junior-tester-to-senior-tester" {
			cut = &res.Entities[i]
		}
	}
	if cut == nil {
		t.Fatal("no cut-off pathway entity")
	}
	m := cut.Metadata
	if cut.Spec["lifecycle"] != LifecycleIncomplete || !slices.Contains(m.Tags, TagIncomplete) ||
		m.Annotations[AnnotationSourceComplete] != "false" || len(m.Labels) != 0 || m.Annotations[AnnotationPartialSource] != "Recommended Reading" ||
		!strings.Contains(m.Description, "Incomplete source.") {
		t.Errorf("cut-off pathway not marked: lifecycle %v, tags %v, labels %v, annotations %v, description %q",
			cut.Spec["lifecycle"], m.Tags, m.Labels, m.Annotations, m.Description)
	}
	index := string(files["pathways/junior-tester-to-senior-tester/docs/index.md"])
	if want := "# Junior Tester to Senior Tester\n\n!!! warning \"Incomplete source\"\n    The source page stops in the section *Recommended Reading*"; !strings.HasPrefix(index, want) {
		t.Errorf("docs do not start with the note:\n%s", index)
	}
	other := string(files["pathways/senior-tester-to-lead-tester/docs/index.md"])
	if strings.Contains(other, "Incomplete") {
		t.Errorf("a complete pathway carries the note:\n%s", other)
	}
	if !strings.Contains(string(files["systems/quality/docs/ladder.svg"]), ">incomplete<") {
		t.Errorf("the ladder does not mark the cut-off step:\n%s", files["systems/quality/docs/ladder.svg"])
	}
	// Roles say where they sit even without links, and which step is
	// incomplete.
	for _, e := range res.Entities {
		want := map[string]string{
			"junior-tester": "Next step: Senior Tester (incomplete source). Role archetype in Quality.",
			"senior-tester": "Next step: Lead Tester. Reached from Junior Tester (incomplete source). Role archetype in Quality.",
			"lead-tester":   "Reached from Senior Tester. Role archetype in Quality.",
		}[e.Metadata.Name]
		if want != "" && e.Metadata.Description != want {
			t.Errorf("%s: description %q, want %q", e.Ref(), e.Metadata.Description, want)
		}
	}
	role := string(files["roles/senior-tester/docs/index.md"])
	for _, want := range []string{"## Pathways into this role", "- Junior Tester to Senior Tester — from Junior Tester, incomplete source",
		"## Pathways out of this role", "- Senior Tester to Lead Tester — to Lead Tester", "**Discipline:** Quality"} {
		if !strings.Contains(role, want) {
			t.Errorf("role docs lack %q:\n%s", want, role)
		}
	}
}

// TestSourcePages: a page URL is its own view page; a github:// file has
// a blob page (HEAD without a ref) and, with a ref, an edit page; a local
// file has none.
func TestSourcePages(t *testing.T) {
	for _, tc := range []struct{ src, view, edit string }{
		{"https://example.com/p/a", "https://example.com/p/a", ""},
		{"github://acme/pathways/pages/a b.txt@main", "https://github.com/acme/pathways/blob/main/pages/a%20b.txt", "https://github.com/acme/pathways/edit/main/pages/a%20b.txt"},
		{"github://acme/pathways/pages/a.txt", "https://github.com/acme/pathways/blob/HEAD/pages/a.txt", ""},
		{"github://acme/pathways@main", "", ""},
		{"pages/a.txt", "", ""},
		{"javascript:alert(1)", "", ""},
	} {
		p := pathway.Pathway{Source: tc.src}
		view, edit := sourcePages(&p, Options{})
		if view != tc.view || edit != tc.edit {
			t.Errorf("%q: view %q edit %q, want %q %q", tc.src, view, edit, tc.view, tc.edit)
		}
	}
}

// TestRoleDisciplines: a role that pathways of two disciplines touch
// belongs to neither System (spec.system would have to pick one) and its
// description, tags and docs name both; a role of one discipline belongs
// to that System; a role also touched by a pathway without a discipline
// belongs to none, yet names the discipline it has.
func TestRoleDisciplines(t *testing.T) {
	ps := []pathway.Pathway{
		mkPathway("Senior Engineer to Staff Platform Engineer", "Senior Engineer", "Staff Platform Engineer", "Platform Engineering"),
		mkPathway("Senior Engineer to Staff Data Engineer", "Senior Engineer", "Staff Data Engineer", "Data Engineering"),
		mkPathway("Staff Data Engineer to Principal Engineer", "Staff Data Engineer", "Principal Engineer", ""),
	}
	res, err := Render(ps, goldenOptions)
	if err != nil {
		t.Fatal(err)
	}
	files := filesByPath(res)
	const sys = "https://backstage.example.com/catalog/pathways/system/"
	for _, tc := range []struct {
		role, system string // system is the spec.system ref, "" for none
		description  string
		tags         []string
		docs         string // the disciplines line of the docs
	}{
		{"senior-engineer", "", "Next step: Staff Data Engineer, Staff Platform Engineer. Role archetype in Data Engineering, Platform Engineering.",
			[]string{TypeRole, "data-engineering", "platform-engineering"},
			"- **Disciplines:** [Data Engineering](" + sys + "data-engineering), [Platform Engineering](" + sys + "platform-engineering)\n"},
		{"staff-platform-engineer", "system:pathways/platform-engineering", "Reached from Senior Engineer. Role archetype in Platform Engineering.",
			[]string{TypeRole, "platform-engineering"},
			"- **Discipline:** [Platform Engineering](" + sys + "platform-engineering)\n"},
		{"staff-data-engineer", "", "Next step: Principal Engineer. Reached from Senior Engineer. Role archetype in Data Engineering.",
			[]string{TypeRole, "data-engineering"},
			"- **Discipline:** [Data Engineering](" + sys + "data-engineering)\n"},
		{"principal-engineer", "", "Reached from Staff Data Engineer. Role archetype.", []string{TypeRole}, ""},
	} {
		t.Run(tc.role, func(t *testing.T) {
			var e *catalog.Entity
			for i := range res.Entities {
				if res.Entities[i].Kind == catalog.KindResource && res.Entities[i].Metadata.Name == tc.role {
					e = &res.Entities[i]
				}
			}
			if e == nil {
				t.Fatalf("no Resource %s", tc.role)
			}
			got, has := e.Spec["system"]
			if tc.system == "" && has || tc.system != "" && got != tc.system {
				t.Errorf("spec.system = %v, want %q", got, tc.system)
			}
			if e.Metadata.Description != tc.description {
				t.Errorf("description %q, want %q", e.Metadata.Description, tc.description)
			}
			if !slices.Equal(e.Metadata.Tags, tc.tags) {
				t.Errorf("tags %v, want %v", e.Metadata.Tags, tc.tags)
			}
			docs := string(files["roles/"+tc.role+"/docs/index.md"])
			if !strings.Contains(docs, "\n"+tc.description+"\n") {
				t.Errorf("docs do not open with the description:\n%s", docs)
			}
			if tc.docs != "" && !strings.Contains(docs, "\n"+tc.docs) || tc.docs == "" && strings.Contains(docs, "**Discipline") {
				t.Errorf("docs lack %q:\n%s", tc.docs, docs)
			}
		})
	}
	// Both ladders draw the shared role.
	for _, d := range []string{"data-engineering", "platform-engineering"} {
		if svg := string(files["systems/"+d+"/docs/ladder.svg"]); !strings.Contains(svg, ">Senior Engineer<") {
			t.Errorf("the %s ladder lacks the shared role:\n%s", d, svg)
		}
	}
}
