package source

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pathwaysync/pathwaysync/pathway"
)

// Sentinel errors callers can test with errors.Is; returned errors wrap them
// with the name of the file or URL.
var (
	// ErrTooLarge means a document exceeds Options.MaxBytes.
	ErrTooLarge = errors.New("larger than the size limit")
	// ErrEmpty means a document holds nothing but whitespace (the
	// importer's sentinel, re-exported).
	ErrEmpty = pathway.ErrEmpty
	// ErrBinary means a document holds NUL bytes or invalid UTF-8 (the
	// importer's sentinel, re-exported).
	ErrBinary = pathway.ErrBinary
	// ErrDuplicate means two sources (or one source twice) define the same
	// pathway title, compared case-insensitively.
	ErrDuplicate = errors.New("duplicate pathway")
	// ErrNoSources means Load was called without any spec; loading nothing
	// would make downstream steps delete every pathway.
	ErrNoSources = errors.New("no sources given")
	// ErrSymlinkOutside means a folder holds a symbolic link to a file
	// outside the folder and Options.FollowSymlinks is off.
	ErrSymlinkOutside = errors.New("symbolic link to a file outside the source folder")
)

// StatusError is a URL fetch answered with an unexpected HTTP status.
type StatusError struct {
	// URL is the address with any password redacted.
	URL string
	// StatusCode is the HTTP status code, e.g. 404.
	StatusCode int
	// Status is the status line, e.g. "404 Not Found".
	Status string
}

// Error reads "fetch URL: HTTP status".
func (e *StatusError) Error() string {
	return fmt.Sprintf("fetch %s: HTTP %s", e.URL, e.Status)
}

// Failure is one source that failed during a Cache load; its last good
// content was used in its place when it had any.
type Failure struct {
	// Source is the file name as given or the redacted URL.
	Source string
	// Err is why it failed.
	Err error
}

// Error reads "source: err".
func (f Failure) Error() string {
	if f.Err == nil {
		return f.Source + ": failed"
	}
	if strings.Contains(f.Err.Error(), f.Source) {
		return f.Err.Error()
	}
	return f.Source + ": " + f.Err.Error()
}

// Unwrap returns the cause.
func (f Failure) Unwrap() error { return f.Err }
