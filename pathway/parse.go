package pathway

import (
	"bytes"
	"path"
	"strings"
	"unicode/utf8"
)

// Format names an importer.
type Format string

// The importers Parse chooses between.
const (
	FormatText Format = "text"
	FormatHTML Format = "html"
	FormatYAML Format = "yaml"
)

// Parse imports the pathways in data. name is the caller's file name or URL:
// it picks the importer by extension (.txt/.text/.md page text, .html/.htm
// HTML, .yaml/.yml canonical YAML; anything else is sniffed), appears in
// errors and warnings, and becomes Source when the document has no URL.
// Every returned pathway passes Validate. Errors are *Error.
func Parse(name string, data []byte) ([]Pathway, []Warning, error) {
	if err := checkInput(name, data); err != nil {
		return nil, nil, err
	}
	switch DetectFormat(name, data) {
	case FormatYAML:
		return parseYAML(name, data)
	case FormatHTML:
		p, ws, err := parseHTML(name, data)
		if err != nil {
			return nil, ws, err
		}
		return []Pathway{*p}, ws, nil
	default:
		p, ws, err := parseText(name, data)
		if err != nil {
			return nil, ws, err
		}
		return []Pathway{*p}, ws, nil
	}
}

// DetectFormat returns the importer Parse uses for name and data: by
// extension first, then by content.
func DetectFormat(name string, data []byte) Format {
	switch strings.ToLower(path.Ext(stripQuery(name))) {
	case ".txt", ".text", ".md":
		return FormatText
	case ".html", ".htm":
		return FormatHTML
	case ".yaml", ".yml":
		return FormatYAML
	}
	return sniff(data)
}

// stripQuery drops a URL query or fragment so the extension can be read.
func stripQuery(name string) string {
	if i := strings.IndexAny(name, "?#"); i >= 0 {
		return name[:i]
	}
	return name
}

// sniff guesses the format from the first significant bytes.
func sniff(data []byte) Format {
	s := bytes.TrimPrefix(data, []byte("\uFEFF"))
	s = bytes.TrimLeft(s, " \t\r\n")
	if len(s) > 0 && s[0] == '<' {
		return FormatHTML
	}
	// YAML: a document marker or an apiVersion/kind key at the start of a line
	// before the first blank-separated block ends.
	head := s
	if len(head) > 4096 {
		head = head[:4096]
	}
	for _, line := range strings.Split(string(head), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "---" || strings.HasPrefix(line, "--- ") ||
			strings.HasPrefix(line, "apiVersion:") || strings.HasPrefix(line, "kind:") {
			return FormatYAML
		}
		if strings.HasPrefix(line, "#") {
			continue
		}
		if strings.TrimSpace(line) != "" {
			break
		}
	}
	return FormatText
}

// checkInput rejects empty and binary input.
func checkInput(name string, data []byte) error {
	if len(bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\uFEFF")))) == 0 {
		return &Error{File: name, Msg: "empty input", Err: ErrEmpty}
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return &Error{File: name, Line: 1 + bytes.Count(data[:i], []byte("\n")), Msg: "binary input: NUL byte", Err: ErrBinary}
	}
	if !utf8.Valid(data) {
		line := 1
		for i := 0; i < len(data); {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			if data[i] == '\n' {
				line++
			}
			i += size
		}
		return &Error{File: name, Line: line, Msg: "binary input: invalid UTF-8", Err: ErrBinary}
	}
	return nil
}
