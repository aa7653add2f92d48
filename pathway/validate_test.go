package pathway

import (
	"errors"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(p *Pathway)
		fields []string // fields of the *Errors expected, in order
	}{
		{"valid", func(p *Pathway) {}, nil},
		{"wrong header", func(p *Pathway) { p.APIVersion, p.Kind = "v0", "" }, []string{"apiVersion", "kind"}},
		{"missing titles", func(p *Pathway) { p.Title, p.From.Title, p.To.Title = " ", "", "" }, []string{"title", "from.title", "to.title"}},
		{"multi-line title", func(p *Pathway) { p.Title = "A to\nB" }, []string{"title"}},
		{"control character", func(p *Pathway) { p.Discipline = "Platform\x1b[31m" }, []string{"discipline"}},
		{"backwards duration", func(p *Pathway) { p.Duration = Duration{MinMonths: 36, MaxMonths: 18} }, []string{"duration.maxMonths"}},
		{"negative duration", func(p *Pathway) { p.Duration.MinMonths = -1 }, []string{"duration.minMonths"}},
		{"untitled entries", func(p *Pathway) {
			p.FocusAreas = []FocusArea{{Title: "ok"}, {Text: "no title"}}
			p.Reading = []Book{{Authors: "x"}}
			p.Courses = []Course{{Provider: "y"}}
		}, []string{"focusAreas[1].title", "reading[0].title", "courses[0].title"}},
		{"bad urls", func(p *Pathway) {
			p.From.URL = "/relative"
			p.Archetypes = &Archetypes{Roles: []Role{{Title: "A", URL: "javascript:alert(1)"}}}
		}, []string{"from.url", "roleArchetypes.roles[0].url"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := minimal("")
			tt.edit(&p)
			err := p.Validate()
			var got []string
			if err != nil {
				for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
					var pe *Error
					if !errors.As(e, &pe) {
						t.Fatalf("%T is not *Error", e)
					}
					if pe.File != "x.yaml" {
						t.Errorf("File = %q, want the source", pe.File)
					}
					got = append(got, pe.Field)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.fields, " ") {
				t.Errorf("fields %v, want %v (%v)", got, tt.fields, err)
			}
		})
	}
}

func TestParseTextSections(t *testing.T) {
	const head = "A to B\n🕑 6 months X\nThe summary of this pathway is one sentence.\n"
	const tail = "📋 Role Archetypes\nIntro text.\n→ A Archetype → B Archetype\n"
	tests := []struct {
		name  string
		body  string
		check func(p *Pathway) bool
		warn  string
	}{
		{"unknown emoji section is skipped with a warning", "🧭 Mentors\nAsk Sam.\nAsk Kim.\n📚 Recommended Reading\nBook\nAuthor\nWhat it is about, in a sentence.\n",
			func(p *Pathway) bool { return len(p.Reading) == 1 && !strings.Contains(p.Summary, "Sam") }, `unknown section "🧭 Mentors": skipped`},
		{"focus text before any title goes to the summary", "🎯 Focus Areas\nAn intro sentence for the focus areas section.\nTopic\nWhy it matters, in a sentence.\n",
			func(p *Pathway) bool {
				return len(p.FocusAreas) == 1 && strings.HasSuffix(p.Summary, "\n\nAn intro sentence for the focus areas section.")
			}, "text before the first focus area title"},
		{"compact focus text ending in quotes or brackets", "Topic\nShe said \"ship it.\"\nOther Topic\nRead the guide (all of it.)\n",
			func(p *Pathway) bool {
				return len(p.FocusAreas) == 2 && p.FocusAreas[0].Text == `She said "ship it."` && p.FocusAreas[1].Title == "Other Topic"
			}, ""},
		{"book without authors", "📚 Recommended Reading\nBook One\nA description long enough to be prose here.\nBook Two\nSomeone\n",
			func(p *Pathway) bool {
				return len(p.Reading) == 2 && p.Reading[0].Authors == "" && p.Reading[0].Description != "" && p.Reading[1].Authors == "Someone"
			}, ""},
		{"AI literacy without theme", "AI Literacy for This Transition\n1\nFirst.\n2\nSecond.\n",
			func(p *Pathway) bool { return p.AILiteracy.Theme == "" && len(p.AILiteracy.Items) == 2 }, ""},
		{"projects that start with a number", "🛠 Hands-On Projects\n1 Ship it.\n2 3 teams adopt the tool.\n",
			func(p *Pathway) bool { return len(p.Projects) == 2 && p.Projects[1] == "3 teams adopt the tool." }, ""},
		{"bare number at the end is dropped", "🛠 Hands-On Projects\n1 Ship it.\n2\n",
			func(p *Pathway) bool { return len(p.Projects) == 1 }, "item number without text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := head + tt.body
			if !strings.Contains(tt.name, "at the end") {
				in += tail
			}
			p, ws := parseOne(t, "s.txt", []byte(in))
			if !tt.check(&p) {
				t.Errorf("unexpected model %+v", p)
			}
			if tt.warn != "" && !hasWarning(ws, tt.warn) {
				t.Errorf("warnings %v, want %q", ws, tt.warn)
			}
			if tt.warn == "" && len(ws) > 0 {
				t.Errorf("unexpected warnings %v", ws)
			}
		})
	}
}
