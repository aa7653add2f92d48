package pathway

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite golden files")

const seedName = "intermediate-platform-engineer-to-senior-platform-engineer.txt"

func readSeed(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", seedName))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// parseOne parses data and requires exactly one pathway and no error.
func parseOne(t *testing.T, name string, data []byte) (Pathway, []Warning) {
	t.Helper()
	ps, ws, err := Parse(name, data)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	if len(ps) != 1 {
		t.Fatalf("Parse(%s): %d pathways, want 1", name, len(ps))
	}
	return ps[0], ws
}

// golden compares got with testdata/<name>, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from golden file (run go test -update to accept):\n%s", name, got)
	}
}

func TestParseTextSeed(t *testing.T) {
	p, ws := parseOne(t, seedName, readSeed(t))
	if len(ws) != 0 {
		t.Errorf("warnings on the complete seed page: %v", ws)
	}
	checks := []struct {
		what string
		got  any
		want any
	}{
		{"title", p.Title, "Intermediate Platform Engineer to Senior Platform Engineer"},
		{"from", p.From, Role{Title: "Intermediate Platform Engineer"}},
		{"to", p.To, Role{Title: "Senior Platform Engineer"}},
		{"duration", p.Duration, Duration{MinMonths: 18, MaxMonths: 36, Text: "18-36 months"}},
		{"discipline", p.Discipline, "Platform Engineering"},
		{"focus areas", len(p.FocusAreas), 5},
		{"first focus area", p.FocusAreas[0].Title, "Platform Architecture Leadership"},
		{"skills", len(p.Skills), 8},
		{"behaviours", len(p.Behaviours), 7},
		{"projects", len(p.Projects), 6},
		{"ai theme", p.AILiteracy.Theme, "AI in platform tooling, security, and developer enablement"},
		{"ai items", len(p.AILiteracy.Items), 6},
		{"reading", len(p.Reading), 5},
		{"last book", p.Reading[4], Book{Title: "Cloud FinOps", Authors: "J.R. Storment and Mike Fuller",
			Description: "Cost management is a platform engineering concern - this book provides the framework and practices for FinOps that become a senior platform engineer's responsibility."}},
		{"courses", len(p.Courses), 4},
		{"first course provider", p.Courses[0].Provider, "Linux Foundation / CNCF"},
		{"roles", p.Archetypes.Roles, []Role{{Title: "Intermediate Platform Engineer"}, {Title: "Senior Platform Engineer"}}},
		{"source", p.Source, seedName},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.what, c.got, c.want)
		}
	}
	out, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "seed.golden.json", append(out, '\n'))
}

// modelStrings lists every text value of p, paragraphs split apart.
func modelStrings(p *Pathway) []string {
	var out []string
	for _, s := range p.Texts() {
		for _, para := range strings.Split(s, "\n\n") {
			if para != "" {
				out = append(out, para)
			}
		}
	}
	return out
}

var sentenceEnd = regexp.MustCompile(`([.!?])\s+`)

// TestParseTextLossless proves every sentence of the seed page (and of the
// page-text examples) lands in the model.
func TestParseTextLossless(t *testing.T) {
	files := []string{filepath.Join("testdata", seedName)}
	if entries, err := os.ReadDir(examplesDir); err == nil {
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".txt") {
				files = append(files, filepath.Join(examplesDir, e.Name()))
			}
		}
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			p, _ := parseOne(t, filepath.Base(file), data)
			if n := checkLossless(t, string(data), &p); n < 40 {
				t.Errorf("checked only %d sentences", n)
			}
		})
	}
}

// checkLossless reports each sentence of page missing from p's strings and
// returns how many sentences it checked. Navigation chrome, bare section
// headings and item numbers are structure, not content.
func checkLossless(t *testing.T, page string, p *Pathway) int {
	t.Helper()
	// The duration line is one sentence split over two fields.
	hay := strings.Join(append(modelStrings(p), p.Duration.Text+" "+p.Discipline), "\n")
	checked := 0
	for _, raw := range strings.Split(page, "\n") {
		l := strings.TrimSpace(raw)
		if l == "" || l == "← Learning Pathways Learning Pathway" {
			continue
		}
		if _, ok := headingSection(l); ok {
			continue
		}
		l = trimMarker(l) // emoji, bullets, arrows
		if m := numberOnlyRE.FindStringSubmatch(l); m != nil {
			continue
		}
		if m := numberRE.FindStringSubmatch(l); m != nil {
			l = m[2]
		}
		for _, part := range strings.Split(l, "→") {
			part = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(part), " Archetype"))
			for _, sentence := range sentenceEnd.Split(part, -1) {
				sentence = strings.TrimSpace(sentence)
				if sentence == "" {
					continue
				}
				checked++
				if !strings.Contains(hay, sentence) {
					t.Errorf("sentence lost: %q", sentence)
				}
			}
		}
	}
	return checked
}

// compact turns the seed into the second rendering: no header lines, no
// emoji, no Focus Areas heading, single newlines.
func compact(data string, keepTitle, keepDuration bool) string {
	var out []string
	for i, l := range strings.Split(data, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case t == "", strings.HasPrefix(t, "←"), t == "🎯 Focus Areas":
			continue
		case i == 2 && !keepTitle, i == 4 && !keepDuration:
			continue
		}
		if _, ok := headingSection(t); ok {
			l = trimMarker(t)
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

func TestParseTextRenderings(t *testing.T) {
	seed := string(readSeed(t))
	want, _ := parseOne(t, seedName, []byte(seed))
	noDuration := want
	noDuration.Duration, noDuration.Discipline = Duration{}, ""
	tests := []struct {
		name      string
		input     string
		want      Pathway
		warnTitle bool // expect the derived-title warning
	}{
		{"compact with title and duration", compact(seed, true, true), want, false},
		{"compact without title", compact(seed, false, true), want, true},
		{"compact from summary", compact(seed, false, false), noDuration, true},
		{"CRLF", strings.ReplaceAll(seed, "\n", "\r\n"), want, false},
		{"CR only", strings.ReplaceAll(seed, "\n", "\r"), want, false},
		{"extra blank lines", strings.ReplaceAll(seed, "\n", "\n\n\n"), want, false},
		{"dash bullets", strings.ReplaceAll(seed, "  • ", "- "), want, false},
		{"star bullets", strings.ReplaceAll(seed, "  • ", "  * "), want, false},
		{"flush bullets", strings.ReplaceAll(seed, "  • ", "• "), want, false},
		{"no bullets", strings.ReplaceAll(seed, "  • ", ""), want, false},
		{"dotted numbers", regexp.MustCompile(`(?m)^(\d) `).ReplaceAllString(seed, "$1. "), want, false},
		{"numbers on their own line", regexp.MustCompile(`(?m)^(\d) `).ReplaceAllString(seed, "$1\n"), want, false},
		{"no emoji", regexp.MustCompile(`(?m)^[🎯🛠📚🎓📋] ?`).ReplaceAllString(seed, ""), want, false},
		{"BOM and trailing spaces", "\uFEFF" + strings.ReplaceAll(seed, "\n", "  \n"), want, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ws := parseOne(t, seedName, []byte(tt.input))
			if !reflect.DeepEqual(got, tt.want) {
				gj, _ := json.MarshalIndent(got, "", " ")
				t.Errorf("model differs from the seed's:\n%s", gj)
			}
			derived := false
			for _, w := range ws {
				if strings.Contains(w.Msg, "derived from the source name") {
					derived = true
				} else {
					t.Errorf("unexpected warning %v", w)
				}
			}
			if derived != tt.warnTitle {
				t.Errorf("derived-title warning = %v, want %v (%v)", derived, tt.warnTitle, ws)
			}
		})
	}
}

func TestParseTextDuration(t *testing.T) {
	seed := string(readSeed(t))
	tests := []struct {
		line       string
		want       Duration
		discipline string
	}{
		{"🕑 18-36 months Platform Engineering", Duration{18, 36, "18-36 months"}, "Platform Engineering"},
		{"🕑 18–36 months Platform Engineering", Duration{18, 36, "18–36 months"}, "Platform Engineering"},
		{"18—36 months · Platform Engineering", Duration{18, 36, "18—36 months"}, "Platform Engineering"},
		{"🕑 12+ months Software Engineering", Duration{12, 0, "12+ months"}, "Software Engineering"},
		{"🕑 6 months Software Engineering", Duration{6, 6, "6 months"}, "Software Engineering"},
		{"⏱ 1-2 years", Duration{12, 24, "1-2 years"}, ""},
		{"🕑 36-18 months Platform Engineering", Duration{Text: "36-18 months"}, "Platform Engineering"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			in := strings.Replace(seed, "🕑 18-36 months Platform Engineering", tt.line, 1)
			p, _ := parseOne(t, seedName, []byte(in))
			if p.Duration != tt.want || p.Discipline != tt.discipline {
				t.Errorf("duration %+v discipline %q, want %+v %q", p.Duration, p.Discipline, tt.want, tt.discipline)
			}
		})
	}
}

func TestParseTextTitle(t *testing.T) {
	tests := []struct {
		name, input string
		title       string
		from, to    string
		err         error
		field       string
	}{
		{"last to wins", "Move to Cloud Engineer to Senior Cloud Engineer\n\nSummary sentence that is long enough here.",
			"Move to Cloud Engineer to Senior Cloud Engineer", "Move to Cloud Engineer", "Senior Cloud Engineer", nil, ""},
		{"last split wins even when short", "Junior Engineer to Senior Engineer to Be\n\nSome summary here.",
			"Junior Engineer to Senior Engineer to Be", "Junior Engineer to Senior Engineer", "Be", nil, ""},
		{"abbreviations and parentheses", "Sr. Engineer (Platform) to Staff Engineer\n\nSome summary here.",
			"Sr. Engineer (Platform) to Staff Engineer", "Sr. Engineer (Platform)", "Staff Engineer", nil, ""},
		{"case changes byte length", "İİİİİİ Lead TO B\n\nSome summary here.",
			"İİİİİİ Lead TO B", "İİİİİİ Lead", "B", nil, ""},
		{"no title", "Just a summary sentence with no title at all.\n", "", "", "", ErrNoTitle, "title"},
		{"title without roles", "Platform Engineering Pathway\n\nA summary follows here.", "", "", "", nil, "title"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, _, err := Parse("notes.txt", []byte(tt.input))
			if tt.field != "" {
				var pe *Error
				if !errors.As(err, &pe) || pe.Field != tt.field {
					t.Fatalf("err = %v, want *Error on field %q", err, tt.field)
				}
				if tt.err != nil && !errors.Is(err, tt.err) {
					t.Errorf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p := ps[0]
			if p.Title != tt.title || p.From.Title != tt.from || p.To.Title != tt.to {
				t.Errorf("title %q from %q to %q", p.Title, p.From.Title, p.To.Title)
			}
		})
	}
}

func TestParseTextSourceURL(t *testing.T) {
	in := "https://www.raganmcgill.co.uk/learn/pathway-software-junior-to-intermediate\n" + string(readSeed(t))
	p, _ := parseOne(t, "saved.txt", []byte(in))
	if p.Source != "https://www.raganmcgill.co.uk/learn/pathway-software-junior-to-intermediate" {
		t.Errorf("Source = %q", p.Source)
	}
}

func TestTitleFromName(t *testing.T) {
	tests := []struct{ name, want string }{
		{"junior-software-engineer-to-intermediate-software-engineer.txt", "Junior Software Engineer to Intermediate Software Engineer"},
		{"dir/pathway-platform-intermediate-to-senior", "Platform Intermediate to Senior"},
		{"https://www.raganmcgill.co.uk/learn/pathway-software-junior-to-intermediate?x=1", "Software Junior to Intermediate"},
		{"notes.txt", ""},
		{"a to b.txt", ""},
		{"-to-.txt", ""},
	}
	for _, tt := range tests {
		got, ok := titleFromName(tt.name)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("titleFromName(%q) = %q, %v; want %q", tt.name, got, ok, tt.want)
		}
	}
}

// TestParseTextTruncated cuts both renderings of the seed at every
// character: parsing never panics, never invents content, and warns that
// the page is cut off.
func TestParseTextTruncated(t *testing.T) {
	seed := string(readSeed(t))
	for name, page := range map[string]string{"blank-line": seed, "compact": compact(seed, true, true)} {
		t.Run(name, func(t *testing.T) { checkTruncations(t, page) })
	}
}

func checkTruncations(t *testing.T, page string) {
	full := strings.TrimSpace(page)
	completeAt := strings.LastIndex(full, "Senior Platform Engineer") + len("Senior Platform Engineer")
	titleAt := strings.Index(full, "Intermediate Platform Engineer to Senior Platform Engineer")
	for cut := 0; cut < len(full); cut++ {
		if !utf8.RuneStart(full[cut]) {
			continue
		}
		in := full[:cut]
		ps, ws, err := Parse(seedName, []byte(in))
		if err != nil {
			if strings.TrimSpace(in) == "" || cut <= titleAt+len("Intermediate Platform Engineer to S") {
				continue // nothing or no role-like title yet
			}
			t.Errorf("cut at %d (%q): %v", cut, tail(in), err)
			continue
		}
		p := ps[0]
		if cut < completeAt && !hasWarning(ws, "cut off") {
			t.Errorf("cut at %d (%q): no cut-off warning", cut, tail(in))
		}
		if cutOff := hasWarning(ws, "cut off"); cutOff != (p.Incomplete != "") {
			t.Errorf("cut at %d (%q): cut-off warning %v but Incomplete %q", cut, tail(in), cutOff, p.Incomplete)
		}
		derived := hasWarning(ws, "derived from the source name")
		for _, s := range modelStrings(&p) {
			if derived && (s == p.Title || s == p.From.Title || s == p.To.Title) {
				continue
			}
			if !strings.Contains(in, s) {
				t.Errorf("cut at %d: invented %q", cut, s)
			}
		}
	}
}

func tail(s string) string {
	if len(s) > 40 {
		return "…" + s[len(s)-40:]
	}
	return s
}

func hasWarning(ws []Warning, substr string) bool {
	for _, w := range ws {
		if strings.Contains(w.Msg, substr) {
			return true
		}
	}
	return false
}

func TestParseBadInput(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  error
		line  int
	}{
		{"empty", "", ErrEmpty, 0},
		{"whitespace", " \n\r\n\t", ErrEmpty, 0},
		{"NUL", "title\nx\x00y", ErrBinary, 2},
		{"invalid UTF-8", "a\nb\nc\xff", ErrBinary, 3},
	}
	for _, tt := range tests {
		for _, ext := range []string{".txt", ".html", ".yaml", ""} {
			_, _, err := Parse("in"+ext, []byte(tt.input))
			var pe *Error
			if !errors.Is(err, tt.want) || !errors.As(err, &pe) || pe.Line != tt.line || pe.File != "in"+ext {
				t.Errorf("%s%s: err = %#v, want %v at line %d", tt.name, ext, err, tt.want, tt.line)
			}
		}
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		err  Error
		want string
	}{
		{Error{File: "x.yaml", Line: 12, Field: "focusAreas[1].titel", Msg: "unknown field"}, "x.yaml:12: focusAreas[1].titel: unknown field"},
		{Error{File: "x.yaml", Msg: "bad"}, "x.yaml: bad"},
		{Error{Field: "title", Msg: "required"}, "title: required"},
		{Error{Line: 3, Msg: "bad"}, "line 3: bad"},
		{Error{File: "x", Err: ErrEmpty}, "x: empty input"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}
