package manifest

import (
	"encoding/json"
	"fmt"
	"io"
)

// CheckHeader reads only as much of a manifest as it takes to see that
// pathwaysync wrote it (its "generator" and "version", which Marshal
// writes first), so that recognising a large tree does not decode all of
// it; Parse reads and checks the whole manifest.
func CheckHeader(r io.Reader) error {
	dec := json.NewDecoder(r)
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("parse manifest: not a JSON object")
	}
	var gen *string
	var ver *int
	for (gen == nil || ver == nil) && dec.More() {
		t, err := dec.Token()
		if err != nil {
			return fmt.Errorf("parse manifest: %w", err)
		}
		switch t {
		case "generator":
			gen = new(string)
			err = dec.Decode(gen)
		case "version":
			ver = new(int)
			err = dec.Decode(ver)
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return fmt.Errorf("parse manifest: %w", err)
		}
	}
	if gen == nil || *gen != Generator {
		return fmt.Errorf("parse manifest: generator %q is not %q", deref(gen), Generator)
	}
	if ver == nil || *ver < MinVersion || *ver > Version {
		return fmt.Errorf("parse manifest: unsupported version %d", derefInt(ver))
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func derefInt(v *int) int {
	if v == nil {
		return 0
	}
	return *v
}
