package exporter

import (
	"encoding"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// jsonTree returns what json.Unmarshal into an any gives for the JSON
// encoding of v (arrays as []any, numbers as float64), with whole numbers
// turned into int64 as intify does — without writing or reading JSON —
// except that objects are yamlMaps, their members already in the order
// yaml.v2 writes them (plainTree gives the decoded form). ok is false for
// anything it does not model (a json or text marshaler, float32, embedded
// or ",string" fields, non-string map keys, []byte, NaN); the caller then
// takes the JSON round trip.
func jsonTree(v reflect.Value) (tree any, ok bool) {
	switch v.Kind() {
	case reflect.Invalid:
		return nil, true
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil, true
		}
		if v.Kind() == reflect.Pointer && marshaler(v.Type()) {
			return nil, false
		}
		return jsonTree(v.Elem())
	}
	if marshaler(v.Type()) {
		return nil, false
	}
	switch v.Kind() {
	case reflect.String:
		return validString(v.String()), true
	case reflect.Bool:
		return v.Bool(), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return number(float64(v.Int())), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return number(float64(v.Uint())), true
	case reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, false
		}
		return number(f), true
	case reflect.Slice:
		if v.IsNil() {
			return nil, true
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil, false
		}
		fallthrough
	case reflect.Array:
		out := make([]any, v.Len())
		for i := range out {
			if out[i], ok = jsonTree(v.Index(i)); !ok {
				return nil, false
			}
		}
		return out, true
	case reflect.Map:
		if v.IsNil() {
			return nil, true
		}
		if v.Type().Key().Kind() != reflect.String {
			return nil, false
		}
		out := make(yamlMap, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			e, ok := jsonTree(it.Value())
			if !ok {
				return nil, false
			}
			out = append(out, yamlPair{key: it.Key().String(), value: e})
		}
		return sortMembers(out), true
	case reflect.Struct:
		fields, ok := structFields(v.Type())
		if !ok {
			return nil, false
		}
		out := make(yamlMap, 0, len(fields))
		for _, f := range fields { // in yaml.v2's key order
			fv := v.Field(f.index)
			if f.omitEmpty && emptyValue(fv) {
				continue
			}
			e, ok := jsonTree(fv)
			if !ok {
				return nil, false
			}
			out = append(out, yamlPair{key: f.name, value: e})
		}
		return out, true
	}
	return nil, false
}

// yamlMap is a JSON object as jsonTree builds it: its members with unique
// keys, in the order yaml.v2 writes a map's keys (yamlKeyCompare).
type yamlMap []yamlPair

type yamlPair struct {
	key   string
	value any
}

// sortMembers turns a Go map's members (raw keys, any order) into the
// yamlMap that the JSON round trip gives: encoding/json writes them sorted
// by raw key with invalid UTF-8 replaced, and decoding keeps the last of
// the keys that became equal.
func sortMembers(m yamlMap) yamlMap {
	slices.SortFunc(m, func(a, b yamlPair) int { return strings.Compare(a.key, b.key) })
	for i := range m {
		m[i].key = validString(m[i].key)
	}
	slices.SortStableFunc(m, func(a, b yamlPair) int { return yamlKeyCompare(a.key, b.key) })
	out := m[:0]
	for i, p := range m {
		if i+1 < len(m) && m[i+1].key == p.key {
			continue // a later member with the same key wins
		}
		out = append(out, p)
	}
	return out
}

// toYAMLMap orders the members of m as yaml.v2 writes them, keys as they are.
func toYAMLMap(m map[string]any) yamlMap {
	out := make(yamlMap, 0, len(m))
	for k, v := range m {
		out = append(out, yamlPair{key: k, value: v})
	}
	slices.SortFunc(out, func(a, b yamlPair) int { return yamlKeyCompare(a.key, b.key) })
	return out
}

// plainTree turns the yamlMaps of a jsonTree result into map[string]any:
// the tree as json.Unmarshal (and yaml.v2) know it.
func plainTree(tree any) any {
	switch x := tree.(type) {
	case yamlMap:
		m := make(map[string]any, len(x))
		for _, p := range x {
			m[p.key] = plainTree(p.value)
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, v := range x {
			out[i] = plainTree(v)
		}
		return out
	}
	return tree
}

// number is a decoded JSON number after intify.
func number(f float64) any {
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return int64(f)
	}
	return f
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// marshaler reports whether encoding/json would call a method of t's.
func marshaler(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return t.Implements(jsonMarshaler) || t.Implements(textMarshaler) ||
		pt.Implements(jsonMarshaler) || pt.Implements(textMarshaler)
}

// validString replaces each byte of invalid UTF-8 with U+FFFD, as
// encoding/json writes it.
func validString(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// emptyValue is encoding/json's omitempty test.
func emptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

type jsonField struct {
	name      string
	index     int
	omitEmpty bool
}

type fieldList struct {
	fields []jsonField
	ok     bool
}

var fieldCache sync.Map // reflect.Type → fieldList

// structFields lists the JSON fields of struct type t in yaml.v2's key
// order; ok is false for a struct that jsonTree does not model.
func structFields(t reflect.Type) ([]jsonField, bool) {
	if c, found := fieldCache.Load(t); found {
		fl := c.(fieldList)
		return fl.fields, fl.ok
	}
	fl := fieldList{ok: true}
	seen := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if sf.Anonymous {
			fl.ok = false
			break
		}
		if !sf.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = sf.Name
		}
		f := jsonField{name: name, index: i}
		for _, o := range strings.Split(opts, ",") {
			switch o {
			case "omitempty":
				f.omitEmpty = true
			case "":
			default: // ",string", ",omitzero" and future options
				fl.ok = false
			}
		}
		if sf.Type.Kind() == reflect.Float32 || seen[name] || !validTagName(name) {
			fl.ok = false
		}
		seen[name] = true
		fl.fields = append(fl.fields, f)
	}
	slices.SortFunc(fl.fields, func(a, b jsonField) int { return yamlKeyCompare(a.name, b.name) })
	fieldCache.Store(t, fl)
	return fl.fields, fl.ok
}

// validTagName accepts the plain names our types use; anything else is
// left to encoding/json.
func validTagName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return s != ""
}
