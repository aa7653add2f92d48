package daemon

import (
	"fmt"
	"strings"
)

// filter is the catalog's filter query: any of (all of statements).
type filter [][]statement

// statement matches entities having key (values == nil) or having key with
// one of values (lowercased).
type statement struct {
	key    string
	values []string
}

// inputError is a 400 in the catalog's words.
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

func inputErrorf(format string, a ...any) error { return &inputError{msg: fmt.Sprintf(format, a...)} }

// parseFilter reads filter parameters as the catalog does: each parameter
// is an alternative; within one, comma-separated statements must all hold;
// repeated keys within one parameter are alternatives for that key.
func parseFilter(params []string) (filter, error) {
	var f filter
	for _, p := range params {
		var inner []statement
		index := map[string]int{}
		for _, st := range strings.Split(p, ",") {
			st = strings.TrimSpace(st)
			if st == "" {
				continue
			}
			key, value, hasValue := strings.Cut(st, "=")
			key = strings.TrimSpace(key)
			if key == "" {
				return nil, inputErrorf("Invalid filter, '%s' is not a valid statement (expected a string on the form a=b or a= or a)", st)
			}
			lk := strings.ToLower(key)
			i, ok := index[lk]
			if !ok {
				i = len(inner)
				index[lk] = i
				inner = append(inner, statement{key: lk})
			}
			if hasValue {
				inner[i].values = append(inner[i].values, strings.ToLower(strings.TrimSpace(value)))
			}
		}
		if len(inner) > 0 {
			f = append(f, inner)
		}
	}
	return f, nil
}

// match reports whether the entity satisfies f (an empty filter matches all).
func (f filter) match(e *served) bool {
	if len(f) == 0 {
		return true
	}
	for _, all := range f {
		ok := true
		for _, st := range all {
			if !st.match(e) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func (st statement) match(e *served) bool {
	for i := range e.rows {
		r := &e.rows[i]
		if r.key != st.key {
			continue
		}
		if st.values == nil {
			return true
		}
		if r.null {
			continue
		}
		for _, v := range st.values {
			if r.val == v {
				return true
			}
		}
	}
	return false
}

// value returns the entity's first non-null lowercased value for key.
func (e *served) value(key string) (string, bool) {
	best, found := "", false
	for i := range e.rows {
		r := &e.rows[i]
		if r.key == key && !r.null && (!found || r.val < best) {
			best, found = r.val, true
		}
	}
	return best, found
}
