package manifest_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pathwaysync/pathwaysync/manifest"
	"github.com/pathwaysync/pathwaysync/pathway"
)

// refFingerprint and refForPathway are the original implementations the
// fast ones must match.
func refFingerprint(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s;", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

func refForPathway(name string, p *pathway.Pathway) manifest.Pathway {
	s := map[string][]string{}
	add := func(section string, parts ...string) {
		s[section] = append(s[section], refFingerprint(parts...))
	}
	if !p.Duration.IsZero() {
		add("Duration", p.Duration.Text, fmt.Sprint(p.Duration.MinMonths, p.Duration.MaxMonths))
	}
	if p.Discipline != "" {
		add("Discipline", p.Discipline)
	}
	for _, f := range p.FocusAreas {
		add("Focus areas", f.Title, f.Text)
	}
	for _, v := range p.Skills {
		add("Skills", v)
	}
	for _, v := range p.Behaviours {
		add("Behaviours", v)
	}
	for _, v := range p.Projects {
		add("Projects", v)
	}
	if p.AILiteracy != nil {
		if p.AILiteracy.Theme != "" {
			add("AI literacy", "theme", p.AILiteracy.Theme)
		}
		for _, v := range p.AILiteracy.Items {
			add("AI literacy", v)
		}
	}
	for _, b := range p.Reading {
		add("Reading", b.Title, b.Authors, b.Description)
	}
	for _, c := range p.Courses {
		add("Courses", c.Title, c.Provider, c.Description)
	}
	add("Role archetypes", "from", p.From.Title, p.From.URL)
	add("Role archetypes", "to", p.To.Title, p.To.URL)
	if p.Archetypes != nil {
		add("Role archetypes", "intro", p.Archetypes.Intro)
		for _, r := range p.Archetypes.Roles {
			add("Role archetypes", r.Title, r.URL)
		}
	}
	mp := manifest.Pathway{Name: name, Title: p.Title, Sections: s}
	if p.Summary != "" {
		mp.Summary = refFingerprint(p.Summary)
	}
	return mp
}

// full fills every part of a pathway, with text that JSON must escape.
func full() *pathway.Pathway {
	p := seed()
	p.Title = `Q "quoted" <b>&amp; ünïcode` + "\u2028\x01"
	p.Duration = pathway.Duration{MinMonths: 6, MaxMonths: 12, Text: "6-12 months"}
	p.FocusAreas = []pathway.FocusArea{{Title: "F", Text: "t"}, {Title: "G"}}
	p.AILiteracy = &pathway.AILiteracy{Theme: "th", Items: []string{"i1", ""}}
	p.Reading = []pathway.Book{{Title: "B", Authors: "A", Description: "D"}}
	p.Courses = []pathway.Course{{Title: "C", Provider: "P", Description: "D"}}
	p.Archetypes = &pathway.Archetypes{Intro: "in", Roles: []pathway.Role{{Title: "R", URL: "https://x/r"}}}
	p.From.URL = "https://x/from"
	p.Source = `pathways/q "<&>".txt` + "\u2029"
	return p
}

func TestFingerprintMatchesReference(t *testing.T) {
	for _, parts := range [][]string{nil, {""}, {"a"}, {"a", "b"}, {"12:x;", "ü"}, {string(make([]byte, 1000))}} {
		if got, want := manifest.Fingerprint(parts...), refFingerprint(parts...); got != want {
			t.Errorf("Fingerprint(%q) = %s, want %s", parts, got, want)
		}
	}
}

func TestForPathwayMatchesReference(t *testing.T) {
	empty := &pathway.Pathway{Title: "E"}
	for name, p := range map[string]*pathway.Pathway{"seed": seed(), "full": full(), "empty": empty} {
		if got, want := manifest.ForPathway(name, p), refForPathway(name, p); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: ForPathway = %+v, want %+v", name, got, want)
		}
	}
}

func largeFiles(n int) []string {
	files := make([]string, n)
	for i := range files {
		files[i] = fmt.Sprintf("pathways/p-%05d/docs/page.md", n-i)
	}
	return files
}

func largePathways(n int) map[string]*pathway.Pathway {
	ps := make(map[string]*pathway.Pathway, n)
	for i := range n {
		p := full()
		p.Title = fmt.Sprintf("Pathway %d", i)
		ps[fmt.Sprintf("p-%05d", i)] = p
	}
	return ps
}

// compacts is the pathways of cs expanded, in Name order.
func compacts(cs []manifest.Compact) iter.Seq[manifest.Pathway] {
	if cs == nil {
		return nil
	}
	slices.SortFunc(cs, func(a, b manifest.Compact) int { return strings.Compare(a.Name, b.Name) })
	return func(yield func(manifest.Pathway) bool) {
		for i := range cs {
			if !yield(cs[i].Expand()) {
				return
			}
		}
	}
}

// TestWriteError: the first write error is returned.
func TestWriteError(t *testing.T) {
	ps := largePathways(200)
	var cs []manifest.Compact
	for name, p := range ps {
		cs = append(cs, manifest.CompactFor(name, p))
	}
	for _, limit := range []int{0, 100, 70 << 10} {
		w := &limitWriter{left: limit}
		files := largeFiles(3000)
		slices.Sort(files)
		err := manifest.Write(w, files, compacts(cs), manifest.Names{})
		if !errors.Is(err, errDiskFull) {
			t.Errorf("limit %d: err = %v, want errDiskFull", limit, err)
		}
	}
}

var errDiskFull = errors.New("disk full")

// limitWriter takes left bytes, then fails.
type limitWriter struct{ left int }

func (w *limitWriter) Write(p []byte) (int, error) {
	if len(p) > w.left {
		n := w.left
		w.left = 0
		return n, errDiskFull
	}
	w.left -= len(p)
	return len(p), nil
}

// TestWriteMatchesEncodingJSON proves the streaming writer, and Marshal,
// give json.MarshalIndent's bytes for the whole manifest.
func TestWriteMatchesEncodingJSON(t *testing.T) {
	noSummary := seed()
	noSummary.Summary = ""
	tests := []struct {
		name  string
		files []string
		ps    map[string]*pathway.Pathway
		names manifest.Names
	}{
		{"nil", nil, nil, manifest.Names{}},
		{"empty", []string{}, map[string]*pathway.Pathway{}, manifest.Names{}},
		{"one", []string{"b", "a/x.md"}, map[string]*pathway.Pathway{"p": seed()}, manifest.Names{}},
		{"many", []string{"z", `we"ird<&>` + "\x7f\u00e9\u2029", "a"}, map[string]*pathway.Pathway{
			"b": full(), "a": seed(), "c\"<": noSummary, "d": {Title: "E"}},
			manifest.Names{Roles: map[string]string{"Senior \"Q\" <&>": "senior-q", "A": "a", "a": "a-1"}, Systems: map[string]string{"Ünï": "uni"}}},
		{"empty names", nil, nil, manifest.Names{Roles: map[string]string{}}},
		{"several windows", largeFiles(5000), largePathways(1100), manifest.Names{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := manifest.Manifest{Generator: manifest.Generator, Version: manifest.Version, Roles: tc.names.Roles, Systems: tc.names.Systems}
			var cs []manifest.Compact
			if tc.ps != nil {
				m.Pathways, cs = []manifest.Pathway{}, []manifest.Compact{}
			}
			for name, p := range tc.ps {
				mp, c := manifest.ForPathway(name, p), manifest.CompactFor(name, p)
				mp.Source, c.Source = p.Source, p.Source
				m.Pathways = append(m.Pathways, mp)
				cs = append(cs, c)
			}
			m.Files = slices.Clone(tc.files)
			slices.Sort(m.Files)
			slices.SortFunc(m.Pathways, func(a, b manifest.Pathway) int { return strings.Compare(a.Name, b.Name) })
			want, err := json.MarshalIndent(&m, "", " ")
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, '\n')
			var got bytes.Buffer
			if err := manifest.Write(&got, m.Files, compacts(cs), tc.names); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("Write:\n%s\nwant (encoding/json):\n%s", got.Bytes(), want)
			}
			m.Files = slices.Clone(tc.files)
			if b, err := m.Marshal(); err != nil || !bytes.Equal(b, want) {
				t.Errorf("Marshal:\n%s (%v)\nwant (encoding/json):\n%s", b, err, want)
			}
			for i := range cs {
				want := refForPathway(cs[i].Name, tc.ps[cs[i].Name])
				want.Source = tc.ps[cs[i].Name].Source
				if got := cs[i].Expand(); !reflect.DeepEqual(got, want) {
					t.Errorf("Expand(%s) = %+v", cs[i].Name, got)
				}
			}
		})
	}
}

func TestCheckHeader(t *testing.T) {
	m := manifest.Manifest{Generator: manifest.Generator, Version: manifest.Version, Files: []string{"a"}}
	good, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{string(good), true},
		{`{"files":["x"],"version":1,"generator":"pathwaysync"}`, true},
		{`{"generator":"pathwaysync","version":1,"files":[` + "\x00", true}, // header read, rest not
		{`{"generator":"other","version":1}`, false},
		{`{"generator":"pathwaysync","version":2}`, true},
		{`{"generator":"pathwaysync","version":3}`, true},
		{`{"generator":"pathwaysync","version":4}`, false},
		{`{"generator":"pathwaysync","version":0}`, false},
		{`{"generator":"pathwaysync"}`, false},
		{`{}`, false},
		{`[]`, false},
		{``, false},
		{`not json`, false},
		{`{"generator":7,"version":1}`, false},
	} {
		err := manifest.CheckHeader(strings.NewReader(tc.in))
		if (err == nil) != tc.ok {
			t.Errorf("CheckHeader(%q) = %v, want ok %v", tc.in, err, tc.ok)
		}
		if tc.ok {
			continue
		}
		if _, perr := manifest.Parse([]byte(tc.in)); perr == nil {
			t.Errorf("Parse accepts %q that CheckHeader refuses", tc.in)
		}
	}
}

// BenchmarkWrite is the manifest of a 10k-pathway tree: 110k paths and
// 10k pathways expanded from Compact and encoded.
func BenchmarkWrite(b *testing.B) {
	files := largeFiles(110000)
	slices.Sort(files)
	var cs []manifest.Compact
	for name, p := range largePathways(10000) {
		cs = append(cs, manifest.CompactFor(name, p))
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := manifest.Write(io.Discard, files, compacts(cs), manifest.Names{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMarshalOtherSections: a parsed manifest may name sections this
// version does not know; they are written in encoding/json's order too.
func TestMarshalOtherSections(t *testing.T) {
	m := manifest.Manifest{Generator: manifest.Generator, Version: manifest.Version, Files: []string{},
		Pathways: []manifest.Pathway{{Name: "p", Title: "<P>", Sections: map[string][]string{
			"Zeta": {"1"}, "Skills": {"2", "3"}, "AI": {}, "Ä": nil}}, {Name: "a", Sections: map[string][]string{}}}}
	got, err := m.Marshal() // sorts the pathways, then the reference sees them sorted
	if err != nil {
		t.Fatal(err)
	}
	want, err := json.MarshalIndent(&m, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	if want = append(want, '\n'); !bytes.Equal(got, want) {
		t.Errorf("Marshal:\n%s\nwant (encoding/json):\n%s", got, want)
	}
}
