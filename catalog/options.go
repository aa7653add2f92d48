package catalog

import "strings"

// OptionError is an invalid field of a library's options (the exporter's,
// githubsync's): Field is its name there ("Commit.AuthorEmail" for a
// nested one), Msg what is wrong with it, quoting the value only when it
// cannot hold a credential. A caller names its own setting for the field.
type OptionError struct {
	Field string
	Msg   string
}

// Error is "field: msg", the field's first letter lowercased
// ("namespace: ...").
func (e *OptionError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return strings.ToLower(e.Field[:1]) + e.Field[1:] + ": " + e.Msg
}
