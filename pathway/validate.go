package pathway

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// Validate reports whether p is a complete pathway: apiVersion and kind set
// to APIVersion and Kind, a title, from and to role titles, titled list
// entries, single-line titles, a sane duration and absolute http(s) role
// URLs. The error joins one *Error per problem (File is p.Source).
func (p *Pathway) Validate() error {
	return p.validate(p.Source)
}

func (p *Pathway) validate(file string) error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, &Error{File: file, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if p.APIVersion != APIVersion {
		add("apiVersion", "must be %q, got %q", APIVersion, p.APIVersion)
	}
	if p.Kind != Kind {
		add("kind", "must be %q, got %q", Kind, p.Kind)
	}
	required := func(field, v string) {
		if strings.TrimSpace(v) == "" {
			add(field, "required")
			return
		}
		singleLine(add, field, v)
	}
	required("title", p.Title)
	required("from.title", p.From.Title)
	required("to.title", p.To.Title)
	checkURL(add, "from.url", p.From.URL)
	checkURL(add, "to.url", p.To.URL)
	singleLine(add, "from.archetype", p.From.Archetype)
	singleLine(add, "to.archetype", p.To.Archetype)
	singleLine(add, "discipline", p.Discipline)
	singleLine(add, "duration.text", p.Duration.Text)
	d := p.Duration
	if d.MinMonths < 0 {
		add("duration.minMonths", "must not be negative")
	}
	if d.MaxMonths < 0 {
		add("duration.maxMonths", "must not be negative")
	}
	if d.MaxMonths > 0 && d.MinMonths > d.MaxMonths {
		add("duration.maxMonths", "must not be less than minMonths (%d)", d.MinMonths)
	}
	// List entries name their field only when they fail: most pass.
	requiredItem := func(list string, i int, v string) {
		if strings.TrimSpace(v) == "" || !isSingleLine(v) {
			required(fmt.Sprintf("%s[%d].title", list, i), v)
		}
	}
	for i, f := range p.FocusAreas {
		requiredItem("focusAreas", i, f.Title)
	}
	for i, b := range p.Reading {
		requiredItem("reading", i, b.Title)
	}
	for i, c := range p.Courses {
		requiredItem("courses", i, c.Title)
	}
	if p.Archetypes != nil {
		for i, r := range p.Archetypes.Roles {
			requiredItem("roleArchetypes.roles", i, r.Title)
			if r.URL != "" && !isAbsHTTP(r.URL) {
				checkURL(add, fmt.Sprintf("roleArchetypes.roles[%d].url", i), r.URL)
			}
		}
	}
	return errors.Join(errs...)
}

// singleLine flags values holding line breaks or other control characters.
func singleLine(add func(field, format string, args ...any), field, v string) {
	if !isSingleLine(v) {
		add(field, "must be a single line without control characters")
	}
}

// isSingleLine reports whether v holds no line break or other control character.
func isSingleLine(v string) bool {
	for _, r := range v {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// checkURL flags a non-empty URL that is not absolute http(s).
func checkURL(add func(field, format string, args ...any), field, v string) {
	if v == "" {
		return
	}
	if !isAbsHTTP(v) {
		add(field, "must be an absolute http(s) URL")
	}
}

// isAbsHTTP reports whether s parses as an absolute http or https URL with a host.
func isAbsHTTP(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return false
	}
	return u.Scheme == "http" || u.Scheme == "https"
}
