package exporter

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"golang.org/x/net/html"

	"github.com/pathwaysync/pathwaysync/pathway"
)

// Hostile strings a source page could carry.
var hostile = []string{
	"<script>alert(1)</script>",
	"<img src=x onerror=alert(1)>",
	"[click](javascript:alert(1))",
	"# Heading injected",
	"- list item injected",
	"1. ordered injected",
	"line one\n\n# heading after blank\n- item",
	"<!-- comment --> **bold** `code` | pipe |",
	"<a href=\"javascript:alert(1)\">x</a>",
	"{: onclick=\"alert(1)\" } :smile: ==mark== ~~del~~",
}

func injectionPathway() pathway.Pathway {
	h := func(i int) string { return hostile[i%len(hostile)] }
	p := pathway.Pathway{
		APIVersion: pathway.APIVersion, Kind: pathway.Kind,
		Title:      "Injected " + h(0) + " title\nsecond line",
		From:       pathway.Role{Title: "From " + h(1), URL: "javascript:alert(1)"},
		To:         pathway.Role{Title: "To " + h(2), URL: "https://example.com/to_(role)"},
		Duration:   pathway.Duration{MinMonths: 1, MaxMonths: 2, Text: h(3)},
		Discipline: "Discipline " + h(4),
		Summary:    "Summary " + h(5) + " " + h(0),
		Source:     "javascript:alert(1)",
		Incomplete: h(6),
		AILiteracy: &pathway.AILiteracy{Theme: h(6), Items: hostile},
		Archetypes: &pathway.Archetypes{Intro: h(7), Roles: []pathway.Role{{Title: h(8), URL: "javascript:alert(1)"}}},
	}
	for i := range hostile {
		p.FocusAreas = append(p.FocusAreas, pathway.FocusArea{Title: h(i), Text: h(i + 1)})
		p.Reading = append(p.Reading, pathway.Book{Title: h(i), Authors: h(i + 2), Description: h(i + 3)})
		p.Courses = append(p.Courses, pathway.Course{Title: h(i), Provider: h(i + 4), Description: h(i + 5)})
	}
	p.Skills, p.Behaviours, p.Projects = hostile, hostile, hostile
	return p
}

// TestInjectionGoldmark renders every page of the hostile pathway with
// goldmark (unsafe mode: raw HTML would pass through) and checks that no
// markup from the source survives.
func TestInjectionGoldmark(t *testing.T) {
	res, err := Render([]pathway.Pathway{injectionPathway()}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	md := goldmark.New(goldmark.WithRendererOptions(gmhtml.WithUnsafe()))
	pages := 0
	for _, f := range res.Files {
		if !strings.HasSuffix(f.Path, ".md") {
			continue
		}
		pages++
		data := f.Data
		if strings.HasPrefix(f.Path, "systems/") {
			data = cutLadder(t, res.Files, f)
		}
		var out bytes.Buffer
		if err := md.Convert(data, &out); err != nil {
			t.Fatal(err)
		}
		checkElements(t, f.Path, out.String())
	}
	if pages != 12 { // 9 of the pathway, 2 roles, 1 discipline
		t.Errorf("%d pages, want 12", pages)
	}
	for _, f := range res.Files {
		if strings.Contains(string(f.Data), "javascript:") && !strings.HasSuffix(f.Path, ".md") && f.Path != "pathwaysync-manifest.json" {
			// YAML may hold the text (titles are free text), never as a link.
			if strings.Contains(string(f.Data), "url: javascript:") {
				t.Errorf("%s links to javascript:", f.Path)
			}
		}
	}
}

// cutLadder returns a discipline page without its inline ladder, after
// checking that the ladder is exactly the ladder package's drawing (also
// written as ladder.svg; the ladder package escapes hostile text) and
// carries no script or javascript: link.
func cutLadder(t *testing.T, files []File, f File) []byte {
	t.Helper()
	const open, end = "<div class=\"pathwaysync-ladder\">\n", "\n</div>\n"
	before, rest, ok := strings.Cut(string(f.Data), open)
	svg, after, ok2 := strings.Cut(rest, end)
	if !ok || !ok2 {
		t.Fatalf("%s: no ladder", f.Path)
	}
	var file []byte
	for _, g := range files {
		if g.Path == strings.TrimSuffix(f.Path, "index.md")+"ladder.svg" {
			file = g.Data
		}
	}
	if svg != string(file) {
		t.Errorf("%s: the inline ladder differs from ladder.svg", f.Path)
	}
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Errorf("%s: ladder is not XML: %v", f.Path, err)
			break
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch strings.ToLower(el.Name.Local) {
		case "script", "foreignobject", "iframe", "style", "image", "use":
			t.Errorf("%s: ladder holds <%s>", f.Path, el.Name.Local)
		}
		for _, a := range el.Attr {
			switch {
			case strings.HasPrefix(strings.ToLower(a.Name.Local), "on"):
				t.Errorf("%s: ladder holds the handler %s", f.Path, a.Name.Local)
			case a.Name.Local == "href" && !strings.HasPrefix(a.Value, "https://") && !strings.HasPrefix(a.Value, "http://"):
				t.Errorf("%s: ladder links to %q", f.Path, a.Value)
			}
		}
	}
	if strings.Contains(svg, "\n\n") {
		t.Errorf("%s: a blank line inside the ladder ends the HTML block", f.Path)
	}
	return []byte(before + after)
}

// checkElements allows only the elements our Markdown produces, and links
// only to http(s) pages or sibling .md pages.
func checkElements(t *testing.T, name, s string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{"html": true, "head": true, "body": true, "p": true, "ul": true, "ol": true,
		"li": true, "h1": true, "h2": true, "strong": true, "em": true, "a": true}
	h1 := 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if !allowed[n.Data] {
				t.Errorf("%s: <%s> element", name, n.Data)
			}
			if n.Data == "h1" {
				h1++
			}
			for _, a := range n.Attr {
				ok := n.Data == "a" && a.Key == "href" &&
					(strings.HasPrefix(a.Val, "https://") || strings.HasPrefix(a.Val, "http://") || strings.HasSuffix(a.Val, ".md"))
				if !ok {
					t.Errorf("%s: <%s %s=%q>", name, n.Data, a.Key, a.Val)
				}
			}
		}
		if n.Type == html.CommentNode {
			t.Errorf("%s: HTML comment %q", name, n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if h1 != 1 {
		t.Errorf("%s: %d h1 headings, want 1", name, h1)
	}
}
