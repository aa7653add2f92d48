package source

import (
	"errors"
	"fmt"

	"github.com/pathwaysync/pathwaysync/pathway"
)

// document is what one file or URL produced.
type document struct {
	name     string
	pathways []pathway.Pathway
	warnings []Warning
}

// parseDocument checks one document's size and imports it with
// pathway.Parse, which rejects empty and binary input (ErrEmpty, ErrBinary);
// name is used in errors and warnings.
func parseDocument(name string, data []byte, max int64) (document, error) {
	if int64(len(data)) > max {
		return document{}, tooLarge(name, max)
	}
	ps, ws, err := pathway.Parse(name, data)
	if err != nil {
		var pe *pathway.Error
		if errors.As(err, &pe) {
			return document{}, err
		}
		return document{}, fmt.Errorf("import %s: %w", name, err)
	}
	if len(ps) == 0 {
		ws = append(ws, Warning{File: name, Msg: "no pathway found"})
	}
	return document{name: name, pathways: ps, warnings: ws}, nil
}
