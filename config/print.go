package config

import (
	"reflect"
	"time"
)

// Map returns c as nested maps keyed like the configuration file, with
// durations as strings ("30s"): what `pathwaysync config print` shows.
// Call it on Redacted() to hide secrets.
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
		default:
			out[key] = f.Interface()
		}
	}
	return out
}
