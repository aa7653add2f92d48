package config

import (
	"net/url"
	"reflect"
	"strings"
	"time"
)

// Map returns c as nested maps keyed like the configuration file, with
// durations as strings ("30s"): what `pathwaysync config print` shows.
// Credentials inside URL values (user information, secret-looking query
// parameters) are always replaced by "REDACTED"; call it on Redacted() to
// hide the secret keys too.
func (c *Config) Map() map[string]any {
	return toMap(reflect.ValueOf(*c))
}

func toMap(v reflect.Value) map[string]any {
	out := map[string]any{}
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		key := t.Field(i).Tag.Get("mapstructure")
		f := v.Field(i)
		switch {
		case f.Type() == reflect.TypeOf(time.Duration(0)):
			out[key] = time.Duration(f.Int()).String()
		case f.Kind() == reflect.Struct:
			out[key] = toMap(f)
		case f.Kind() == reflect.Slice && f.Len() == 0:
			out[key] = []string{}
		case f.Kind() == reflect.String:
			out[key] = RedactURL(f.String())
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
			ss := make([]string, f.Len())
			for j := range ss {
				ss[j] = RedactURL(f.Index(j).String())
			}
			out[key] = ss
		default:
			out[key] = f.Interface()
		}
	}
	return out
}

// secretParams are substrings of query parameter names whose values
// RedactURL hides.
var secretParams = []string{"token", "secret", "key", "password", "passwd", "sig", "auth", "credential"}

// RedactURL returns s with the credentials of a URL replaced by
// "REDACTED": the whole user information ("https://x:TOKEN@host/" and
// "https://TOKEN@host/" both become "https://REDACTED@host/") and the
// values of query parameters whose names look secret. Anything that is
// not a URL with a scheme and host comes back unchanged.
func RedactURL(s string) string {
	i := strings.Index(s, "://")
	if i <= 0 {
		return s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		// Unparseable: hide everything between "://" and the last "@" of
		// the authority.
		rest := s[i+3:]
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		if at := strings.LastIndexByte(rest[:end], '@'); at >= 0 {
			return s[:i+3] + "REDACTED" + rest[at:]
		}
		return s
	}
	changed := false
	if u.User != nil {
		u.User = url.User("REDACTED")
		changed = true
	}
	if u.RawQuery != "" {
		q := strings.Split(u.RawQuery, "&")
		for j, part := range q {
			name, _, hasValue := strings.Cut(part, "=")
			lower := strings.ToLower(name)
			for _, p := range secretParams {
				if hasValue && strings.Contains(lower, p) {
					q[j] = name + "=REDACTED"
					changed = true
					break
				}
			}
		}
		u.RawQuery = strings.Join(q, "&")
	}
	if !changed {
		return s
	}
	return u.String()
}
