// Package pathway models a career learning pathway and imports it from the
// published page text, the published HTML page and the canonical YAML format.
//
// The model is plain data: every other package meets on these types.
package pathway

// APIVersion and Kind head every canonical YAML document.
const (
	APIVersion = "pathwaysync.dev/v1"
	Kind       = "Pathway"
)

// Pathway is one learning pathway: everything a pathway page carries.
// Empty optional sections are nil; list order is the order of the page.
type Pathway struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`

	// Title is the exact page title, e.g. "Intermediate Platform Engineer to
	// Senior Platform Engineer".
	Title string `json:"title"`
	// Name, when set, is the catalog entity name to publish the pathway
	// under instead of one derived from Title (canonical YAML `name:`).
	Name string `json:"name,omitempty"`
	// From and To are the role archetypes at both ends of the pathway.
	From Role `json:"from"`
	To   Role `json:"to"`
	// Duration is how long the transition takes.
	Duration Duration `json:"duration,omitempty"`
	// Discipline is e.g. "Platform Engineering".
	Discipline string `json:"discipline,omitempty"`
	// Summary is the one-paragraph description under the title.
	Summary string `json:"summary,omitempty"`

	FocusAreas []FocusArea `json:"focusAreas,omitempty"`
	Skills     []string    `json:"skills,omitempty"`
	Behaviours []string    `json:"behaviours,omitempty"`
	// Projects are the hands-on projects, in their numbered order.
	Projects   []string    `json:"projects,omitempty"`
	AILiteracy *AILiteracy `json:"aiLiteracy,omitempty"`
	Reading    []Book      `json:"reading,omitempty"`
	Courses    []Course    `json:"courses,omitempty"`
	// Archetypes is the closing "Role Archetypes" section.
	Archetypes *Archetypes `json:"roleArchetypes,omitempty"`

	// Source is where the pathway came from: the page URL when known,
	// otherwise the file name as the caller gave it.
	Source string `json:"source,omitempty"`
	// Incomplete, when not empty, says the source was cut off: it is the
	// section the page stops in ("Recommended reading"), as the importer's
	// cut-off warning names it.
	Incomplete string `json:"incomplete,omitempty"`
}

// Role is a role archetype: a title and, when known, its page.
//
// For From and To, Title is the role's identity: the name the page title
// gives it. URL is its archetype page, taken from the Role Archetypes link
// of that role, and Archetype is the name that link gives the role when it
// differs from Title ("Staff Data Engineer" for the title's "Staff Data
// Engineer & Tech Lead"); empty when they agree or no link was matched.
type Role struct {
	Title     string `json:"title"`
	URL       string `json:"url,omitempty"`
	Archetype string `json:"archetype,omitempty"`
}

// Duration is a range in months; Text keeps the original wording ("18-36 months").
type Duration struct {
	MinMonths int    `json:"minMonths,omitempty"`
	MaxMonths int    `json:"maxMonths,omitempty"`
	Text      string `json:"text,omitempty"`
}

// IsZero reports whether no duration was given.
func (d Duration) IsZero() bool { return d == Duration{} }

// FocusArea is one titled paragraph of the "Focus Areas" section.
type FocusArea struct {
	Title string `json:"title"`
	Text  string `json:"text,omitempty"`
}

// AILiteracy is the "AI Literacy for This Transition" section: a theme line
// and ordered items.
type AILiteracy struct {
	Theme string   `json:"theme,omitempty"`
	Items []string `json:"items,omitempty"`
}

// Book is one recommended reading entry.
type Book struct {
	Title       string `json:"title"`
	Authors     string `json:"authors,omitempty"`
	Description string `json:"description,omitempty"`
}

// Course is one "Courses & Resources" entry.
type Course struct {
	Title       string `json:"title"`
	Provider    string `json:"provider,omitempty"`
	Description string `json:"description,omitempty"`
}

// Archetypes is the "Role Archetypes" section: its introduction and the
// archetype links it lists (usually the from-role and the to-role).
type Archetypes struct {
	Intro string `json:"intro,omitempty"`
	Roles []Role `json:"roles,omitempty"`
}
