package pathway

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors wrapped by *Error; callers test them with errors.Is.
var (
	// ErrEmpty means the input holds nothing but whitespace.
	ErrEmpty = errors.New("empty input")
	// ErrBinary means the input holds NUL bytes or invalid UTF-8.
	ErrBinary = errors.New("binary input")
	// ErrNoTitle means no pathway title could be found.
	ErrNoTitle = errors.New("no title found")
)

// Error is an import or validation failure located in a source file.
type Error struct {
	File  string // the caller's file name or URL
	Line  int    // 1-based line, 0 when unknown
	Field string // field path such as "focusAreas[1].title", empty when none
	Msg   string // what is wrong
	Err   error  // optional sentinel (ErrEmpty, ErrBinary, ErrNoTitle)
}

// Error reads "file:line: field: msg", omitting empty parts.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			b.WriteString(":" + strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
	} else if e.Line > 0 {
		b.WriteString("line " + strconv.Itoa(e.Line) + ": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	msg := e.Msg
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	b.WriteString(msg)
	return b.String()
}

// Unwrap returns the sentinel error, if any.
func (e *Error) Unwrap() error { return e.Err }

// Warning is a non-fatal remark about an imported document, such as a page
// that appears cut off or content that could not be placed.
type Warning struct {
	File string
	Line int // 1-based line, 0 when unknown
	Msg  string
}

// String reads "file:line: msg", omitting empty parts.
func (w Warning) String() string {
	return (&Error{File: w.File, Line: w.Line, Msg: w.Msg}).Error()
}
