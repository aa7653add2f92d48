package exporter

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/net/html"

	"github.com/pathwaysync/pathwaysync/pathway"
	"sigs.k8s.io/yaml"
)

// TestMkdocsBuild builds every generated site — pathways, roles and
// disciplines of the examples, the hostile pathway, a cut-off pathway and
// the golden discipline with a cut-off pathway (testdata/cutoff) —
// with the real mkdocs --strict, the material theme and admonition standing
// in for techdocs-core, and inspects the HTML: no script, event handler or
// javascript: link comes from source text; the ladder is inline with a
// link per role and pathway; the cut-off note is a warning admonition
// linking the source and the page of the section it stops in, which has
// its own note.
func TestMkdocsBuild(t *testing.T) {
	mkdocs, err := exec.LookPath("mkdocs")
	if err != nil {
		if testing.Short() {
			t.Skip("mkdocs not installed")
		}
		t.Fatal("mkdocs not installed (apt-get install mkdocs mkdocs-material)")
	}
	ps := append(loadExamples(t), injectionPathway(), cutOffPathway())
	res, err := Render(append(ps, loadPages(t, cutOffDir)...), goldenOptions)
	if err != nil {
		t.Fatal(err)
	}
	// A site is a folder holding mkdocs.yml.
	var dirs []string
	for _, f := range res.Files {
		if d, ok := strings.CutSuffix(f.Path, "/mkdocs.yml"); ok {
			dirs = append(dirs, d+"/")
		}
	}
	sites := map[string][]File{}
	for _, f := range res.Files {
		for _, d := range dirs {
			if file, ok := strings.CutPrefix(f.Path, d); ok && file != "catalog-info.yaml" {
				sites[d] = append(sites[d], File{Path: file, Data: f.Data})
			}
		}
	}
	if want := len(res.Entities) - 3; len(sites) != want { // all but the two Locations and the Group
		t.Errorf("%d sites, want one per pathway, role and discipline (%d)", len(sites), want)
	}
	root := t.TempDir()
	if keep := os.Getenv("PATHWAYSYNC_KEEP_SITES"); keep != "" {
		root = keep // for a human to look at the built sites
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for name, files := range sites {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			buildSite(t, mkdocs, filepath.Join(root, filepath.FromSlash(name)), files)
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	// What TechDocs will show: the ladder inline with its links, the note.
	ladder := readSite(t, root, "systems/platform-engineering/site/index.html")
	for _, want := range []string{`<div class="pathwaysync-ladder">`, "<svg ",
		`href="https://backstage.example.com/catalog/pathways/resource/senior-platform-engineer"`,
		`href="https://backstage.example.com/catalog/pathways/component/senior-platform-engineer-to-lead-platform-engineer"`,
		"18-36 months"} {
		if !strings.Contains(ladder, want) {
			t.Errorf("systems/platform-engineering: the built page lacks %s", want)
		}
	}
	cut := readSite(t, root, "pathways/"+slug(cutOffPathway().Title)+"/site/index.html")
	if !strings.Contains(cut, `class="admonition warning"`) || !strings.Contains(cut, "Incomplete source") {
		t.Errorf("cut-off pathway: no warning admonition in the built page")
	}
	cut = readSite(t, root, "pathways/senior-quality-engineer-to-lead-quality-engineer/site/index.html")
	for _, want := range []string{`class="admonition warning"`, `<a href="reading/"><em>Recommended Reading</em></a>`,
		`<a href="https://learn.example.com/pathways/senior-quality-engineer-to-lead-quality-engineer">source page</a>`,
		"(Courses and resources, Role archetypes)"} {
		if !strings.Contains(cut, want) {
			t.Errorf("testdata/cutoff: the note in the built page lacks %s", want)
		}
	}
	if r := readSite(t, root, "pathways/senior-quality-engineer-to-lead-quality-engineer/site/reading/index.html"); !strings.Contains(r, `class="admonition warning"`) || !strings.Contains(r, "this list may be incomplete") {
		t.Errorf("testdata/cutoff: the reading page does not say its list may be cut short")
	}
	if l := readSite(t, root, "systems/quality-engineering/site/index.html"); !strings.Contains(l, ">24 months · incomplete<") {
		t.Errorf("testdata/cutoff: the built ladder does not mark the cut-off step")
	}
}

func readSite(t *testing.T, root, p string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// cutOffPathway is a pathway whose source stops in the reading list.
func cutOffPathway() pathway.Pathway {
	p := mkPathway("Junior Tester to Senior Tester", "Junior Tester", "Senior Tester", "Quality")
	p.Skills = []string{"Exploratory testing"}
	p.Incomplete = "Recommended Reading"
	return p
}

func buildSite(t *testing.T, mkdocs, dir string, files []File) {
	for _, f := range files {
		data := f.Data
		if f.Path == "mkdocs.yml" {
			var cfg map[string]any
			if err := yaml.UnmarshalStrict(data, &cfg); err != nil {
				t.Errorf("%s/mkdocs.yml: %v", dir, err)
				return
			}
			for k := range cfg {
				switch k {
				case "site_name", "site_description", "docs_dir", "nav", "plugins":
				default:
					t.Errorf("%s/mkdocs.yml: key %q outside the TechDocs allow-list", dir, k)
				}
			}
			cfg["plugins"] = []string{}
			cfg["theme"] = "material"
			cfg["markdown_extensions"] = []string{"admonition"} // as techdocs-core
			var err error
			if data, err = yaml.Marshal(cfg); err != nil {
				t.Error(err)
				return
			}
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Error(err)
			return
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Error(err)
			return
		}
	}
	cmd := exec.Command(mkdocs, "build", "--strict", "--quiet", "--site-dir", "site")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("mkdocs build --strict in %s: %v\n%s", dir, err, out)
		return
	}
	pages := 0
	err := filepath.WalkDir(filepath.Join(dir, "site"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") || strings.Contains(p, "404") {
			return err
		}
		pages++
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		checkHTML(t, p, string(b))
		return nil
	})
	if err != nil {
		t.Error(err)
	}
	md := 0
	for _, f := range files {
		if strings.HasSuffix(f.Path, ".md") {
			md++
		}
	}
	if pages < md || md == 0 {
		t.Errorf("%s: %d pages built from %d Markdown files", dir, pages, md)
	}
}

// checkHTML fails on a script, on* handler, javascript: URL, or any
// element other than the theme's inside the article, that source text
// could have produced.
func checkHTML(t *testing.T, name, s string) {
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return
	}
	var walk func(n *html.Node, inArticle bool)
	walk = func(n *html.Node, inArticle bool) {
		if n.Type == html.ElementNode {
			if n.Data == "article" {
				inArticle = true
			}
			for _, a := range n.Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(a.Key, "on") {
					t.Errorf("%s: <%s %s=%q>", name, n.Data, a.Key, a.Val)
				}
				if (a.Key == "href" || a.Key == "src") && (strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "data:")) {
					t.Errorf("%s: <%s %s=%q>", name, n.Data, a.Key, a.Val)
				}
			}
			switch n.Data {
			case "script":
				if inArticle || (n.FirstChild != nil && strings.Contains(n.FirstChild.Data, "alert(1)")) {
					t.Errorf("%s: injected <script>", name)
				}
			case "img", "iframe", "object", "embed", "style", "form", "input":
				if inArticle {
					t.Errorf("%s: <%s> in the article", name, n.Data)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inArticle)
		}
	}
	walk(doc, false)
	if strings.Contains(name, "injected") && strings.HasSuffix(name, "skills/index.html") {
		if !strings.Contains(htmlText(t, s), "<script>alert(1)</script>") {
			t.Errorf("%s: the hostile text is not shown as text", name)
		}
	}
}

// TestIncompleteNote: the note atop a cut-off pathway's docs names the
// section the source stops in (linked to its page when it has one), the
// sections after it that are missing, and links the source page the
// entity links; the page of that section says its list may be cut short
// and its count is marked in the Links card; a name that is no section
// keeps the plain note.
func TestIncompleteNote(t *testing.T) {
	const src = "https://learn.example.com/p/a"
	lead := "!!! warning \"Incomplete source\"\n    The [source page](" + src + ") stops "
	for _, tc := range []struct {
		name       string
		incomplete string
		edit       func(p *pathway.Pathway)
		note       string // after lead
		cutPage    string // page with the "Cut off" note and mark, "" for none
	}{
		{"reading", "Recommended Reading", func(p *pathway.Pathway) { p.Reading = []pathway.Book{{Title: "A book"}} },
			"in the section [*Recommended Reading*](reading.md), whose list may be cut short. Missing here: the sections after it (Courses and resources, Role archetypes).\n", "reading.md"},
		{"heading before any item", "Recommended Reading", nil,
			"in the section *Recommended Reading*, before any of its items. Missing here: the sections after it (Courses and resources, Role archetypes).\n", ""},
		{"combined skills heading", "Skills & Behaviours to Develop", func(p *pathway.Pathway) { p.Skills = []string{"A skill."} },
			"in the section [*Skills &amp; Behaviours to Develop*](skills.md), whose list may be cut short. Missing here: the sections after it (Behaviours, Hands-on projects, AI literacy, Recommended reading, Courses and resources, Role archetypes).\n", "skills.md"},
		{"summary, focus areas read", "summary", func(p *pathway.Pathway) { p.FocusAreas = []pathway.FocusArea{{Title: "F", Text: "T"}} },
			"in its summary, before any section. Missing here: the sections after it (Skills, Behaviours, Hands-on projects, AI literacy, Recommended reading, Courses and resources, Role archetypes).\n", ""},
		{"last section", "Role Archetypes", func(p *pathway.Pathway) { p.Archetypes = &pathway.Archetypes{Intro: "Read both."} },
			"in the section [*Role Archetypes*](role-archetypes.md), whose list may be cut short.\n", "role-archetypes.md"},
		{"page title, any case", "courses AND resources", func(p *pathway.Pathway) { p.Courses = []pathway.Course{{Title: "C"}} },
			"in the section [*courses AND resources*](courses.md), whose list may be cut short. Missing here: the sections after it (Role archetypes).\n", "courses.md"},
		{"no section", "unknown section", nil,
			"in the section *unknown section*: what follows it is missing here.\n", ""},
		{"hostile", "*x* [y](javascript:alert(1))\n# z", nil,
			"in the section *\\*x\\* \\[y\\](javascript&#58;alert(1)) # z*: what follows it is missing here.\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := mkPathway("Junior Tester to Senior Tester", "Junior Tester", "Senior Tester", "Quality")
			p.Skills, p.Source, p.Incomplete = nil, src, tc.incomplete
			if tc.edit != nil {
				tc.edit(&p)
			}
			res, err := Render([]pathway.Pathway{p}, goldenOptions)
			if err != nil {
				t.Fatal(err)
			}
			files := filesByPath(res)
			dir := "pathways/junior-tester-to-senior-tester/"
			want := "# Junior Tester to Senior Tester\n\n" + lead + tc.note + "\n"
			if index := string(files[dir+"docs/index.md"]); !strings.HasPrefix(index, want) {
				t.Errorf("docs/index.md:\n%s\nwant it to start:\n%s", index, want)
			}
			var links []string
			for _, e := range res.Entities {
				if e.Metadata.Name == "junior-tester-to-senior-tester" {
					if e.Metadata.Annotations[AnnotationPartialSource] != oneLine(tc.incomplete) {
						t.Errorf("%s = %q, want the bare section name", AnnotationPartialSource, e.Metadata.Annotations[AnnotationPartialSource])
					}
					for _, l := range e.Metadata.Links {
						links = append(links, l.Title)
						if l.Type == "source" && l.URL != src {
							t.Errorf("source link %q, the note links %q", l.URL, src)
						}
					}
				}
			}
			marked := 0
			for _, pg := range pages {
				data, ok := files[dir+pg.path]
				if !ok {
					continue
				}
				has := strings.Contains(string(data), "!!! warning \"Cut off\"\n    The source page stops in this section: this list may be incomplete.\n")
				if has != (pg.file == tc.cutPage) {
					t.Errorf("%s: cut-off note %v", pg.file, has)
				}
				if slices.Contains(links, pg.title+" ("+strconv.Itoa(pg.count(&p))+", cut off)") {
					marked++
					if pg.file != tc.cutPage {
						t.Errorf("%s marked cut off in the Links card: %q", pg.file, links)
					}
				}
			}
			if want := min(len(tc.cutPage), 1); marked != want {
				t.Errorf("%d Links marked cut off, want %d: %q", marked, want, links)
			}
		})
	}
}

// TestCutOffSectionsOfRealPages cuts the text pages of the examples and
// of testdata/cutoff after every line and imports each stump: every
// section the importer says a page stops in is one the docs know, and no
// page after it has content (focus areas excepted for a stop in the
// summary, where the compact layout keeps them).
func TestCutOffSectionsOfRealPages(t *testing.T) {
	var files []string
	for _, dir := range []string{examplesDir, cutOffDir} {
		m, err := filepath.Glob(filepath.Join(dir, "*.txt"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	seen := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitAfter(string(data), "\n")
		for n := 3; n < len(lines); n++ {
			ps, _, err := pathway.Parse(filepath.Base(f), []byte(strings.Join(lines[:n], "")))
			if err != nil || len(ps) != 1 || ps[0].Incomplete == "" {
				continue
			}
			p := &ps[0]
			seen[p.Incomplete] = true
			stop, known := cutOffPage(p)
			if !known {
				t.Errorf("%s cut after line %d: stops in %q, which the docs do not know", f, n, p.Incomplete)
				continue
			}
			for _, pg := range pages[stop+1:] {
				if pg.present(p) && !(stop < 0 && pg.file == "focus-areas.md") {
					t.Errorf("%s cut after line %d: stops in %q (page %d) but %s has content", f, n, p.Incomplete, stop, pg.file)
				}
			}
		}
	}
	if len(seen) < 9 {
		t.Errorf("the stumps stop in only %d sections: %v", len(seen), seen)
	}
}
