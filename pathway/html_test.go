package pathway

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func readTestdata(t *testing.T, name string) []byte { return readTestdataB(t, name) }

func readTestdataB(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestParseHTMLPages checks that HTML pages carrying the seed's sections give
// the seed's model, plus what only HTML carries: URLs.
func TestParseHTMLPages(t *testing.T) {
	seed, _ := parseOne(t, seedName, readSeed(t))
	const site = "https://www.raganmcgill.co.uk"
	intermediate := site + "/org/role-archetypes/role-archetype-intermediate-platform-engineer"
	senior := site + "/org/role-archetypes/role-archetype-senior-platform-engineer"

	realistic := seed
	realistic.Source = site + "/learn/pathway-platform-intermediate-to-senior"
	realistic.From.URL = intermediate
	realistic.To.URL = site + "/learn/role-archetype-senior-platform-engineer" // relative href, resolved against the canonical URL
	realistic.Archetypes = &Archetypes{Intro: seed.Archetypes.Intro, Roles: []Role{realistic.From, realistic.To}}

	minimal := seed
	minimal.Source = "seed-minimal.html"
	minimal.To.URL = senior
	minimal.Archetypes = &Archetypes{Intro: seed.Archetypes.Intro, Roles: []Role{{Title: seed.From.Title}, minimal.To}}

	tests := []struct {
		file  string
		want  Pathway
		warns []string
	}{
		{"seed-page.html", realistic, nil},
		{"seed-minimal.html", minimal, []string{`link "/org/role-archetypes/role-archetype-intermediate-platform-engineer" for role "Intermediate Platform Engineer" is not an http(s) URL`}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, ws := parseOne(t, tt.file, readTestdata(t, tt.file))
			if !reflect.DeepEqual(got, tt.want) {
				gj, _ := json.MarshalIndent(got, "", " ")
				t.Errorf("model differs:\n%s", gj)
			}
			if len(ws) != len(tt.warns) {
				t.Fatalf("warnings %v, want %v", ws, tt.warns)
			}
			for i, w := range ws {
				if !strings.Contains(w.Msg, tt.warns[i]) {
					t.Errorf("warning %q, want %q", w.Msg, tt.warns[i])
				}
			}
		})
	}
}

func TestParseHTMLDetails(t *testing.T) {
	const body = `<p>Summary of the pathway in one sentence here.</p>
<h2>Role Archetypes</h2><p>Intro.</p>
<a href="role-archetype-a">→ A Archetype</a> <a href="javascript:alert(1)">→ B Archetype</a>`
	tests := []struct {
		name, page string
		title      string
		source     string
		fromURL    string
		toURL      string
		warnings   int
	}{
		{"title element fallback", `<html><head><title>Ragan McGill – A to B</title></head><body>` + body,
			"A to B", "p.html", "", "", 2},
		{"base resolves links", `<head><base href="https://h.example/org/"></head><h1>A to B</h1>` + body,
			"A to B", "p.html", "https://h.example/org/role-archetype-a", "", 1},
		{"relative base against canonical", `<head><link rel="canonical" href="https://h.example/learn/a-to-b"><base href="/org/"></head><h1>A to B</h1>` + body,
			"A to B", "https://h.example/learn/a-to-b", "https://h.example/org/role-archetype-a", "", 1},
		{"site header h1 is chrome, article header is content", `<header><h1>Site</h1><nav>Skills to Develop</nav></header>
<article><header><h1>A to B</h1></header>` + body + `</article><footer><h2>Skills to Develop</h2><ul><li>not a skill</li></ul></footer>`,
			"A to B", "p.html", "", "", 2},
		{"script and style ignored", `<script>document.write("<h1>X to Y</h1>")</script><style>h1{}</style><h1>A to B</h1>` + body,
			"A to B", "p.html", "", "", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ws := parseOne(t, "p.html", []byte(tt.page))
			if p.Title != tt.title || p.Source != tt.source || p.From.URL != tt.fromURL || p.To.URL != tt.toURL {
				t.Errorf("title %q source %q from %q to %q", p.Title, p.Source, p.From.URL, p.To.URL)
			}
			if len(p.Skills) != 0 {
				t.Errorf("skills from chrome: %q", p.Skills)
			}
			if len(ws) != tt.warnings {
				t.Errorf("warnings %v, want %d", ws, tt.warnings)
			}
		})
	}
}

func TestParseHTMLDanglingNumber(t *testing.T) {
	page := `<h1>A to B</h1><p>Summary.</p><h2>Hands-On Projects</h2><ol><li><span>1</span><p>One.</p></li><li><span>2</span>`
	p, ws := parseOne(t, "p.html", []byte(page))
	if len(p.Projects) != 1 || !hasWarning(ws, "item number without text") || !hasWarning(ws, "cut off") {
		t.Errorf("projects %q warnings %v", p.Projects, ws)
	}
}

// TestParseHTMLTruncated cuts the realistic page at many points: never a
// panic, and a cut-off warning whenever the page parses.
func TestParseHTMLTruncated(t *testing.T) {
	page := string(readTestdata(t, "seed-page.html"))
	end := strings.Index(page, "Senior Platform Engineer Archetype</a>")
	for cut := 0; cut < end; cut += 97 {
		ps, ws, err := Parse("cut.html", []byte(page[:cut]))
		if err != nil {
			continue
		}
		if !hasWarning(ws, "cut off") {
			t.Errorf("cut at %d: no cut-off warning (%d skills)", cut, len(ps[0].Skills))
		}
	}
}

func TestAnnotateLines(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<p>a</p>", `<p data-pathwaysync-line="1">a</p>`},
		{"<br/>\n<img src=x />", `<br data-pathwaysync-line="1"/>` + "\n" + `<img data-pathwaysync-line="2" src=x />`},
		{"<!-- <p> -->\n\n<li class=\"a>b\">x", "<!-- <p> -->\n\n" + `<li data-pathwaysync-line="3" class="a>b">x`},
		// After the name, not at the end: there it became the empty href's value.
		{"<a href=>x", `<a data-pathwaysync-line="1" href=>x`},
		{"<script>\n<p>\n</script><p>", "<script data-pathwaysync-line=\"1\">\n<p>\n</script>" + `<p data-pathwaysync-line="3">`},
		{"text <p", "text <p"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := string(annotateLines([]byte(tt.in))); got != tt.want {
			t.Errorf("annotateLines(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

// TestParseHTMLLines: warnings and errors about an HTML page name the
// line of the element they are about.
func TestParseHTMLLines(t *testing.T) {
	page := "<html>\n<body>\n<h1>A to B</h1>\n<p>Summary.</p>\n<h2>Hands-On Projects</h2>\n<ol>\n" +
		"<li><span>1</span>\n<p>One.</p></li>\n<li><span>2</span></li>\n</ol>\n<h2>Role Archetypes</h2>\n" +
		"<p><a href=\"/a\">A Archetype</a></p>\n"
	_, ws, err := Parse("p.html", []byte(page))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"item number without text": 9, "is not an http(s) URL": 12, "cut off": 12}
	for substr, line := range want {
		found := false
		for _, w := range ws {
			if strings.Contains(w.Msg, substr) {
				found = true
				if w.Line != line {
					t.Errorf("warning %q at line %d, want %d", w.Msg, w.Line, line)
				}
			}
		}
		if !found {
			t.Errorf("no warning %q in %v", substr, ws)
		}
	}
	_, _, err = Parse("bad.html", []byte("<html>\n<body>\n\n<h1>Nothing to split here, sadly.</h1>\n<p>Text.</p>"))
	if err == nil || !strings.HasPrefix(err.Error(), "bad.html:4: title: ") {
		t.Errorf("err = %v, want it at bad.html:4, field title", err)
	}
}
