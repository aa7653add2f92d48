package pathway

// Texts returns every text value of p in page order: title, role titles
// (each followed by its archetype name when it differs),
// duration, discipline, summary, then each section's items and the
// archetype titles. Empty values are left out; URLs and Source are not
// text and are not listed.
func (p *Pathway) Texts() []string {
	var out []string
	add := func(ss ...string) {
		for _, s := range ss {
			if s != "" {
				out = append(out, s)
			}
		}
	}
	add(p.Title, p.From.Title, p.From.Archetype, p.To.Title, p.To.Archetype, p.Duration.Text, p.Discipline, p.Summary)
	for _, f := range p.FocusAreas {
		add(f.Title, f.Text)
	}
	add(p.Skills...)
	add(p.Behaviours...)
	add(p.Projects...)
	if p.AILiteracy != nil {
		add(p.AILiteracy.Theme)
		add(p.AILiteracy.Items...)
	}
	for _, b := range p.Reading {
		add(b.Title, b.Authors, b.Description)
	}
	for _, c := range p.Courses {
		add(c.Title, c.Provider, c.Description)
	}
	if p.Archetypes != nil {
		add(p.Archetypes.Intro)
		for _, r := range p.Archetypes.Roles {
			add(r.Title)
		}
	}
	return out
}
