package catalogapi

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

// compiled is a filter resolved against one API's string table.
type compiled struct {
	all  bool // empty filter: everything matches
	alts [][]cstatement
}

type cstatement struct {
	key    uint32
	exists bool     // key only
	values []uint32 // known values; none known = cannot match
}

// compile resolves f's keys and values to ids of t.
func (f filter) compile(t *strTable) compiled {
	if len(f) == 0 {
		return compiled{all: true}
	}
	var c compiled
	for _, inner := range f {
		var alt []cstatement
		possible := true
		for _, st := range inner {
			key, ok := t.lookup(st.key)
			if !ok {
				possible = false
				break
			}
			cs := cstatement{key: key, exists: st.values == nil}
			for _, v := range st.values {
				if id, ok := t.lookup(v); ok {
					cs.values = append(cs.values, id)
				}
			}
			if !cs.exists && len(cs.values) == 0 {
				possible = false
				break
			}
			alt = append(alt, cs)
		}
		if possible {
			c.alts = append(c.alts, alt)
		}
	}
	return c
}

// match reports whether the entity satisfies the filter.
func (c compiled) match(e *served) bool {
	if c.all {
		return true
	}
	for _, alt := range c.alts {
		ok := true
		for _, st := range alt {
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

func (st cstatement) match(e *served) bool {
	for _, r := range e.rows {
		if r.key != st.key {
			continue
		}
		if st.exists {
			return true
		}
		for _, v := range st.values {
			if r.val == v {
				return true
			}
		}
	}
	return false
}

// value returns the entity's smallest non-null lowercased value for key.
func (s *API) value(e *served, key string) (string, bool) {
	id, ok := s.table.lookup(key)
	if !ok {
		return "", false
	}
	best, found := "", false
	for _, r := range e.rows {
		if r.key == id && r.val != nullID {
			if v := s.table.str(r.val); !found || v < best {
				best, found = v, true
			}
		}
	}
	return best, found
}
