package exporter

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
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
// link per role and pathway; the cut-off note is a warning admonition.
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
	if !strings.Contains(cut, `class="admonition warning"`) || !strings.Contains(cut, "<em>Recommended Reading</em>") {
		t.Errorf("testdata/cutoff: no warning admonition naming the section in the built page")
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
