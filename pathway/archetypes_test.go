package pathway

import (
	"strings"
	"testing"
)

// TestArchetypeLinksNamingOtherRoles: a whole page whose archetype links
// name its roles differently from the title is not reported cut off; the
// warning says what is true, the roles keep the title's names as their
// identity, and each carries its link's name and page.
func TestArchetypeLinksNamingOtherRoles(t *testing.T) {
	const title = "Senior Data Engineer to Staff Data Engineer & Tech Lead"
	const head = title + "\n🕑 12-24 months Data Engineering\nA summary sentence of several plain words.\n📋 Role Archetypes\nReview both roles.\n"
	const htmlHead = "<h1>" + title + "</h1><p>A summary sentence of several plain words.</p><h2>Role Archetypes</h2><p>Review both roles.</p>"
	tests := []struct {
		name, file, page string
		from, to         Role
		warn, noWarn     string
	}{
		{"text, other names", "p.txt", head + "→ Senior Data Engineer Archetype → Staff Data Engineer Archetype\n",
			Role{Title: "Senior Data Engineer"}, Role{Title: "Staff Data Engineer & Tech Lead", Archetype: "Staff Data Engineer"},
			`role archetype links name roles other than the title: "Staff Data Engineer" for "Staff Data Engineer & Tech Lead"`, "cut off"},
		{"html, other names", "p.html", htmlHead + `<p><a href="https://h/senior">→ Senior Data Engineer Archetype</a> <a href="https://h/staff">→ Staff Data Engineer Archetype</a></p>`,
			Role{Title: "Senior Data Engineer", URL: "https://h/senior"}, Role{Title: "Staff Data Engineer & Tech Lead", URL: "https://h/staff", Archetype: "Staff Data Engineer"},
			"name roles other than the title", "cut off"},
		{"html, anchors without suffix", "p.html", htmlHead + `<p><a href="https://h/a">Lead Data Engineer</a> <a href="https://h/b">Staff Engineer</a></p>`,
			Role{Title: "Senior Data Engineer", URL: "https://h/a", Archetype: "Lead Data Engineer"}, Role{Title: "Staff Data Engineer & Tech Lead", URL: "https://h/b", Archetype: "Staff Engineer"},
			`"Lead Data Engineer" for "Senior Data Engineer", "Staff Engineer" for`, "cut off"},
		{"same names", "p.txt", head + "→ Senior Data Engineer Archetype → Staff Data Engineer & Tech Lead Archetype\n",
			Role{Title: "Senior Data Engineer"}, Role{Title: "Staff Data Engineer & Tech Lead"},
			"", "name roles"},
		{"cut in the last link", "p.txt", head + "→ Senior Data Engineer Archetype → Staff Data Eng",
			Role{Title: "Senior Data Engineer"}, Role{Title: "Staff Data Engineer & Tech Lead"},
			"page appears cut off", "name roles"},
		{"cut in the suffix", "p.txt", head + "→ Senior Data Engineer Archetype → Staff Data Engineer & Tech Lead Arch",
			Role{Title: "Senior Data Engineer"}, Role{Title: "Staff Data Engineer & Tech Lead"},
			"page appears cut off", "name roles"},
		{"one link", "p.txt", head + "→ Senior Data Engineer Archetype\n",
			Role{Title: "Senior Data Engineer"}, Role{Title: "Staff Data Engineer & Tech Lead"},
			"page appears cut off", "name roles"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, ws := parseOne(t, tt.file, []byte(tt.page))
			if p.From != tt.from || p.To != tt.to {
				t.Errorf("from %+v to %+v, want %+v and %+v", p.From, p.To, tt.from, tt.to)
			}
			if tt.warn != "" && !hasWarning(ws, tt.warn) {
				t.Errorf("no warning %q in %v", tt.warn, ws)
			}
			if hasWarning(ws, tt.noWarn) {
				t.Errorf("warning %q in %v", tt.noWarn, ws)
			}
			for _, w := range ws {
				if strings.Contains(w.Msg, "name roles") && w.Line == 0 && tt.file == "p.txt" {
					t.Errorf("warning without a line: %v", w)
				}
			}
			out, err := MarshalYAML(&p)
			if err != nil {
				t.Fatal(err)
			}
			back, _, err := Parse("back.yaml", out)
			if err != nil || back[0].To != p.To || back[0].From != p.From {
				t.Errorf("YAML round trip: %v\n%s", err, out)
			}
		})
	}
}
