package ladder

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func role(id, title string) Role {
	return Role{ID: id, Title: title, URL: "https://backstage.example.com/catalog/pathways/resource/" + id}
}

func step(from, to, dur string) Pathway {
	id := from + "-to-" + to
	return Pathway{ID: id, Title: from + " to " + to, From: from, To: to, Duration: dur,
		URL: "https://backstage.example.com/catalog/pathways/component/" + id}
}

// cut marks p's source as cut off.
func cut(p Pathway) Pathway {
	p.Incomplete = true
	return p
}

// cases are the ladders every test draws: the shapes a discipline can take.
var cases = map[string]Ladder{
	"chain": {Title: "Platform Engineering", Roles: []Role{
		role("intermediate", "Intermediate Platform Engineer"), role("senior", "Senior Platform Engineer"), role("lead", "Lead Platform Engineer")},
		Pathways: []Pathway{step("senior", "lead", "24-48 months"), step("intermediate", "senior", "18-36 months")}},
	"branch": {Title: "Software Engineering", Roles: []Role{
		role("junior", "Junior Software Engineer"), role("senior", "Senior Software Engineer"),
		role("staff", "Staff Engineer"), role("manager", "Engineering Manager")},
		Pathways: []Pathway{step("junior", "senior", "24 months"), step("senior", "staff", "36 months"), step("senior", "manager", "12-24 months")}},
	"cycle": {Title: "Rotation", Roles: []Role{role("a", "Analyst"), role("b", "Builder"), role("c", "Coach")},
		Pathways: []Pathway{step("a", "b", "6 months"), step("b", "c", "6 months"), step("c", "a", "6 months"), step("b", "b", "3 months")}},
	"skip": {Title: "Data", Roles: []Role{role("a", "Junior Data Engineer"), role("b", "Data Engineer"), role("c", "Senior Data Engineer")},
		Pathways: []Pathway{step("a", "b", "12 months"), step("b", "c", "24 months"), step("a", "c", "36 months")}},
	"wide": {Title: "Many tracks", Roles: []Role{role("root", "Graduate Engineer"),
		role("t1", "Junior Backend Engineer"), role("t2", "Junior Frontend Engineer"), role("t3", "Junior Mobile Engineer"),
		role("t4", "Junior Data Engineer"), role("t5", "Junior Platform Engineer")},
		Pathways: []Pathway{step("root", "t1", "6-12 months"), step("root", "t2", "6-12 months"), step("root", "t3", "6-12 months"),
			step("root", "t4", "6-12 months"), step("root", "t5", "6-12 months")}},
	// One step cut off in the chain and one on a side lane (a skip), one
	// without a duration.
	"incomplete": {Title: "Quality", Roles: []Role{role("a", "Junior Quality Engineer"), role("b", "Senior Quality Engineer"), role("c", "Lead Quality Engineer")},
		Pathways: []Pathway{step("a", "b", "12-18 months"), cut(step("b", "c", "24 months")), cut(step("a", "c", ""))}},
	"hostile": {Title: `<script>alert("x")</script> & co`, Roles: []Role{
		{ID: "x", Title: `A <b>bold</b> & "quoted" 'role' with an extraordinarilylongunbrokenwordthatmustbecut and more words to wrap past three lines of text`, URL: `https://example.com/?a=1&b=<2>"`},
		{ID: "y", Title: "Plain", URL: ""}},
		Pathways: []Pathway{{ID: "p", Title: "x → y", From: "x", To: "y", Duration: "1 < 2 & 3 > 2", URL: "/catalog/pathways/component/p?x=1&y=2"}}},
}

func TestGolden(t *testing.T) {
	for name, l := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := SVG(l, Options{})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", name+".svg")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the drawing (run go test -update and look at it)", path)
			}
		})
	}
}

// TestWellFormedAndLinked parses every drawing as XML and checks that each
// role and pathway with a URL is a link to exactly that URL, and that the
// picture stays within its width.
func TestWellFormedAndLinked(t *testing.T) {
	for name, l := range cases {
		t.Run(name, func(t *testing.T) {
			data, err := SVG(l, Options{})
			if err != nil {
				t.Fatal(err)
			}
			links := map[string]int{}
			dec := xml.NewDecoder(bytes.NewReader(data))
			var root *xml.StartElement
			for {
				tok, err := dec.Token()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("not well-formed XML: %v", err)
				}
				se, ok := tok.(xml.StartElement)
				if !ok {
					continue
				}
				if root == nil {
					c := se.Copy()
					root = &c
				}
				if se.Name.Local == "script" || se.Name.Local == "style" || se.Name.Local == "foreignObject" {
					t.Errorf("unexpected <%s>", se.Name.Local)
				}
				if se.Name.Local != "a" {
					continue
				}
				var href, xhref string
				for _, a := range se.Attr {
					switch {
					case a.Name.Local == "href" && a.Name.Space == "":
						href = a.Value
					case a.Name.Local == "href":
						xhref = a.Value
					}
				}
				if href != xhref {
					t.Errorf("href %q and xlink:href %q differ", href, xhref)
				}
				links[href]++
			}
			if root == nil || root.Name.Local != "svg" || root.Name.Space != "http://www.w3.org/2000/svg" {
				t.Fatalf("root element is %v, want svg", root)
			}
			var want []string
			for _, r := range l.Roles {
				if r.URL != "" {
					want = append(want, r.URL)
				}
			}
			for _, p := range l.Pathways {
				if p.URL != "" {
					want = append(want, p.URL)
				}
			}
			for _, u := range want {
				if links[u] != 1 {
					t.Errorf("link %q drawn %d times, want once", u, links[u])
				}
			}
			if len(links) != len(want) {
				t.Errorf("%d distinct links, want %d", len(links), len(want))
			}
			for _, p := range l.Pathways {
				label := p.Duration
				if p.Incomplete {
					label = strings.TrimPrefix(label+" · incomplete", " · ")
				}
				if label != "" && !bytes.Contains(data, []byte(">"+esc(label)+"<")) {
					t.Errorf("label %q not drawn", label)
				}
			}
		})
	}
}

// TestIncompleteStepsStandOut: a cut-off step's pill has a dashed outline,
// an italic label and a tooltip saying so, and its lines are dotted;
// complete steps keep the solid style. Dashes, not colour, carry the
// mark, so it survives greyscale print.
func TestIncompleteStepsStandOut(t *testing.T) {
	data, err := SVG(cases["incomplete"], Options{})
	if err != nil {
		t.Fatal(err)
	}
	// A pathway is drawn as its edge paths (before every link) and its
	// link; look at each link's rect and text.
	links := strings.Split(string(data), "<a ")[1:]
	steps := 0
	for _, p := range cases["incomplete"].Pathways {
		var link string
		for _, l := range links {
			if strings.HasPrefix(l, `href="`+p.URL+`"`) {
				link = l
			}
		}
		if link == "" {
			t.Fatalf("%s: no link", p.ID)
		}
		steps++
		dashed := strings.Contains(link, `stroke-dasharray="4,3"`)
		italic := strings.Contains(link, `font-style="italic"`)
		noted := strings.Contains(link, "(incomplete source)</title>")
		if dashed != p.Incomplete || italic != p.Incomplete || noted != p.Incomplete {
			t.Errorf("%s (incomplete %v): dashed outline %v, italic %v, tooltip %v", p.ID, p.Incomplete, dashed, italic, noted)
		}
	}
	// Dotted lines: the chain step's two segments, and the side lane's
	// line into the pill and out along the lane.
	if n := strings.Count(string(data), `stroke-dasharray="2,3"`); n != 4 {
		t.Errorf("%d dotted lines, want 4 (two per incomplete step)", n)
	}
	if n := strings.Count(string(data), `stroke-dasharray="5,3"`); n != 0 {
		t.Errorf("%d dashed side lanes, want 0: the only side step is incomplete, drawn dotted", n)
	}
	// The same ladder complete draws none of it.
	whole := Ladder{Title: "Quality", Roles: cases["incomplete"].Roles}
	for _, p := range cases["incomplete"].Pathways {
		p.Incomplete = false
		whole.Pathways = append(whole.Pathways, p)
	}
	data, err = SVG(whole, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, mark := range []string{`stroke-dasharray="4,3"`, `stroke-dasharray="2,3"`, "italic", "incomplete"} {
		if strings.Contains(string(data), mark) {
			t.Errorf("a complete ladder contains %s", mark)
		}
	}
}

func TestDeterministicWhateverTheInputOrder(t *testing.T) {
	for name, l := range cases {
		a, err := SVG(l, Options{})
		if err != nil {
			t.Fatal(err)
		}
		r := Ladder{Title: l.Title, Roles: slices.Clone(l.Roles), Pathways: slices.Clone(l.Pathways)}
		slices.Reverse(r.Roles)
		slices.Reverse(r.Pathways)
		b, err := SVG(r, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s: reversing the input changes the drawing", name)
		}
	}
}

func TestOrder(t *testing.T) {
	ids := func(ps []Pathway) []string {
		var s []string
		for _, p := range ps {
			s = append(s, p.ID)
		}
		return s
	}
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"chain", []string{"intermediate-to-senior", "senior-to-lead"}},
		{"branch", []string{"junior-to-senior", "senior-to-manager", "senior-to-staff"}},
		{"skip", []string{"a-to-b", "a-to-c", "b-to-c"}},
		// a has nothing leading into it once the cycle is broken at c→a.
		{"cycle", []string{"a-to-b", "b-to-b", "b-to-c", "c-to-a"}},
	} {
		if got := ids(Order(cases[tc.name])); !slices.Equal(got, tc.want) {
			t.Errorf("%s: Order = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestWidth(t *testing.T) {
	for _, w := range []int{0, 100, 500, 900} {
		data, err := SVG(cases["wide"], Options{Width: w})
		if err != nil {
			t.Fatal(err)
		}
		want := max(cmp.Or(w, defaultWidth), minWidth)
		if !bytes.Contains(data, []byte(`width="`+strconv.Itoa(want)+`"`)) {
			t.Errorf("Width %d: picture is not %d px wide", w, want)
		}
	}
}

func TestValidate(t *testing.T) {
	r := []Role{{ID: "a"}, {ID: "b"}}
	for _, tc := range []struct {
		name string
		l    Ladder
		want string
	}{
		{"unknown from", Ladder{Roles: r, Pathways: []Pathway{{ID: "p", From: "z", To: "b"}}}, `ladder: pathway "p": from: unknown role "z"`},
		{"unknown to", Ladder{Roles: r, Pathways: []Pathway{{ID: "p", From: "a", To: "z"}}}, `ladder: pathway "p": to: unknown role "z"`},
		{"duplicate role", Ladder{Roles: []Role{{ID: "a"}, {ID: "a"}}}, `ladder: role "a": duplicate id`},
		{"duplicate pathway", Ladder{Roles: r, Pathways: []Pathway{{ID: "p", From: "a", To: "b"}, {ID: "p", From: "b", To: "a"}}}, `ladder: pathway "p": duplicate id`},
		{"empty role id", Ladder{Roles: []Role{{}}}, `ladder: roles[0]: empty id`},
		{"script url", Ladder{Roles: r, Pathways: []Pathway{{ID: "p", From: "a", To: "b", URL: "javascript:alert(1)"}}}, `ladder: pathway "p": url: scheme "javascript" not allowed (http, https or a relative URL)`},
		{"data url", Ladder{Roles: []Role{{ID: "a", URL: "data:text/html,x"}}}, `ladder: role "a": url: scheme "data" not allowed (http, https or a relative URL)`},
		{"empty pathway id", Ladder{Roles: r, Pathways: []Pathway{{From: "a", To: "b"}}}, `ladder: pathways[0]: empty id`},
	} {
		_, err := SVG(tc.l, Options{})
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: err = %v, want %s", tc.name, err, tc.want)
		}
	}
}

func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		in    string
		width int
		want  []string
	}{
		{"Senior Platform Engineer", 30, []string{"Senior Platform Engineer"}},
		{"Senior Platform Engineer", 12, []string{"Senior", "Platform", "Engineer"}},
		{"abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"one two three four five", 4, []string{"one", "two", "thr…"}},
		{"", 10, []string{""}},
	} {
		if got := wrap(tc.in, tc.width); !slices.Equal(got, tc.want) {
			t.Errorf("wrap(%q, %d) = %q, want %q", tc.in, tc.width, got, tc.want)
		}
	}
}
