package pathway

import _ "embed"

// Schema is the JSON Schema (draft 2020-12) of the canonical YAML format,
// pathway/pathway.schema.json. Every object is closed
// (additionalProperties: false); a test keeps it in step with the Go types.
// The YAML importer is slightly more lenient: it reads null as empty.
//
//go:embed pathway.schema.json
var Schema []byte
