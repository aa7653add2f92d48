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
	"sigs.k8s.io/yaml"
)

// TestMkdocsBuild builds every generated pathway site (examples and the
// hostile pathway) with the real mkdocs --strict, the material theme
// standing in for techdocs-core, and inspects the HTML: no script, event
// handler or javascript: link comes from source text.
func TestMkdocsBuild(t *testing.T) {
	mkdocs, err := exec.LookPath("mkdocs")
	if err != nil {
		if testing.Short() {
			t.Skip("mkdocs not installed")
		}
		t.Fatal("mkdocs not installed (apt-get install mkdocs mkdocs-material)")
	}
	res, err := Render(append(loadExamples(t), injectionPathway()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	sites := map[string][]File{}
	for _, f := range res.Files {
		if rest, ok := strings.CutPrefix(f.Path, "pathways/"); ok {
			name, file, _ := strings.Cut(rest, "/")
			if file != "catalog-info.yaml" {
				sites[name] = append(sites[name], File{Path: file, Data: f.Data})
			}
		}
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
			buildSite(t, mkdocs, filepath.Join(root, name), files)
		}()
	}
	wg.Wait()
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
	if pages < 2 {
		t.Errorf("%s: only %d pages built", dir, pages)
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
